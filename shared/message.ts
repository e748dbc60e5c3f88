import { z } from 'zod';

/**
 * What the core says to a person: a catalogue key and its parameters, never a sentence. The GUI and the CLI
 * word it from the same catalogue (shared/i18n), so a message reads the same in both and can be translated.
 */
export const MessageParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type MessageParams = z.infer<typeof MessageParamsSchema>;

export const MessageSchema = z.object({ key: z.string(), params: MessageParamsSchema });
export type Message = z.infer<typeof MessageSchema>;

/** A message about one input: `field` names the choice (or file, or journal entry) it belongs to. */
export const ProblemSchema = MessageSchema.extend({ field: z.string().optional() });
export type Problem = z.infer<typeof ProblemSchema>;

export const message = (key: string, params: MessageParams = {}): Message => ({ key, params });

/** For exhaustive switches over unions: a new case that nobody handles fails to compile here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
