import type { Conflict, ConflictResolution, Operation } from '../../../shared/plan.js';
import { AppError } from '../errors.js';
import type { JournalStore } from '../journal/journal-store.js';
import type {
  ApplyStep,
  ApplyTransaction,
  RollbackStep,
  RollbackTransaction,
} from '../journal/transaction.js';
import { volumeInfo } from '../qubes/admin-commands.js';
import type { System } from '../system/system.js';
import type { ExecOptions } from './apply.js';
import { commandFromArgv } from './operations.js';
import { describeSetting, readSetting, requireSettingCommand, sameSetting } from './settings.js';
import { detailOf, opOf } from './steps.js';

/**
 * Undo, as planned conflicts first (nothing changes while they are found), then as journaled steps.
 * Every undo is idempotent: restoring a backup twice, or setting a value it already has, changes nothing.
 */

export const conflictId = (stepIndex: number, path?: string): string =>
  path ? `step-${stepIndex}:${path}` : `step-${stepIndex}`;

/** Steps the rollback must undo, latest first: everything that started. */
export function undoableSteps(tx: ApplyTransaction): number[] {
  return tx.steps
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.state !== 'pending')
    .map(({ i }) => i)
    .reverse();
}

/** What changed after our apply, by someone else: each needs the user's decision before rollback touches it. */
export async function findConflicts(sys: System, tx: ApplyTransaction): Promise<Conflict[]> {
  const out: Conflict[] = [];
  for (const i of undoableSteps(tx)) {
    const step = tx.steps[i]!;
    // A step interrupted mid-way has no "after" to compare with: restoring it is the recovery itself.
    if (step.state !== 'done' || !step.after) continue;
    const op = opOf(tx, step);
    if (op.kind === 'write' && step.after.kind === 'file') {
      const now = await sys.sha256(op.path);
      if (now !== step.after.sha256) {
        const created = step.before?.kind === 'file' && step.before.sha256 === null;
        out.push({
          id: conflictId(i),
          kind: 'file-changed',
          subject: op.path,
          expected: step.after.sha256,
          actual: now ?? 'missing',
          options: created ? ['remove', 'keep'] : ['restore', 'keep'],
          recommended: 'keep',
        });
      }
    } else if (op.kind === 'run' && op.setting && step.after.kind === 'setting') {
      const now = await readSetting(sys, op.setting.ref, tx.plan.release);
      if (op.setting.ref.kind === 'qube-exists') {
        if (now === 'present') {
          const usage = Number(
            (
              await sys.run(volumeInfo(op.setting.ref.qube, 'private', 'usage', tx.plan.release))
            ).stdout.trim() || '0',
          );
          if (usage > 0)
            out.push({
              id: conflictId(i),
              kind: 'qube-has-data',
              subject: op.setting.ref.qube,
              expected: '0',
              actual: String(usage),
              options: ['remove', 'keep'],
              recommended: 'keep',
            });
        }
      } else if (!sameSetting(now, step.after.value)) {
        out.push({
          id: conflictId(i),
          kind: 'setting-changed',
          subject: describeSetting(op.setting.ref),
          expected: step.after.value,
          actual: now,
          options: ['restore', 'keep'],
          recommended: 'keep',
        });
      }
    } else if (op.kind === 'run' && step.after.kind === 'outputs') {
      for (const f of step.after.files) {
        const now = await sys.sha256(f.path);
        if (now !== f.sha256)
          out.push({
            id: conflictId(i, f.path),
            kind: 'file-changed',
            subject: f.path,
            expected: f.sha256 ?? 'missing',
            actual: now ?? 'missing',
            options: ['regenerate', 'restore', 'keep'],
            recommended: 'regenerate',
          });
      }
    }
  }
  return out;
}

/** The rollback transaction: one step per undoable apply step, with the user's resolutions baked in. */
export function newRollbackTransaction(
  tx: ApplyTransaction,
  id: string,
  now: Date,
  conflicts: readonly Conflict[],
  resolutions: Readonly<Record<string, ConflictResolution>>,
): RollbackTransaction {
  const missing = conflicts.filter((c) => !resolutions[c.id]);
  if (missing.length) {
    throw new AppError(
      'rollback-conflicts',
      'user',
      `rollback needs a decision for what changed since the install: ${missing.map((c) => `${c.subject} (${c.options.join('/')})`).join('; ')}`,
      { count: missing.length, subjects: missing.map((c) => c.subject).join(', ') },
    );
  }
  for (const c of conflicts) {
    if (!c.options.includes(resolutions[c.id]!))
      throw new AppError(
        'invalid-choice',
        'user',
        `"${resolutions[c.id]}" is not an option for ${c.subject}`,
        {
          field: c.subject,
          reason: 'rollbackProblem.notAnOption',
          value: resolutions[c.id]!,
          options: c.options.join('/'),
        },
      );
  }
  const finalArgv: string[][] = [];
  const steps: RollbackStep[] = undoableSteps(tx).map((i) => {
    const op = opOf(tx, tx.steps[i]!);
    const own = conflicts.filter((c) => c.id === conflictId(i) || c.id.startsWith(`${conflictId(i)}:`));
    const resolution: ConflictResolution = own.length ? resolutions[own[0]!.id]! : 'restore';
    if (
      op.kind === 'run' &&
      op.undoAtEnd &&
      op.undoArgv &&
      !finalArgv.some((a) => a.join('\0') === op.undoArgv!.join('\0'))
    )
      finalArgv.push(op.undoArgv);
    if (op.kind === 'run' && resolution === 'regenerate') finalArgv.push(op.argv);
    return { applyStep: i, state: 'pending', resolution };
  });
  // Regenerations run after every input file is back and systemd has reloaded.
  finalArgv.sort(
    (a, b) => Number(a.includes('daemon-reload') ? 0 : 1) - Number(b.includes('daemon-reload') ? 0 : 1),
  );
  return {
    format: 'qubes-stateless-journal/1',
    id,
    kind: 'rollback',
    status: 'in-progress',
    createdAt: now.toISOString(),
    target: tx.id,
    steps,
    finalArgv,
  };
}

