import { messageText, preconditionText, translate } from '../../shared/i18n/translate.js';
import { type CommandLine, displayArgv } from '../../shared/command-line.js';
import { assertNever } from '../../shared/message.js';
import type { Conflict, Operation, Plan, TransactionSummary } from '../../shared/plan.js';
import { undoCommandOf } from '../core/tasks/operations.js';

const short = (sha: string) => sha.slice(0, 12);

/** A task as the catalogue names it (the GUI's words), not its id. */
export const taskTitle = (id: string): string => translate(`tasks.${id}.title`);

/** The plan as a reviewer reads it on a terminal: tasks, operations, undo, preconditions. */
export function formatPlan(plan: Plan, digest: string, opts: { diffs: boolean }): string {
  const ops = plan.tasks.reduce((n, t) => n + t.operations.length, 0);
  const lines = [
    translate('cli.plan.heading', {
      release: plan.release,
      ops: translate('count.operations', { count: ops }),
      tasks: translate('count.tasks', { count: plan.tasks.length }),
      digest: digest.slice(0, 12),
    }),
  ];
  lines.push(
    plan.boot.rootSizeMiB === null
      ? translate('cli.plan.entry', { mode: plan.choices.dom0.mode, dom0Mem: plan.boot.dom0MemMaxMiB })
      : translate('cli.plan.entrySized', {
          mode: plan.choices.dom0.mode,
          dom0Mem: plan.boot.dom0MemMaxMiB,
          rootMiB: plan.boot.rootSizeMiB,
          reserveMiB: plan.boot.reserveMiB,
        }),
  );
  lines.push('', translate('cli.plan.preconditions'));
  for (const p of plan.preconditions)
    lines.push(`  ${translate(p.ok ? 'cli.mark.ok' : 'cli.mark.fail')} ${preconditionText(p, translate)}`);
  // Warnings do not stop the plan, so they are not preconditions: a heading of their own.
  if (plan.warnings.length)
    lines.push('', translate('cli.plan.warnings'), ...plan.warnings.map((w) => `  ${messageText(w)}`));
  // A pending /etc/default/grub edit is always shown in full: it is what the user must decide on.
  for (const p of plan.pendingGrub) {
    lines.push(
      '',
      translate(plan.choices.acceptPendingGrub ? 'cli.plan.pendingIncluded' : 'cli.plan.pendingNotIncluded'),
      `  ${translate('review.pendingGrub.explain')}`,
    );
    lines.push(
      ...p.diff
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  for (const t of plan.tasks) {
    lines.push('', `${taskTitle(t.id)}:`);
    for (const op of t.operations) lines.push(...operationLines(op, plan.release, opts));
  }
  return `${lines.join('\n')}\n`;
}

const argvText = (cmd: CommandLine): string => displayArgv(cmd).join(' ');

function operationLines(op: Operation, release: Plan['release'], opts: { diffs: boolean }): string[] {
  const undo = (what: string) => `         ${translate('cli.op.undo', { what })}`;
  switch (op.kind) {
    case 'mkdir':
      return [`  ${translate('cli.op.mkdir', { path: op.path })}`];
    case 'write':
      return [
        `  ${translate(op.beforeSha256 ? 'cli.op.replace' : 'cli.op.create', {
          path: op.path,
          before: short(op.beforeSha256 ?? ''),
          sha256: short(op.sha256),
        })}${op.asset ? ` ${translate('cli.op.asset', { asset: op.asset })}` : ''}`,
        ...(opts.diffs
          ? op.diff
              .trimEnd()
              .split('\n')
              .map((l) => `         ${l}`)
          : []),
      ];
    case 'setting':
    case 'command': {
      const back = undoCommandOf(op, release);
      return [
        `  ${translate('cli.op.run', { command: argvText(op.command) })}`,
        ...(op.kind === 'setting' ? [`         ${op.from} -> ${op.to}`] : []),
        back ? undo(argvText(back)) : `         ${translate('cli.op.noUndo')}`,
      ];
    }
    case 'generate':
      return [
        `  ${translate('cli.op.run', { command: argvText(op.command) })}`,
        `         ${translate('cli.op.restores', { files: op.outputs.join(', ') })}`,
      ];
    default:
      return assertNever(op, 'operation');
  }
}

export function formatConflicts(conflicts: readonly Conflict[]): string {
  return conflicts
    .map(
      (c) =>
        `  ${c.id}: ${c.subject}: ${translate(`conflicts.kind.${c.kind}`, { expected: c.expected.slice(0, 16), actual: c.actual.slice(0, 16) })} ${translate('cli.conflict.choose', { options: c.options.join('|'), recommended: c.recommended })}\n`,
    )
    .join('');
}

export function formatJournal(txs: readonly TransactionSummary[]): string {
  if (!txs.length) return `${translate('cli.journal.empty')}\n`;
  return txs
    .map(
      (t) =>
        `${t.id}  ${translate(`cli.kind.${t.kind}`).padEnd(8)} ${translate(`cli.txStatus.${t.status}`).padEnd(11)} ${translate('cli.journal.steps', { done: t.stepsDone, steps: t.steps })}  ${t.target ? translate('cli.journal.undoes', { id: t.target }) : t.tasks.map(taskTitle).join(', ')}\n`,
    )
    .join('');
}
