import { z } from 'zod';
import type { OperationKind } from '../../../shared/plan.js';
import {
  CommandSpecSchema,
  ConflictResolutionSchema,
  PlanSchema,
  TaskIdSchema,
} from '../../../shared/plan.js';

/**
 * What the journal records, step by step, before and after each operation (write-ahead): enough to finish an
 * interrupted apply, or to undo it, byte for byte, even if the process died at any point.
 */

export const FileStateSchema = z.strictObject({
  path: z.string(),
  /** SHA-256 of the content, null when the file did not exist. */
  sha256: z.string().nullable(),
});
export type FileState = z.infer<typeof FileStateSchema>;

/** One record per operation kind (the `kind` is the operation's): what was there before the step. */
export const BeforeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mkdir'), existed: z.boolean() }),
  /** The file's hash, null when it did not exist; its bytes are kept in the backup store under that hash. */
  z.strictObject({ kind: z.literal('write'), sha256: z.string().nullable() }),
  /** The value read before the change: undo sets it back with the setting's own setter. */
  z.strictObject({ kind: z.literal('setting'), value: z.string() }),
  /** Each output before it was regenerated, backed up like a written file. */
  z.strictObject({ kind: z.literal('generate'), files: z.array(FileStateSchema) }),
  z.strictObject({ kind: z.literal('command') }),
]);
export type Before = z.infer<typeof BeforeSchema>;

/** What the step left, read back right after it (drift since then is a conflict at rollback). */
export const AfterSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mkdir') }),
  z.strictObject({ kind: z.literal('write'), sha256: z.string() }),
  z.strictObject({ kind: z.literal('setting'), value: z.string() }),
  z.strictObject({ kind: z.literal('generate'), files: z.array(FileStateSchema) }),
  /** A command that returned: it exited with a status its Command accepts (others throw). */
  z.strictObject({ kind: z.literal('command') }),
]);
export type After = z.infer<typeof AfterSchema>;

export type BeforeOf<K extends OperationKind> = Extract<Before, { kind: K }>;
export type AfterOf<K extends OperationKind> = Extract<After, { kind: K }>;

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
  /**
   * Commands to run once at the end, in this order: the `final` undos (systemctl daemon-reload), then the
   * regenerations chosen for conflicts (after every input file is back and systemd has reloaded).
   */
  final: z.array(CommandSpecSchema),
});
export type RollbackTransaction = z.infer<typeof RollbackTransactionSchema>;

export const TransactionSchema = z.discriminatedUnion('kind', [
  ApplyTransactionSchema,
  RollbackTransactionSchema,
]);
export type Transaction = z.infer<typeof TransactionSchema>;
