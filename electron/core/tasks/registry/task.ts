import type { WizardChoices } from '../../../../shared/choices.js';
import { assertNever, message } from '../../../../shared/message.js';
import type { Operation, PlannedTask, TaskCheck, TaskId } from '../../../../shared/plan.js';
import type { AssetBundle } from '../../assets/asset-bundle.js';
import type { JournalStore } from '../../journal/journal-store.js';
import type { ApplyTransaction } from '../../journal/transaction.js';
import type { System } from '../../system/system.js';
import { describeSetting, readSetting, sameSetting } from '../settings.js';
import type { PlannerContext } from './context.js';

/** What a task's check reads after apply: the machine, the bundle it installed from, the journal's backups. */
export interface VerifyContext {
  readonly sys: System;
  readonly assets: AssetBundle;
  readonly journal: JournalStore;
}

/**
 * One task of the install: what it plans for the choices (nothing when they do not ask for it), and what it
 * checks on the machine after apply, beyond each operation's own read-back. Apply and undo are generic.
 */
export interface TaskModule {
  readonly id: TaskId;
  plan(ctx: PlannerContext, choices: WizardChoices): Promise<Operation[]>;
  verify(ctx: VerifyContext, tx: ApplyTransaction, task: PlannedTask): Promise<TaskCheck[]>;
}

/** Whether one planned operation reads back as planned; a description of it when not. */
async function notAsPlanned(sys: System, op: Operation, tx: ApplyTransaction): Promise<string | null> {
  switch (op.kind) {
    case 'setting':
      return sameSetting(await readSetting(sys, op.ref, tx.plan.release), op.to)
        ? null
        : describeSetting(op.ref);
    case 'write':
      return (await sys.sha256(op.path)) === op.sha256 ? null : op.path;
    // A directory and a command have no planned value to compare; generated files are each task's own check.
    case 'mkdir':
    case 'generate':
    case 'command':
      return null;
    default:
      return assertNever(op, 'operation');
  }
}

/** The check of a task made of settings and files: every one reads back as planned. */
export async function changesInPlace(
  ctx: VerifyContext,
  tx: ApplyTransaction,
  task: PlannedTask,
): Promise<TaskCheck[]> {
  const wrong: string[] = [];
  for (const op of task.operations) {
    const bad = await notAsPlanned(ctx.sys, op, tx);
    if (bad !== null) wrong.push(bad);
  }
  return [
    {
      task: task.id,
      ok: wrong.length === 0,
      detail: wrong.length
        ? message('verify.notAsPlanned', { what: wrong.join(', ') })
        : message('verify.inPlace', { count: task.operations.length }),
    },
  ];
}
