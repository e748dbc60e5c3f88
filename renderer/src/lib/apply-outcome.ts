import type { SerializedError } from '../../../shared/errors.js';
import type { TransactionSummary } from '../../../shared/plan.js';

/**
 * How a failed apply left dom0, read only from what the engine said (`params.outcome`, an interrupted undo's
 * `change-interrupted`): never guessed, so "as it was before" is shown only when the engine proved it.
 */
export type FailedApplyOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'undone' }
  | {
      readonly kind: 'unfinished';
      /** Files and commands not undone, as the engine named them. */
      readonly left: readonly string[];
      /** Their apply step numbers (1-based), to mark them in the step list. */
      readonly leftSteps: readonly number[];
    }
  /** The undo finished, but these (files, settings) are not as before; nothing is left to recover. */
  | { readonly kind: 'differs'; readonly left: readonly string[] }
  /** An error without an outcome (e.g. the bridge itself failed): the journal views say what is there. */
  | { readonly kind: 'unknown' };

const list = (v: unknown, sep: string): string[] =>
  typeof v === 'string' && v !== '' ? v.split(sep) : typeof v === 'number' ? [String(v)] : [];

export function failedApplyOutcome(error: SerializedError): FailedApplyOutcome {
  const outcome = error.params.outcome;
  if (outcome === 'unfinished' || error.code === 'change-interrupted')
    return {
      kind: 'unfinished',
      left: list(error.params.left, '\n'),
      leftSteps: list(error.params.leftSteps, ',')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0),
    };
  if (outcome === 'differs') return { kind: 'differs', left: list(error.params.left, '\n') };
  if (outcome === 'rolled-back') return { kind: 'undone' };
  if (outcome === 'unchanged') return { kind: 'unchanged' };
  return { kind: 'unknown' };
}

/**
 * A journal entry's steps in words: "n of n" alone only for a change that stands; a failed apply's steps were
 * undone, an unfinished change's were interrupted.
 */
export function historyStepsKey(tx: Pick<TransactionSummary, 'kind' | 'status'>): string {
  if (tx.status === 'in-progress') return 'runOutcome.history.unfinished';
  if (tx.kind === 'apply' && tx.status === 'failed') return 'runOutcome.history.undone';
  return 'status.history.stepsValue';
}
