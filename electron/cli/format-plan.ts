import { preconditionText, translate } from '../../shared/i18n/translate.js';
import type { Conflict, Plan, TransactionSummary } from '../../shared/plan.js';

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
    for (const op of t.operations) {
      if (op.kind === 'mkdir') lines.push(`  mkdir  ${op.path}`);
      else if (op.kind === 'write') {
        lines.push(
          `  write  ${op.path} (${op.beforeSha256 ? `replaces ${short(op.beforeSha256)}` : 'new'}, sha256 ${short(op.sha256)}${op.asset ? `, asset ${op.asset}` : ''})`,
        );
        if (opts.diffs)
          lines.push(
            ...op.diff
              .trimEnd()
              .split('\n')
              .map((l) => `         ${l}`),
          );
      } else {
        lines.push(`  run    ${op.argv.join(' ')}`);
        if (op.setting) lines.push(`         ${op.setting.from} -> ${op.setting.to}`);
        lines.push(
          `         undo: ${op.undoArgv ? op.undoArgv.join(' ') : op.outputs.length ? `restore ${op.outputs.join(', ')}` : 'nothing to undo'}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
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
