import { z } from 'zod';
import { MessageSchema } from './message.js';
import { TaskIdSchema } from './plan.js';

/** Progress of an apply or rollback, as data; the renderer turns `labelKey` into words. */
export const TaskEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('step'),
    phase: z.enum(['apply', 'undo']),
    task: TaskIdSchema,
    step: z.number().int(),
    total: z.number().int(),
    labelKey: z.string(),
    /** The file or command line concerned, for the details view. */
    detail: z.string(),
  }),
  /** A line a long command printed (dracut takes minutes). */
  z.object({ kind: z.literal('output'), line: z.string() }),
  z.object({ kind: z.literal('verify'), task: TaskIdSchema, ok: z.boolean(), detail: MessageSchema }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;
