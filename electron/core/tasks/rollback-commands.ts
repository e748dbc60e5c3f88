import { displayArgv } from '../../../shared/command-line.js';
import type { Conflict, ConflictResolution, PreviewCommand } from '../../../shared/plan.js';
import type { ApplyTransaction, RollbackTransaction } from '../journal/transaction.js';
import { settingCommand } from './settings.js';
import { flattenPlan } from './steps.js';
import { conflictId, newRollbackTransaction, undoableSteps } from './undo.js';

/**
 * What the rollback and recovery previews show: every command that will run, derived from the (trusted)
 * journal the same way the rollback derives it: a setting's undo rebuilt from the value recorded before, a
 * command's in-place undo, then the final commands.
 */

/** The in-place undo commands of the given apply steps, in that order. */
function undoCommands(tx: ApplyTransaction, steps: readonly number[]): PreviewCommand[] {
  const flat = flattenPlan(tx.plan);
  const out: PreviewCommand[] = [];
  for (const i of steps) {
    const op = flat[i]?.op;
    const before = tx.steps[i]?.before;
    if (!op || !before) continue;
    // Run only where the value differs now; listed, since it may.
    const cmd =
      op.kind === 'setting' && before.kind === 'setting'
        ? settingCommand(op.ref, before.value, tx.plan.release)
        : op.kind === 'command' && op.undoPhase === 'in-place'
          ? op.undo
          : null;
    if (cmd) out.push({ argv: displayArgv(cmd), phase: 'undo', conflict: null });
  }
  return out;
}

/** A rollback of `tx` not yet started: its undos, its final undos, and the regenerations a conflict may add. */
export function rollbackCommands(tx: ApplyTransaction, conflicts: readonly Conflict[]): PreviewCommand[] {
  // Every conflict kept: the final commands that run whatever the user decides.
  const keep: Record<string, ConflictResolution> = Object.fromEntries(conflicts.map((c) => [c.id, 'keep']));
  const base = newRollbackTransaction(tx, 'preview', new Date(0), conflicts, keep);
  const flat = flattenPlan(tx.plan);
  const regenerations: PreviewCommand[] = conflicts
    .filter((c) => c.options.includes('regenerate'))
    .flatMap((c) => {
      const i = undoableSteps(tx).find((k) => c.id === conflictId(k) || c.id.startsWith(`${conflictId(k)}:`));
      const op = i === undefined ? undefined : flat[i]?.op;
      return op?.kind === 'generate'
        ? [{ argv: displayArgv(op.command), phase: 'final', conflict: c.id }]
        : [];
    });
  return [
    ...undoCommands(tx, undoableSteps(tx)),
    ...base.final.map((f): PreviewCommand => ({ argv: displayArgv(f), phase: 'final', conflict: null })),
    ...regenerations,
  ];
}

/** An interrupted rollback carried on: the undos of its steps not done, then its final commands. */
export function remainingRollbackCommands(
  rtx: RollbackTransaction,
  target: ApplyTransaction,
): PreviewCommand[] {
  const left = rtx.steps.filter((s) => s.state !== 'done' && s.resolution !== 'keep').map((s) => s.applyStep);
  return [
    ...undoCommands(target, left),
    ...rtx.final.map((f): PreviewCommand => ({ argv: displayArgv(f), phase: 'final', conflict: null })),
  ];
}

/** An interrupted apply resumed: the commands of its steps not done. */
export function remainingApplyCommands(tx: ApplyTransaction): PreviewCommand[] {
  return flattenPlan(tx.plan)
    .filter((_, k) => tx.steps[k]?.state !== 'done')
    .flatMap(({ op }) =>
      op.kind === 'setting' || op.kind === 'generate' || op.kind === 'command'
        ? [{ argv: displayArgv(op.command), phase: 'apply' as const, conflict: null }]
        : [],
    );
}
