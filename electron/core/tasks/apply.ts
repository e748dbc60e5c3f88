import type { TaskEvent } from '../../../shared/events.js';
import { assertNever } from '../../../shared/message.js';
import type { Operation, Plan } from '../../../shared/plan.js';
import { labelKeyOf } from '../../../shared/plan.js';
import { AppError } from '../errors.js';
import type { Boundary, JournalStore } from '../journal/journal-store.js';
import type { After, ApplyStep, ApplyTransaction, Before, FileState } from '../journal/transaction.js';
import type { System } from '../system/system.js';
import { commandOf } from './operations.js';
import { readSetting, sameSetting } from './settings.js';
import { detailOf, flattenPlan, opOf } from './steps.js';

export interface ExecOptions {
  readonly onEvent?: (e: TaskEvent) => void;
  /** Called at every point where the process could die: around each journal write and after each operation. */
  readonly boundary?: Boundary;
  readonly now?: () => Date;
}

/** Each output's hash, backing up the ones that exist (before a command rewrites them). */
async function backUpOutputs(
  sys: System,
  journal: JournalStore,
  paths: readonly string[],
): Promise<FileState[]> {
  const files = [];
  for (const path of paths) {
    const sha = await sys.sha256(path);
    if (sha !== null) await journal.backup(path);
    files.push({ path, sha256: sha });
  }
  return files;
}

/** Record what is there before an operation; backups are written before the journal says the step started. */
async function captureBefore(
  sys: System,
  journal: JournalStore,
  op: Operation,
  release: Plan['release'],
): Promise<Before> {
  switch (op.kind) {
    case 'mkdir':
      return { kind: 'mkdir', existed: !!(await sys.stat(op.path)) };
    case 'write': {
      const [file] = await backUpOutputs(sys, journal, [op.path]);
      return { kind: 'write', sha256: file!.sha256 };
    }
    case 'setting':
      return { kind: 'setting', value: await readSetting(sys, op.ref, release) };
    case 'generate':
      return { kind: 'generate', files: await backUpOutputs(sys, journal, op.outputs) };
    case 'command':
      return { kind: 'command' };
    default:
      return assertNever(op, 'operation');
  }
}

/** Perform one operation; every operation is idempotent, so a step that was interrupted can simply run again. */
async function perform(
  sys: System,
  op: Operation,
  release: Plan['release'],
  opts: ExecOptions,
): Promise<After> {
  const onLine = (line: string) => opts.onEvent?.({ kind: 'output', line });
  switch (op.kind) {
    case 'mkdir':
      await sys.makeDir(op.path, op.mode);
      return { kind: 'mkdir' };
    case 'write': {
      await sys.writeFileAtomic(op.path, op.content, { mode: op.mode });
      // Hash-verified install: read the file back; anything but the planned bytes stops the run.
      const sha = await sys.sha256(op.path);
      if (sha !== op.sha256) {
        throw new AppError(
          'verify-failed',
          'internal',
          `${op.path} reads back with SHA-256 ${sha ?? 'none'}, expected ${op.sha256}`,
          { subject: op.path, expected: op.sha256, actual: sha ?? 'missing' },
        );
      }
      return { kind: 'write', sha256: sha };
    }
    case 'setting': {
      if (!sameSetting(await readSetting(sys, op.ref, release), op.to)) await sys.run(commandOf(op.command));
      const now = await readSetting(sys, op.ref, release);
      if (!sameSetting(now, op.to)) {
        const subject = detailOf(op);
        throw new AppError(
          'verify-failed',
          'internal',
          `${subject} left the value at ${now}, expected ${op.to}`,
          {
            subject,
            expected: op.to,
            actual: now,
          },
        );
      }
      return { kind: 'setting', value: now };
    }
    case 'generate': {
      await sys.run(commandOf(op.command, onLine));
      const files = [];
      for (const path of op.outputs) files.push({ path, sha256: await sys.sha256(path) });
      return { kind: 'generate', files };
    }
    case 'command':
      await sys.run(commandOf(op.command, onLine));
      return { kind: 'command' };
    default:
      return assertNever(op, 'operation');
  }
}

