import type { Operation, Plan, TaskId } from '../../../shared/plan.js';
import type { ApplyStep, ApplyTransaction } from '../journal/transaction.js';

/** The plan's operations in execution order, each with its task and index (the journal's step list). */
export function flattenPlan(plan: Plan): { task: TaskId; index: number; op: Operation }[] {
  return plan.tasks.flatMap((t) => t.operations.map((op, index) => ({ task: t.id, index, op })));
}

export function opOf(tx: ApplyTransaction, step: ApplyStep): Operation {
  const op = tx.plan.tasks.find((t) => t.id === step.task)?.operations[step.index];
  if (!op) throw new Error(`journal step ${step.task}#${step.index} has no operation in its plan`);
  return op;
}

/** What a step touches, for progress and error messages. */
export function detailOf(op: Operation): string {
  return op.kind === 'run' ? op.argv.join(' ') : op.path;
}
