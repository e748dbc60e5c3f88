import { preconditionText, translate } from '../../shared/i18n/translate.js';
import { type CommandLine, displayArgv } from '../../shared/command-line.js';
import { assertNever } from '../../shared/message.js';
import type { Conflict, Operation, Plan, TransactionSummary } from '../../shared/plan.js';
import { undoCommandOf } from '../core/tasks/operations.js';

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : 'none');

/** The plan as a reviewer reads it on a terminal: tasks, operations, undo, preconditions. */
export function formatPlan(plan: Plan, digest: string, opts: { diffs: boolean }): string {
  const ops = plan.tasks.reduce((n, t) => n + t.operations.length, 0);
  const lines = [
    `Plan for Qubes ${plan.release}: ${ops} operations in ${plan.tasks.length} tasks (digest ${digest.slice(0, 12)})`,
  ];
  lines.push(
    `Stateless entry: mode ${plan.choices.dom0.mode}, dom0_mem=max:${plan.boot.dom0MemMaxMiB}M, RAM root cap ${plan.boot.rootSizeMiB ?? '-'} MiB, reserve ${plan.boot.reserveMiB} MiB`,
  );
  lines.push('', 'Preconditions:');
  for (const p of plan.preconditions)
    lines.push(`  ${p.ok ? 'ok  ' : 'FAIL'} ${p.id}: ${preconditionText(p, translate)}`);
  for (const w of plan.warnings) lines.push(`  warn ${translate(w.key, w.params)}`);
  // A pending /etc/default/grub edit is always shown in full: it is what the user must decide on.
  for (const p of plan.pendingGrub) {
    lines.push(
      '',
      `Pending GRUB change (${plan.choices.acceptPendingGrub ? 'included: --include-pending-grub' : 'not included: the plan is blocked'}):`,
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
    lines.push('', `[${t.id}]`);
    for (const op of t.operations) lines.push(...operationLines(op, plan.release, opts));
  }
  return `${lines.join('\n')}\n`;
}

const argvText = (cmd: CommandLine): string => displayArgv(cmd).join(' ');

function operationLines(op: Operation, release: Plan['release'], opts: { diffs: boolean }): string[] {
  const undo = (what: string) => `         undo: ${what}`;
  switch (op.kind) {
    case 'mkdir':
      return [`  mkdir  ${op.path}`];
    case 'write':
      return [
        `  write  ${op.path} (${op.beforeSha256 ? `replaces ${short(op.beforeSha256)}` : 'new'}, sha256 ${short(op.sha256)}${op.asset ? `, asset ${op.asset}` : ''})`,
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
        `  run    ${argvText(op.command)}`,
        ...(op.kind === 'setting' ? [`         ${op.from} -> ${op.to}`] : []),
        undo(back ? argvText(back) : 'nothing to undo'),
      ];
    }
    case 'generate':
      return [`  run    ${argvText(op.command)}`, undo(`restore ${op.outputs.join(', ')}`)];
    default:
      return assertNever(op, 'operation');
  }
}

export function formatConflicts(conflicts: readonly Conflict[]): string {
  return conflicts
    .map(
      (c) =>
        `  ${c.id}: ${c.subject}: ${translate(`conflicts.kind.${c.kind}`, { expected: c.expected.slice(0, 16), actual: c.actual.slice(0, 16) })} Choose ${c.options.join('|')}, recommended ${c.recommended}\n`,
    )
    .join('');
}

export function formatJournal(txs: readonly TransactionSummary[]): string {
  if (!txs.length) return 'The journal is empty: qubes-stateless has not changed this machine.\n';
  return txs
    .map(
      (t) =>
        `${t.id}  ${t.kind.padEnd(8)} ${t.status.padEnd(11)} ${t.stepsDone}/${t.steps} steps${t.target ? `  undoes ${t.target}` : `  ${t.tasks.join(', ')}`}\n`,
    )
    .join('');
}
