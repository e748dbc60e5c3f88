import { z } from 'zod';
import { ConflictResolutionSchema, PlanSchema, TaskIdSchema } from '../../../shared/plan.js';

/**
 * What the journal records, step by step, before and after each operation (write-ahead): enough to finish an
 * interrupted apply, or to undo it, byte for byte, even if the process died at any point.
 */

export const FileStateSchema = z.object({
  path: z.string(),
  /** SHA-256 of the content, null when the file did not exist. */
  sha256: z.string().nullable(),
});

export const BeforeSchema = z.discriminatedUnion('kind', [
  /** A file before a write; its bytes are kept in the backup store under their hash. */
  z.object({ kind: z.literal('file'), path: z.string(), sha256: z.string().nullable() }),
  z.object({ kind: z.literal('dir'), path: z.string(), existed: z.boolean() }),
  z.object({ kind: z.literal('setting'), value: z.string() }),
  /** Files a command rewrites. */
  z.object({ kind: z.literal('outputs'), files: z.array(FileStateSchema) }),
  z.object({ kind: z.literal('none') }),
]);
export type Before = z.infer<typeof BeforeSchema>;

export const AfterSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), sha256: z.string() }),
  z.object({ kind: z.literal('dir') }),
  z.object({ kind: z.literal('setting'), value: z.string() }),
  z.object({ kind: z.literal('outputs'), files: z.array(FileStateSchema) }),
  z.object({ kind: z.literal('none') }),
]);
export type After = z.infer<typeof AfterSchema>;

export const STEP_STATES = ['pending', 'started', 'done'] as const;

export const ApplyStepSchema = z.object({
  task: TaskIdSchema,
  /** Index of the operation inside its task. */
  index: z.number().int().nonnegative(),
  state: z.enum(STEP_STATES),
  before: BeforeSchema.nullable(),
  after: AfterSchema.nullable(),
});
export type ApplyStep = z.infer<typeof ApplyStepSchema>;

export const RollbackStepSchema = z.object({
  /** Index into the apply transaction's steps. */
  applyStep: z.number().int().nonnegative(),
  state: z.enum(STEP_STATES),
  /** The resolution used for this step (from the user's choices for conflicts; 'restore' otherwise). */
  resolution: ConflictResolutionSchema,
});
export type RollbackStep = z.infer<typeof RollbackStepSchema>;

export const ApplyTransactionSchema = z.object({
  format: z.literal('qubes-stateless-journal/1'),
  id: z.string().regex(/^[0-9A-Za-z-]+$/),
  kind: z.literal('apply'),
  status: z.enum(['in-progress', 'applied', 'rolled-back', 'failed']),
  createdAt: z.string(),
  plan: PlanSchema,
  steps: z.array(ApplyStepSchema),
  /** Set when a rollback transaction has undone this one. */
  rolledBackBy: z.string().nullable(),
});
export type ApplyTransaction = z.infer<typeof ApplyTransactionSchema>;

export const RollbackTransactionSchema = z.object({
  format: z.literal('qubes-stateless-journal/1'),
  id: z.string().regex(/^[0-9A-Za-z-]+$/),
  kind: z.literal('rollback'),
  status: z.enum(['in-progress', 'done']),
  createdAt: z.string(),
  target: z.string(),
  steps: z.array(RollbackStepSchema),
  /** Commands to run once at the end (systemctl daemon-reload, regenerations chosen for conflicts). */
  finalArgv: z.array(z.array(z.string())),
});
export type RollbackTransaction = z.infer<typeof RollbackTransactionSchema>;

export const TransactionSchema = z.discriminatedUnion('kind', [
  ApplyTransactionSchema,
  RollbackTransactionSchema,
]);
export type Transaction = z.infer<typeof TransactionSchema>;
