import { z } from 'zod';
import { WizardChoicesSchema } from './choices.js';
import { MessageSchema, assertNever } from './message.js';
import { RamModelSchema } from './ram/ram-estimate.js';

/**
 * A plan: what applying the wizard's choices will do, exactly. Shown on the Review screen and by
 * `plan --json`; executed by the main process only after it re-plans from the same choices.
 */

export const TASK_IDS = [
  'forum-migration',
  'dracut-module',
  'initramfs',
  'boot-entries',
  'swap',
  'ram-pool',
  'ephemeral-volatile',
  'read-only-root',
  'save-vault',
] as const;
export const TaskIdSchema = z.enum(TASK_IDS);
export type TaskId = z.infer<typeof TaskIdSchema>;

export const CommandSpecSchema = z.object({
  bin: z.string(),
  args: z.array(z.string()),
  privileged: z.boolean(),
});
export type CommandSpec = z.infer<typeof CommandSpecSchema>;

/** A value the app changes through a command, read back to record it, verify it and restore it. */
export const SettingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pool-option'),
    pool: z.string(),
    option: z.enum(['ephemeral_volatile', 'revisions_to_keep']),
  }),
  z.object({
    kind: z.literal('volume-property'),
    qube: z.string(),
    volume: z.enum(['root', 'private', 'volatile']),
    property: z.enum(['rw', 'ephemeral']),
  }),
  z.object({ kind: z.literal('global-property'), property: z.string() }),
  z.object({ kind: z.literal('swap-active'), device: z.string() }),
  z.object({ kind: z.literal('unit-enabled'), unit: z.string() }),
  /** A qube that exists ("present") or not ("absent"); created qubes are removed on rollback. */
  z.object({ kind: z.literal('qube-exists'), qube: z.string() }),
]);
export type Setting = z.infer<typeof SettingSchema>;

/**
 * What a plan does, one exact kind per way of doing and undoing it. No operation stores argv: it is derived
 * for display (`displayArgv`, shared/command-line.ts), and a setting's undo is rebuilt from `ref` and `from`.
 * A journal written before these kinds existed ("run") does not parse: it is refused as journal-corrupt.
 */
export const MkdirOpSchema = z.strictObject({
  kind: z.literal('mkdir'),
  path: z.string(),
  mode: z.number().int(),
});
export const WriteOpSchema = z.strictObject({
  kind: z.literal('write'),
  path: z.string(),
  /** The full new content (text files only). */
  content: z.string(),
  sha256: z.string(),
  mode: z.number().int(),
  /** SHA-256 of the file now, null if it does not exist yet. */
  beforeSha256: z.string().nullable(),
  diff: z.string(),
  /** The bundled asset this comes from (hash-verified against assets/manifest.json), if any. */
  asset: z.string().nullable(),
});
/** A setting changed from `from` to `to` by `command`; undone by the setting's own setter back to `from`. */
export const SettingOpSchema = z.strictObject({
  kind: z.literal('setting'),
  ref: SettingSchema,
  from: z.string(),
  to: z.string(),
  /** The setter (for qube-exists: the qvm-create that makes the qube). */
  command: CommandSpecSchema,
  /** i18n key describing the step (the renderer's words). */
  labelKey: z.string(),
});
/** A command that rewrites `outputs` (dracut, grub2-mkconfig): undone by restoring them from their backups. */
export const GenerateOpSchema = z.strictObject({
  kind: z.literal('generate'),
  command: CommandSpecSchema,
  outputs: z.array(z.string()).min(1),
  labelKey: z.string(),
});
export const UNDO_PHASES = ['in-place', 'final'] as const;
/** Any other command, with the command that undoes it (if any) and when: in its place, or once at the end. */
export const CommandOpSchema = z.strictObject({
  kind: z.literal('command'),
  command: CommandSpecSchema,
  undo: CommandSpecSchema.nullable(),
  /** `final`: run once after every other undo step (systemctl daemon-reload after the unit files are back). */
  undoPhase: z.enum(UNDO_PHASES),
  labelKey: z.string(),
});

export const OperationSchema = z.discriminatedUnion('kind', [
  MkdirOpSchema,
  WriteOpSchema,
  SettingOpSchema,
  GenerateOpSchema,
  CommandOpSchema,
]);
export type Operation = z.infer<typeof OperationSchema>;
export type OperationKind = Operation['kind'];
export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;
export type MkdirOp = OperationOf<'mkdir'>;
export type WriteOp = OperationOf<'write'>;
export type SettingOp = OperationOf<'setting'>;
export type GenerateOp = OperationOf<'generate'>;
export type CommandOp = OperationOf<'command'>;

/** The i18n key of an operation's progress line. */
export function labelKeyOf(op: Operation): string {
  switch (op.kind) {
    case 'mkdir':
    case 'write':
      return `ops.${op.kind}`;
    case 'setting':
    case 'generate':
    case 'command':
      return op.labelKey;
    default:
      return assertNever(op, 'operation');
  }
}

export const PlannedTaskSchema = z.object({
  id: TaskIdSchema,
  operations: z.array(OperationSchema),
});
export type PlannedTask = z.infer<typeof PlannedTaskSchema>;

export const PreconditionSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type Precondition = z.infer<typeof PreconditionSchema>;

/**
 * grub.cfg's stock entries differ from what grub2-mkconfig gives now: an /etc/default/grub edit that was
 * never applied. Regenerating (which our apply does) would include it; the user decides.
 */
