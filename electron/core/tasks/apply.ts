import type { TaskEvent } from '../../../shared/events.js';
import type { Operation, Plan } from '../../../shared/plan.js';
import { AppError } from '../errors.js';
import type { Boundary, JournalStore } from '../journal/journal-store.js';
import type { After, ApplyStep, ApplyTransaction, Before } from '../journal/transaction.js';
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

/** Record what is there before an operation; backups are written before the journal says the step started. */
async function captureBefore(
  sys: System,
  journal: JournalStore,
  op: Operation,
  release: Plan['release'],
): Promise<Before> {
  switch (op.kind) {
    case 'mkdir':
      return { kind: 'dir', path: op.path, existed: !!(await sys.stat(op.path)) };
    case 'write': {
      const sha = await sys.sha256(op.path);
      if (sha !== null) await journal.backup(op.path);
      return { kind: 'file', path: op.path, sha256: sha };
    }
    case 'run': {
      if (op.setting) return { kind: 'setting', value: await readSetting(sys, op.setting.ref, release) };
      if (op.outputs.length === 0) return { kind: 'none' };
      const files = [];
      for (const path of op.outputs) {
        const sha = await sys.sha256(path);
        if (sha !== null) await journal.backup(path);
        files.push({ path, sha256: sha });
      }
      return { kind: 'outputs', files };
    }
  }
}

/** Perform one operation; every operation is idempotent, so a step that was interrupted can simply run again. */
async function perform(
  sys: System,
  op: Operation,
  release: Plan['release'],
  opts: ExecOptions,
): Promise<After> {
  switch (op.kind) {
    case 'mkdir':
      await sys.makeDir(op.path, op.mode);
      return { kind: 'dir' };
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
      return { kind: 'file', sha256: sha };
    }
    case 'run': {
      if (op.setting) {
        const { ref, to } = op.setting;
        if (!sameSetting(await readSetting(sys, ref, release), to)) await sys.run(commandOf(op));
        const now = await readSetting(sys, ref, release);
        if (!sameSetting(now, to))
          throw new AppError(
            'verify-failed',
            'internal',
            `${op.argv.join(' ')} left the value at ${now}, expected ${to}`,
            { subject: op.argv.join(' '), expected: to, actual: now },
          );
        return { kind: 'setting', value: now };
      }
      await sys.run(commandOf(op, (line) => opts.onEvent?.({ kind: 'output', line })));
      if (op.outputs.length === 0) return { kind: 'none' };
      const files = [];
      for (const path of op.outputs) files.push({ path, sha256: await sys.sha256(path) });
      return { kind: 'outputs', files };
    }
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
      labelKey: op.kind === 'run' ? op.labelKey : `ops.${op.kind}`,
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

/**
 * Preconditions and the absence of drift since the plan was made, checked before anything is written: every
 * file must still have the content the plan's diff was made against, every setting the value it shows.
 */
export async function preflight(sys: System, plan: Plan): Promise<void> {
  const failed = plan.preconditions.filter((p) => !p.ok);
  if (failed.length) {
    throw new AppError(
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
  for (const { op } of flattenPlan(plan)) {
    if (op.kind === 'write') {
      const now = await sys.sha256(op.path);
      if (now !== op.beforeSha256)
        throw new AppError(
          'drift-since-plan',
          'precondition',
          `${op.path} changed since the plan was made; review the plan again`,
          { subject: op.path },
        );
    } else if (op.kind === 'run' && op.setting) {
      const now = await readSetting(sys, op.setting.ref, plan.release);
      if (!sameSetting(now, op.setting.from))
        throw new AppError(
          'drift-since-plan',
          'precondition',
          `${op.argv.join(' ')}: the value is now ${now}, the plan expected ${op.setting.from}; review the plan again`,
          { subject: op.argv.join(' ') },
        );
    }
  }
}
