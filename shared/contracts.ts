import { z } from 'zod';
import type { InvokeChannel } from './channels.js';
import type { Envelope } from './errors.js';
import { SystemFactsSchema } from './facts.js';

/** One request/response schema pair per channel; the main process validates both directions. */
export const AppInfoSchema = z.object({
  version: z.string(),
  system: z.object({ kind: z.enum(['real', 'simulated']), description: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const CONTRACTS = {
  'app:info': { request: z.object({}).strict(), response: AppInfoSchema },
  'facts:get': { request: z.object({ refresh: z.boolean().optional() }).strict(), response: SystemFactsSchema },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export type Contracts = typeof CONTRACTS;
export type RequestOf<C extends InvokeChannel> = z.input<Contracts[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<Contracts[C]['response']>;

/** What the preload exposes as `window.api`. */
export interface RendererApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** Subscribe to main-process events; returns an unsubscribe function. */
  onEvent(listener: (event: unknown) => void): () => void;
}
