import { z } from 'zod';
import type { InvokeChannel } from './channels.js';
import type { Envelope } from './errors.js';
import { WizardChoicesSchema } from './choices.js';
import { DoctorResultSchema } from './doctor.js';
import { SystemFactsSchema } from './facts.js';
import {
  ApplyResultSchema,
  ConflictResolutionSchema,
  JournalStatusSchema,
  PlanSchema,
  RollbackPreviewSchema,
  RollbackResultSchema,
  TransactionSummarySchema,
} from './plan.js';
import { RamMeasurementsSchema } from './ram/ram-estimate.js';

/** One request/response schema pair per channel; the main process validates both directions. */
export const AppInfoSchema = z.object({
  version: z.string(),
  system: z.object({ kind: z.enum(['real', 'simulated']), description: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** `digest` identifies the plan's operations; apply refuses if what it would do differs from what was reviewed. */
export const PlanResultSchema = z.object({ plan: PlanSchema, digest: z.string() });
export type PlanResult = z.infer<typeof PlanResultSchema>;

/**
 * Seconds each round of `qvm-shutdown --wait` waits before it kills the qubes of that round still running
 * (qvm_shutdown.py's own default --timeout, 60 on release4.2 and release4.3; a qube refused in one round, for one
 * that depends on it, is tried again in the next); the confirmation says so.
 */
export const QUBE_SHUTDOWN_TIMEOUT_SEC = 60;

export const CONTRACTS = {
  'app:info': { request: z.object({}).strict(), response: AppInfoSchema },
  'facts:get': {
    request: z.object({ refresh: z.boolean().optional() }).strict(),
    response: SystemFactsSchema,
  },
  /** doctor's checks (read-only: every probe with its command and exit status, readiness, the planner's preconditions). */
  'doctor:run': { request: z.object({}).strict(), response: DoctorResultSchema },
  /** What the RAM model needs from the machine; the renderer runs the pure model on it as choices change. */
  'ram:measure': {
    request: z.object({ refresh: z.boolean().optional() }).strict(),
    response: RamMeasurementsSchema,
  },
  'plan:create': { request: z.object({ choices: WizardChoicesSchema }).strict(), response: PlanResultSchema },
  /** Re-plans from the same choices and applies only if the result is the plan the user reviewed (digest). */
  'plan:apply': {
    request: z.object({ choices: WizardChoicesSchema, digest: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    response: ApplyResultSchema,
  },
  'journal:status': { request: z.object({}).strict(), response: JournalStatusSchema },
  'rollback:preview': { request: z.object({}).strict(), response: RollbackPreviewSchema },
  'rollback:run': {
    request: z.object({ resolutions: z.record(z.string().max(400), ConflictResolutionSchema) }).strict(),
    response: RollbackResultSchema,
  },
  'recover:run': {
    request: z.object({ action: z.enum(['resume', 'rollback']) }).strict(),
    response: TransactionSummarySchema,
  },
  /** Names the core showed as running (it checks each against a fresh probe); answers which are halted now. */
  'qubes:shutdown': {
    request: z.object({ qubes: z.array(z.string().max(64)).min(1).max(100) }).strict(),
    response: z.object({ halted: z.array(z.string()) }),
  },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export type Contracts = typeof CONTRACTS;
export type RequestOf<C extends InvokeChannel> = z.input<Contracts[C]['request']>;
/** A request after validation (defaults filled in), as the main process sees it. */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<Contracts[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<Contracts[C]['response']>;

/** What the preload exposes as `window.api`. */
export interface RendererApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** Subscribe to main-process events; returns an unsubscribe function. */
  onEvent(listener: (event: unknown) => void): () => void;
}
