import { displayArgv } from '../../../shared/command-line.js';
import { assertNever } from '../../../shared/message.js';
import type { CommandSpec, Conflict, ConflictResolution } from '../../../shared/plan.js';
import { labelKeyOf } from '../../../shared/plan.js';
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
import { commandOf } from './operations.js';
import { describeSetting, readSetting, requireSettingCommand, sameSetting } from './settings.js';
import type { StepRecord } from './steps.js';
import { detailOf, opOf, recordOf } from './steps.js';

const sameCommand = (a: CommandSpec, b: CommandSpec): boolean =>
  a.bin === b.bin && a.privileged === b.privileged && a.args.join('\0') === b.args.join('\0');

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
    out.push(...(await stepConflicts(sys, tx, i, recordOf(tx, step))));
  }
  return out;
}

async function stepConflicts(
  sys: System,
  tx: ApplyTransaction,
  i: number,
  r: StepRecord,
): Promise<Conflict[]> {
  switch (r.kind) {
    case 'write': {
      const now = await sys.sha256(r.op.path);
      if (!r.after || now === r.after.sha256) return [];
      const created = r.before?.sha256 === null;
      return [
        {
          id: conflictId(i),
          kind: 'file-changed',
          subject: r.op.path,
          expected: r.after.sha256,
          actual: now ?? 'missing',
          options: created ? ['remove', 'keep'] : ['restore', 'keep'],
          recommended: 'keep',
        },
      ];
    }
    case 'setting': {
      if (!r.after) return [];
      const { ref } = r.op;
      const now = await readSetting(sys, ref, tx.plan.release);
      if (ref.kind === 'qube-exists') {
        if (now !== 'present') return [];
        const usage = Number(
          (await sys.run(volumeInfo(ref.qube, 'private', 'usage', tx.plan.release))).stdout.trim() || '0',
        );
        if (usage <= 0) return [];
        return [
          {
            id: conflictId(i),
            kind: 'qube-has-data',
            subject: ref.qube,
            expected: '0',
            actual: String(usage),
            options: ['remove', 'keep'],
            recommended: 'keep',
          },
        ];
      }
      if (sameSetting(now, r.after.value)) return [];
      return [
        {
          id: conflictId(i),
          kind: 'setting-changed',
          subject: describeSetting(ref),
          expected: r.after.value,
          actual: now,
          options: ['restore', 'keep'],
          recommended: 'keep',
        },
      ];
    }
    case 'generate': {
      const out: Conflict[] = [];
      for (const f of r.after?.files ?? []) {
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
      return out;
    }
    // A directory we made is removed only when empty; a command's undo is a command: nothing to ask about.
    case 'mkdir':
    case 'command':
      return [];
    default:
      return assertNever(r, 'journal step');
  }
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
  // Final commands: the `final` undos once each (systemctl daemon-reload), then the regenerations, which run
  // after every input file is back and systemd has reloaded.
  const finalUndos: CommandSpec[] = [];
  const regenerations: CommandSpec[] = [];
  const steps: RollbackStep[] = undoableSteps(tx).map((i) => {
    const op = opOf(tx, tx.steps[i]!);
    const own = conflicts.filter((c) => c.id === conflictId(i) || c.id.startsWith(`${conflictId(i)}:`));
    const resolution: ConflictResolution = own.length ? resolutions[own[0]!.id]! : 'restore';
    if (op.kind === 'command' && op.undoPhase === 'final' && op.undo) {
      const undo = op.undo;
      if (!finalUndos.some((u) => sameCommand(u, undo))) finalUndos.push(undo);
    }
    if (op.kind === 'generate' && resolution === 'regenerate') regenerations.push(op.command);
    return { applyStep: i, state: 'pending', resolution };
  });
  return {
    format: 'qubes-stateless-journal/1',
    id,
    kind: 'rollback',
    status: 'in-progress',
    createdAt: now.toISOString(),
    target: tx.id,
    steps,
    final: [...finalUndos, ...regenerations],
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
  const r = recordOf(tx, step);
  // No record: the process died before the step started changing anything.
  if (!r.before) return;
  switch (r.kind) {
    case 'mkdir':
      if (!r.before.existed && (await sys.stat(r.op.path)) && (await sys.listDir(r.op.path)).length === 0)
        await sys.removeDir(r.op.path);
      return;
    case 'write':
      return restoreFile(sys, journal, r.op.path, r.before.sha256);
    case 'setting':
      // The undo is the setting's own setter back to the value read before (never a stored command).
      if (!sameSetting(await readSetting(sys, r.op.ref, tx.plan.release), r.before.value))
        await sys.run(requireSettingCommand(r.op.ref, r.before.value, tx.plan.release));
      return;
    case 'generate':
      for (const f of r.before.files) await restoreFile(sys, journal, f.path, f.sha256);
      return;
    case 'command':
      if (r.op.undo && r.op.undoPhase === 'in-place') await sys.run(commandOf(r.op.undo));
      return;
    default:
      return assertNever(r, 'journal step');
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
      labelKey: labelKeyOf(op),
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
  for (const spec of rtx.final) {
    boundary(`undo:final:${displayArgv(spec).join(' ')}`);
    await sys.run(commandOf(spec, (line) => opts.onEvent?.({ kind: 'output', line })));
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
    problems.push(...(await notRestored(sys, tx, recordOf(tx, tx.steps[rs.applyStep]!))));
  }
  return problems;
}

/** What of one step is not back as it was before the install (paths, or the setting's description). */
async function notRestored(sys: System, tx: ApplyTransaction, r: StepRecord): Promise<string[]> {
  if (!r.before) return [];
  switch (r.kind) {
    case 'write':
      return (await sys.sha256(r.op.path)) === r.before.sha256 ? [] : [r.op.path];
    case 'generate': {
      const out = [];
      for (const f of r.before.files) if ((await sys.sha256(f.path)) !== f.sha256) out.push(f.path);
      return out;
    }
    case 'setting':
      return sameSetting(await readSetting(sys, r.op.ref, tx.plan.release), r.before.value)
        ? []
        : [describeSetting(r.op.ref)];
    // An empty directory we made is gone or kept on purpose (not empty); a command leaves nothing to compare.
    case 'mkdir':
    case 'command':
      return [];
    default:
      return assertNever(r, 'journal step');
  }
}