/**
 * Run the transaction's steps from the first that is not done, journaling each before and after (write-ahead).
 * A step found "started" (the process died during it) keeps its recorded `before` and is performed again.
 */
export async function runApplySteps(
  sys: System,
  journal: JournalStore,
  tx: ApplyTransaction,
  opts: ExecOptions,
): Promise<void> {
  const boundary = opts.boundary ?? (() => undefined);
  const total = tx.steps.length;
  for (let i = 0; i < total; i++) {
    const step = tx.steps[i]!;
    if (step.state === 'done') continue;
    const op = opOf(tx, step);
    opts.onEvent?.({
      kind: 'step',
      phase: 'apply',
      task: step.task,
      step: i + 1,
      total,
      labelKey: labelKeyOf(op),
      detail: detailOf(op),
    });
    if (step.state === 'pending') {
      const before = await captureBefore(sys, journal, op, tx.plan.release);
      tx.steps[i] = { ...step, state: 'started', before };
      await journal.save(tx);
    }
    const after = await perform(sys, op, tx.plan.release, opts);
    boundary(`apply:${i}:performed`);
    tx.steps[i] = { ...tx.steps[i]!, state: 'done', after };
    await journal.save(tx);
  }
}

export function newApplyTransaction(plan: Plan, id: string, now: Date): ApplyTransaction {
  const steps: ApplyStep[] = flattenPlan(plan).map(({ task, index }) => ({
    task,
    index,
    state: 'pending',
    before: null,
    after: null,
  }));
  return {
    format: 'qubes-stateless-journal/1',
    id,
    kind: 'apply',
    status: 'in-progress',
    createdAt: now.toISOString(),
    plan,
    steps,
    rolledBackBy: null,
  };
}

/** The refusal of a plan whose preconditions are not all met (null when they are): `failed` and `<id>.<param>`. */
export function blockedError(plan: Plan): AppError | null {
  const failed = plan.preconditions.filter((p) => !p.ok);
  if (!failed.length) return null;
  return new AppError(
    'precondition-failed',
    'precondition',
    `cannot apply: ${failed.map((p) => p.id).join(', ')}`,
    {
      failed: failed.map((p) => p.id).join(','),
      ...Object.fromEntries(
        failed.flatMap((p) => Object.entries(p.params).map(([k, v]) => [`${p.id}.${k}`, v])),
      ),
    },
  );
}

/**
 * Preconditions and the absence of drift since the plan was made, checked before anything is written: every
 * file must still have the content the plan's diff was made against, every setting the value it shows.
 */
export async function preflight(sys: System, plan: Plan): Promise<void> {
  const blocked = blockedError(plan);
  if (blocked) throw blocked;
  for (const { op } of flattenPlan(plan)) await checkNoDrift(sys, op, plan.release);
}

/** The file still has the content the plan's diff was made against, the setting the value the plan shows. */
async function checkNoDrift(sys: System, op: Operation, release: Plan['release']): Promise<void> {
  switch (op.kind) {
    case 'write': {
      const now = await sys.sha256(op.path);
      if (now !== op.beforeSha256)
        throw new AppError(
          'drift-since-plan',
          'precondition',
          `${op.path} changed since the plan was made; review the plan again`,
          { subject: op.path },
        );
      return;
    }
    case 'setting': {
      const now = await readSetting(sys, op.ref, release);
      if (!sameSetting(now, op.from))
        throw new AppError(
          'drift-since-plan',
          'precondition',
          `${detailOf(op)}: the value is now ${now}, the plan expected ${op.from}; review the plan again`,
          { subject: detailOf(op) },
        );
      return;
    }
    // Directories are made if missing, outputs and commands are regenerated or rerun: nothing to drift from.
    case 'mkdir':
    case 'generate':
    case 'command':
      return;
    default:
      return assertNever(op, 'operation');
  }
}