async function restoreFile(
  sys: System,
  journal: JournalStore,
  path: string,
  sha: string | null,
): Promise<void> {
  if (sha === null) {
    if (await sys.stat(path)) await sys.removeFile(path);
  } else if ((await sys.sha256(path)) !== sha) {
    await journal.restore(sha, path);
  }
}

/** Undo one apply step according to its resolution. */
async function undoStep(
  sys: System,
  journal: JournalStore,
  tx: ApplyTransaction,
  step: ApplyStep,
  resolution: ConflictResolution,
): Promise<void> {
  if (resolution === 'keep' || resolution === 'regenerate') return;
  const op: Operation = opOf(tx, step);
  const before = step.before;
  if (!before) return;
  if (op.kind === 'mkdir' && before.kind === 'dir') {
    if (!before.existed && (await sys.stat(op.path)) && (await sys.listDir(op.path)).length === 0)
      await sys.removeDir(op.path);
  } else if (op.kind === 'write' && before.kind === 'file') {
    await restoreFile(sys, journal, op.path, before.sha256);
  } else if (op.kind === 'run' && op.setting && before.kind === 'setting') {
    if (!sameSetting(await readSetting(sys, op.setting.ref, tx.plan.release), before.value)) {
      await sys.run(requireSettingCommand(op.setting.ref, before.value, tx.plan.release));
    }
  } else if (op.kind === 'run' && before.kind === 'outputs') {
    for (const f of before.files) await restoreFile(sys, journal, f.path, f.sha256);
  } else if (op.kind === 'run' && op.undoArgv && !op.undoAtEnd) {
    await sys.run(commandFromArgv(op.undoArgv));
  }
}

/** Run (or continue) a rollback transaction: journaled like an apply, then the final commands, then marks. */
export async function runRollbackSteps(
  sys: System,
  journal: JournalStore,
  rtx: RollbackTransaction,
  target: ApplyTransaction,
  opts: ExecOptions,
): Promise<void> {
  const boundary = opts.boundary ?? (() => undefined);
  const total = rtx.steps.length;
  for (let k = 0; k < total; k++) {
    const rs = rtx.steps[k]!;
    if (rs.state === 'done') continue;
    const step = target.steps[rs.applyStep]!;
    const op = opOf(target, step);
    opts.onEvent?.({
      kind: 'step',
      phase: 'undo',
      task: step.task,
      step: k + 1,
      total,
      labelKey: op.kind === 'run' ? op.labelKey : `ops.${op.kind}`,
      detail: detailOf(op),
    });
    if (rs.state === 'pending') {
      rtx.steps[k] = { ...rs, state: 'started' };
      await journal.save(rtx);
    }
    await undoStep(sys, journal, target, step, rs.resolution);
    boundary(`undo:${k}:performed`);
    rtx.steps[k] = { ...rtx.steps[k]!, state: 'done' };
    await journal.save(rtx);
  }
  for (const argv of rtx.finalArgv) {
    boundary(`undo:final:${argv.join(' ')}`);
    await sys.run({ ...commandFromArgv(argv), onLine: (line) => opts.onEvent?.({ kind: 'output', line }) });
  }
  target.status = 'rolled-back';
  target.rolledBackBy = rtx.id;
  await journal.save(target);
  rtx.status = 'done';
  await journal.save(rtx);
}

/** After a rollback: every restored file has its pre-install bytes again, every setting its old value. */
export async function verifyRollback(
  sys: System,
  tx: ApplyTransaction,
  rtx: RollbackTransaction,
): Promise<string[]> {
  const problems: string[] = [];
  for (const rs of rtx.steps) {
    if (rs.resolution !== 'restore' && rs.resolution !== 'remove') continue;
    const step = tx.steps[rs.applyStep]!;
    const op = opOf(tx, step);
    const b = step.before;
    if (op.kind === 'write' && b?.kind === 'file' && (await sys.sha256(op.path)) !== b.sha256)
      problems.push(op.path);
    if (op.kind === 'run' && b?.kind === 'outputs')
      for (const f of b.files) if ((await sys.sha256(f.path)) !== f.sha256) problems.push(f.path);
    if (
      op.kind === 'run' &&
      op.setting &&
      b?.kind === 'setting' &&
      !sameSetting(await readSetting(sys, op.setting.ref, tx.plan.release), b.value)
    )
      problems.push(describeSetting(op.setting.ref));
  }
  return problems;
}
