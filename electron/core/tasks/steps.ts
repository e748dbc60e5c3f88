import { displayArgv } from '../../../shared/command-line.js';
import { assertNever } from '../../../shared/message.js';
import type { Operation, OperationKind, OperationOf, Plan, TaskId } from '../../../shared/plan.js';
import { AppError } from '../errors.js';
import type { AfterOf, ApplyStep, ApplyTransaction, BeforeOf } from '../journal/transaction.js';

/** The plan's operations in execution order, each with its task and index (the journal's step list). */
export function flattenPlan(plan: Plan): { task: TaskId; index: number; op: Operation }[] {
  return plan.tasks.flatMap((t) => t.operations.map((op, index) => ({ task: t.id, index, op })));
}

export function opOf(tx: ApplyTransaction, step: ApplyStep): Operation {
  const op = tx.plan.tasks.find((t) => t.id === step.task)?.operations[step.index];
  if (!op) throw new Error(`journal step ${step.task}#${step.index} has no operation in its plan`);
  return op;
}

/** A journal step with its operation, the records typed by the operation's kind. */
export type StepRecord = {
  [K in OperationKind]: {
    readonly kind: K;
    readonly op: OperationOf<K>;
    readonly before: BeforeOf<K> | null;
    readonly after: AfterOf<K> | null;
  };
}[OperationKind];

/**
 * The one place a step's records are matched to its operation: a journal whose records are of another kind
 * than the operation they belong to was not written by this app, and nothing is undone from it.
 */
export function recordOf(tx: ApplyTransaction, step: ApplyStep): StepRecord {
  const op = opOf(tx, step);
  for (const r of [step.before, step.after]) {
    if (r && r.kind !== op.kind)
      throw new AppError(
        'journal-corrupt',
        'internal',
        `journal ${tx.id}: step ${step.task}#${step.index} records a ${r.kind} for a ${op.kind} operation`,
        { path: tx.id, detail: `step ${step.task}#${step.index}: ${r.kind} record for a ${op.kind}` },
      );
  }
  // Checked just above: both records have the operation's kind.
  return { kind: op.kind, op, before: step.before, after: step.after } as StepRecord;
}

/** What a step touches, for progress and error messages. */
export function detailOf(op: Operation): string {
  switch (op.kind) {
    case 'mkdir':
    case 'write':
      return op.path;
    case 'setting':
    case 'generate':
    case 'command':
      return displayArgv(op.command).join(' ');
    default:
      return assertNever(op, 'operation');
  }
}