export const PendingGrubSchema = z.object({
  path: z.string(),
  /** Unified diff of the stock (20_linux_xen) entries: now -> after regeneration. */
  diff: z.string(),
  /** SHA-256 of the regenerated stock entries, checked after apply. */
  stockSha256: z.string(),
});
export type PendingGrub = z.infer<typeof PendingGrubSchema>;

export const PlanSchema = z.object({
  release: z.enum(['4.2', '4.3']),
  choices: WizardChoicesSchema,
  /** dom0_mem=max for the stateless entry and the zram/tmpfs sizes the plan writes. */
  boot: z.object({
    dom0MemMaxMiB: z.number().int(),
    rootSizeMiB: z.number().int().nullable(),
    reserveMiB: z.number().int(),
  }),
  /** The RAM model's breakdown for these choices on this machine. */
  ram: RamModelSchema,
  preconditions: z.array(PreconditionSchema),
  tasks: z.array(PlannedTaskSchema),
  warnings: z.array(
    z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
  ),
  pendingGrub: z.array(PendingGrubSchema),
});
export type Plan = z.infer<typeof PlanSchema>;

export const CONFLICT_RESOLUTIONS = ['restore', 'keep', 'regenerate', 'remove'] as const;
export const ConflictResolutionSchema = z.enum(CONFLICT_RESOLUTIONS);
export type ConflictResolution = z.infer<typeof ConflictResolutionSchema>;

/**
 * What a changed file's conflict shows before the user decides: the unified diff from the file as the install left
 * it (`installed`: a file we wrote) or, for a generated file whose installed bytes are not kept, from the copy of
 * before the install (`before`: what Restore puts back) to the file as it is now; or why there is none.
 */
export const ConflictViewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('diff'), against: z.enum(['installed', 'before']), diff: z.string() }),
  z.object({
    kind: z.literal('omitted'),
    reason: z.enum(['binary', 'too-large', 'unavailable']),
    bytes: z.number().int().nonnegative(),
  }),
]);
export type ConflictView = z.infer<typeof ConflictViewSchema>;

/** Larger files (an initramfs, a big grub.cfg) are not diffed: the preview would be unreadable and slow. */
export const CONFLICT_DIFF_MAX_BYTES = 256 * 1024;

/** Something changed after our apply; rollback will not overwrite it silently. */
export const ConflictSchema = z.object({
  id: z.string(),
  kind: z.enum(['file-changed', 'setting-changed', 'qube-has-data']),
  /** Path, or a description of the setting or qube. */
  subject: z.string(),
  expected: z.string(),
  actual: z.string(),
  options: z.array(ConflictResolutionSchema),
  recommended: ConflictResolutionSchema,
  /** file-changed conflicts in a rollback preview: the diff to show before choosing. */
  view: ConflictViewSchema.optional(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const TransactionSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['apply', 'rollback']),
  status: z.enum(['in-progress', 'applied', 'rolled-back', 'failed', 'done']),
  createdAt: z.string(),
  tasks: z.array(TaskIdSchema),
  steps: z.number().int(),
  stepsDone: z.number().int(),
  target: z.string().nullable(),
});
export type TransactionSummary = z.infer<typeof TransactionSummarySchema>;

/** A task's check after apply; `detail` says what was found, as a catalogue message (`verify.*`). */
export const TaskCheckSchema = z.object({ task: TaskIdSchema, ok: z.boolean(), detail: MessageSchema });
export type TaskCheck = z.infer<typeof TaskCheckSchema>;

export const ApplyResultSchema = z.object({
  transaction: TransactionSummarySchema,
  checks: z.array(TaskCheckSchema),
});
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

/**
 * How a failed apply left dom0, in its error's `params.outcome`: `unchanged` (stopped before its first step),
 * `rolled-back` (the automatic undo finished and every file and setting is proved back), `unfinished` (the undo
 * failed or was interrupted: `params.left` names what is not undone, one per line; recovery finishes it),
 * `differs` (the undo finished, but what `left` names is not as before: something else changed it meanwhile;
 * there is nothing left to recover).
 */
export const APPLY_FAILURE_OUTCOMES = ['unchanged', 'rolled-back', 'unfinished', 'differs'] as const;
export type ApplyFailureOutcome = (typeof APPLY_FAILURE_OUTCOMES)[number];

/**
 * A command a rollback or recovery will run, as argv for display: `apply` (a resumed apply's remaining steps),
 * `undo` (in its step's place: the rebuilt setting undos), `final` (once at the end). `conflict`: run only if that
 * conflict is resolved by regenerating.
 */
export const PreviewCommandSchema = z.object({
  argv: z.array(z.string()),
  phase: z.enum(['apply', 'undo', 'final']),
  conflict: z.string().nullable(),
});
export type PreviewCommand = z.infer<typeof PreviewCommandSchema>;

export const RollbackPreviewSchema = z.object({
  target: TransactionSummarySchema.nullable(),
  conflicts: z.array(ConflictSchema),
  /** Every command the rollback will run (or, with `conflict`, may run). */
  commands: z.array(PreviewCommandSchema),
});
export type RollbackPreview = z.infer<typeof RollbackPreviewSchema>;

export const RollbackResultSchema = z.object({
  transaction: TransactionSummarySchema,
  problems: z.array(z.string()),
});
export type RollbackResult = z.infer<typeof RollbackResultSchema>;

export const JournalStatusSchema = z.object({
  transactions: z.array(TransactionSummarySchema),
  /** Applied and not rolled back, latest first. */
  installed: z.array(TransactionSummarySchema),
  /** An apply or rollback the process did not finish (crash, power loss): resume or roll back first. */
  unfinished: TransactionSummarySchema.nullable(),
});
export type JournalStatus = z.infer<typeof JournalStatusSchema>;
