import type { ConflictResolution, PreviewCommand } from '../../../shared/plan.js';
import { CONFLICT_RESOLUTIONS } from '../../../shared/plan.js';
import type { TaskEvent } from '../../../shared/events.js';
import { messageText, preconditionText, translate } from '../../../shared/i18n/translate.js';
import { AppError } from '../../core/errors.js';
import { withChangeLock } from '../../core/lock/change-lock.js';
import type { Engine } from '../../core/tasks/engine.js';
import { blockedError } from '../../core/tasks/apply.js';
import { DIGEST_PREFIX_MIN, digestPrefixProblem } from '../../core/tasks/digest-prefix.js';
import { summarize } from '../../core/tasks/engine.js';
import { CHOICE_OPTIONS, choicesFromOptions } from '../choice-options.js';
import { SAMPLE_OPTIONS, SAMPLE_SYNOPSIS, estimateOptionsFrom } from '../sample-options.js';
import type { CliCommand, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { confirmChange } from '../confirm.js';
import { formatConflicts, formatJournal, formatPlan, taskTitle } from '../format-plan.js';
import { nextApplyCommand, ourCommand } from '../next-command.js';

function noArguments(ctx: CommandContext): void {
  if (ctx.args.length) throw new UsageError('cli.usage.unexpectedArgument', { arg: ctx.args[0]! });
}

function choices(ctx: CommandContext) {
  noArguments(ctx);
  return choicesFromOptions(ctx.values as Parameters<typeof choicesFromOptions>[0]);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const line = (key: string, params: Readonly<Record<string, string | number>> = {}) =>
  `${translate(key, params)}\n`;

/** Progress on stderr (stdout stays the result) in the catalogue's words; dracut's lines indented. */
const progress = (ctx: CommandContext) => (e: TaskEvent) => {
  if (e.kind === 'step')
    ctx.io.err(
      line(e.phase === 'undo' ? 'cli.progress.undo' : 'cli.progress.apply', {
        n: e.step,
        total: e.total,
        task: taskTitle(e.task),
        label: translate(e.labelKey),
        detail: e.detail,
      }),
    );
  else if (e.kind === 'output') ctx.io.err(`    ${e.line}\n`);
  else
    ctx.io.err(
      line(e.ok ? 'cli.progress.verified' : 'cli.progress.verifyFailed', {
        task: taskTitle(e.task),
        detail: messageText(e.detail),
      }),
    );
};

export const planCommand: CliCommand = {
  name: 'plan',
  synopsis: [`plan [CHOICES] ${SAMPLE_SYNOPSIS} [--diff]`],
  options: { ...CHOICE_OPTIONS, ...SAMPLE_OPTIONS, diff: { type: 'boolean' } },
  async run(ctx) {
    const c = choices(ctx);
    const { plan, digest } = await (await ctx.engine(estimateOptionsFrom(ctx))).plan(c);
    const blocked = !plan.preconditions.every((p) => p.ok);
    const nothing = !blocked && plan.tasks.length === 0;
    const next = blocked || nothing ? null : nextApplyCommand(ctx.values, digest);
    if (ctx.values.json) ctx.io.out(json({ digest, plan, next: next?.argv ?? null }));
    else
      ctx.io.out(
        `${formatPlan(plan, digest, { diffs: !!ctx.values.diff })}\n${
          blocked
            ? line('cli.plan.blocked')
            : nothing
              ? line('cli.nothingToDo.apply')
              : `${line('cli.plan.next')}  ${next!.text}\n`
        }`,
      );
    return blocked ? 1 : 0;
  },
};

/** The words of each precondition a refused apply names (the error carries `failed` and `<id>.<param>`). */
function failedPreconditions(e: unknown): string[] {
  if (!(e instanceof AppError) || e.code !== 'precondition-failed' || typeof e.params.failed !== 'string')
    return [];
  return e.params.failed
    .split(',')
    .filter(Boolean)
    .map((id) => {
      const params = Object.fromEntries(
        Object.entries(e.params)
          .filter(([k]) => k.startsWith(`${id}.`))
          .map(([k, v]) => [k.slice(id.length + 1), typeof v === 'boolean' ? String(v) : v]),
      );
      return preconditionText({ id, ok: false, params }, translate);
    });
}

/**
 * The core refuses an apply that would change nothing; for the CLI that is dom0's package manager's "Nothing to
 * do.", which is success: dnf 4 (Qubes 4.2's dom0) logs it and returns from do_transaction, so main returns
 * demands.success_exit_status, 0 (rpm-software-management/dnf, tag 4.14.0, dnf/cli/cli.py and dnf/cli/main.py);
 * dnf5 (Qubes 4.3's, qubes-facts.md §dnf) prints it in print_transaction_table and main returns ExitCode::SUCCESS
 * (rpm-software-management/dnf5, tag 5.2.8.0, libdnf5-cli/output/transaction_table.cpp and dnf5/main.cpp).
 */
const isNothingToDo = (e: unknown) =>
  e instanceof AppError && e.code === 'invalid-choice' && e.params.reason === 'choice.nothingToDo';

/** --digest as `plan` printed it (either case), checked as the core checks it; a bad one is a usage error. */
function digestOption(ctx: CommandContext): string | undefined {
  const d = ctx.values.digest;
  if (typeof d !== 'string') return undefined;
  const lower = d.toLowerCase();
  const problem = digestPrefixProblem(lower);
  if (problem === 'not-hex') throw new UsageError('cli.usage.digestNotHex', { digest: d });
  if (problem === 'length')
    throw new UsageError('cli.usage.digestLength', { digest: d, min: DIGEST_PREFIX_MIN });
  return lower;
}

/** Nothing to do: success, said in a sentence (or as JSON). */
function nothingToDo(ctx: CommandContext): number {
  ctx.io.out(
    ctx.values.json ? json({ transaction: null, nothingToDo: true }) : line('cli.nothingToDo.apply'),
  );
  return 0;
}

/** A refused apply's failed preconditions, in words, and the blocked plan's sentence; then the error itself. */
function refuseBlocked(ctx: CommandContext, e: unknown): never {
  const failed = failedPreconditions(e);
  failed.forEach((t) => ctx.io.err(line('cli.apply.failedPrecondition', { text: t })));
  if (failed.length) ctx.io.err(line('cli.plan.blocked'));
  throw e;
}

/**
 * Without --yes and --digest, apply shows what it would do and asks; `yes` applies exactly the plan it showed
 * (its digest), so a machine that changes while the question waits is refused, not changed. A plan with nothing
 * to do or a blocked one ends here, without a question and without applying: its digest covers the tasks only,
 * not the preconditions, so applying it would change dom0 unasked should a precondition turn ok meanwhile.
 */
async function confirmApply(
  ctx: CommandContext,
  engine: Engine,
  c: ReturnType<typeof choices>,
): Promise<string | number> {
  const { plan, digest } = await engine.plan(c);
  const ops = plan.tasks.reduce((n, t) => n + t.operations.length, 0);
  // In the core's order (engine prepareApply): nothing to do comes before the preconditions.
  if (!plan.tasks.length) return nothingToDo(ctx);
  const blocked = blockedError(plan);
  if (blocked) refuseBlocked(ctx, blocked);
  if (!ctx.values.json)
    ctx.io.out(
      line('cli.apply.summary', {
        count: ops,
        tasks: plan.tasks.map((t) => taskTitle(t.id)).join(', '),
        digest: digest.slice(0, 12),
      }),
    );
  // --json output is for programs: no question inside it (as rollback), so without --yes it refuses.
  const answer = ctx.values.json ? 'no-terminal' : await confirmChange(ctx, 'cli.apply.question');
  if (answer === 'yes') return digest;
  ctx.io.err(line(answer === 'no' ? 'cli.notConfirmed' : 'cli.apply.noTerminal'));
  return answer === 'no' ? 1 : 2;
}

export const applyCommand: CliCommand = {
  name: 'apply',
  synopsis: [`apply [CHOICES] ${SAMPLE_SYNOPSIS} [--digest DIGEST] [--yes]`],
  options: { ...CHOICE_OPTIONS, ...SAMPLE_OPTIONS, digest: { type: 'string' }, yes: { type: 'boolean' } },
  async run(ctx) {
    const c = choices(ctx);
    let digest = digestOption(ctx);
    // One engine for the question and the apply: it measures RAM once, so both see the same plan.
    const engine = await ctx.engine(estimateOptionsFrom(ctx));
    if (!ctx.values.yes) {
      const confirmed = await confirmApply(ctx, engine, c);
      if (typeof confirmed === 'number') return confirmed;
      // --digest given: the plan shown must still be that one; otherwise the one shown is the one applied.
      digest ??= confirmed;
    }
    // The same lock as the app's: a CLI apply and a GUI apply (or a second CLI) never run at once.
    const result = await withChangeLock(await ctx.system(), () =>
      engine.apply(c, { onEvent: progress(ctx), ...(digest ? { expectedDigest: digest } : {}) }),
    ).catch((e: unknown) => (isNothingToDo(e) ? null : refuseBlocked(ctx, e)));
    if (!result) return nothingToDo(ctx);
    ctx.io.out(
      ctx.values.json
        ? json(result)
        : line('cli.apply.done', {
            id: result.transaction.id,
            count: result.transaction.steps,
            command: ourCommand(ctx.values, 'rollback').text,
          }),
    );
    return 0;
  },
};

function resolutions(ctx: CommandContext): {
  byId: Record<string, ConflictResolution>;
  all: ConflictResolution | null;
} {
  const byId: Record<string, ConflictResolution> = {};
  const valid = (v: string): ConflictResolution => {
    if (!(CONFLICT_RESOLUTIONS as readonly string[]).includes(v))
      throw new UsageError('cli.usage.notAResolution', { value: v, choices: CONFLICT_RESOLUTIONS.join('|') });
    return v as ConflictResolution;
  };
  for (const r of (ctx.values.resolve as string[] | undefined) ?? []) {
    const eq = r.lastIndexOf('=');
    if (eq <= 0) throw new UsageError('cli.usage.resolveSyntax', { value: r });
    byId[r.slice(0, eq)] = valid(r.slice(eq + 1));
  }
  const all = typeof ctx.values['on-conflict'] === 'string' ? valid(ctx.values['on-conflict']) : null;
  return { byId, all };
}

/** Every command a rollback or recovery will run, in order (argv as it runs); those a conflict decides, marked. */
function formatCommands(commands: readonly PreviewCommand[]): string {
  if (!commands.length) return line('cli.preview.none');
  return `${line('cli.preview.heading')}${commands
    .map(
      (c) =>
        `  [${translate(`cli.phase.${c.phase}`)}] ${c.argv.join(' ')}${c.conflict ? `   ${translate('cli.onlyIfRegenerated', { conflict: c.conflict })}` : ''}\n`,
    )
    .join('')}`;
}

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  synopsis: ['rollback [--resolve ID=RESOLUTION]... [--on-conflict RESOLUTION] [--yes]'],
  options: {
    yes: { type: 'boolean' },
    resolve: { type: 'string', multiple: true },
    'on-conflict': { type: 'string' },
  },
  async run(ctx) {
    noArguments(ctx);
    const { byId, all } = resolutions(ctx);
    const engine = await ctx.engine();
    const preview = await engine.rollbackPreview();
    if (!preview.target) {
      ctx.io.out(
        ctx.values.json ? json({ rolledBack: null, nothingToDo: true }) : line('cli.nothingToDo.rollback'),
      );
      return 0;
    }
    if (!ctx.values.yes) {
      // What it would undo, then the question (or, with --json or no terminal, the preview alone).
      ctx.io.out(
        ctx.values.json
          ? json(preview)
          : `${line('cli.rollback.would', { id: preview.target.id, tasks: preview.target.tasks.map(taskTitle).join(', ') })}${
              preview.conflicts.length
                ? `${line('status.rollback.conflicts', { count: preview.conflicts.length })}${formatConflicts(preview.conflicts)}`
                : line('status.rollback.noConflicts')
            }${formatCommands(preview.commands)}`,
      );
      const answer = ctx.values.json ? 'no-terminal' : await confirmChange(ctx, 'cli.rollback.question');
      if (answer !== 'yes') {
        ctx.io.err(line(answer === 'no' ? 'cli.notConfirmed' : 'cli.rollback.noTerminal'));
        return answer === 'no' ? 1 : 2;
      }
    }
    const chosen: Record<string, ConflictResolution> = {};
    for (const c of preview.conflicts) {
      const r = byId[c.id] ?? (all && c.options.includes(all) ? all : undefined);
      if (r) chosen[c.id] = r;
    }
    const result = await withChangeLock(await ctx.system(), () =>
      engine.rollback(chosen, { onEvent: progress(ctx) }),
    );
    ctx.io.out(
      ctx.values.json
        ? json(result)
        : `${translate('status.rollback.done')}: ${
            result.problems.length
              ? `${translate('status.rollback.problems')} ${result.problems.join(', ')}`
              : translate('status.rollback.clean')
          }\n`,
    );
    return result.problems.length ? 1 : 0;
  },
};

/** recover with no unfinished change: nothing to do, so success (exit 0, as dnf; see isNothingToDo). */
const isNothingToRecover = (e: unknown) => e instanceof AppError && e.code === 'nothing-to-recover';

export const recoverCommand: CliCommand = {
  name: 'recover',
  synopsis: ['recover --resume|--rollback [--yes]'],
  options: { resume: { type: 'boolean' }, rollback: { type: 'boolean' }, yes: { type: 'boolean' } },
  async run(ctx) {
    noArguments(ctx);
    if (!!ctx.values.resume === !!ctx.values.rollback) throw new UsageError('cli.usage.resumeOrRollback');
    const engine = await ctx.engine();
    const action = ctx.values.resume ? 'resume' : 'rollback';
    const nothing = () => {
      ctx.io.out(
        ctx.values.json ? json({ recovered: null, nothingToDo: true }) : line('cli.nothingToDo.recover'),
      );
      return 0;
    };
    try {
      if (!ctx.values.yes) {
        const preview = await engine.recoverPreview(action);
        ctx.io.out(
          ctx.values.json
            ? json(preview)
            : `${line(`cli.recover.would.${preview.unfinished.kind === 'rollback' ? 'finish' : action}`, { kind: translate(`cli.kind.${preview.unfinished.kind}`), id: preview.unfinished.id })}${formatCommands(preview.commands)}${line('cli.recover.addYes')}`,
        );
        return 2;
      }
      const tx = await withChangeLock(await ctx.system(), () =>
        engine.recover(action, { onEvent: progress(ctx) }),
      );
      ctx.io.out(
        ctx.values.json
          ? json(tx)
          : line(`cli.recover.done.${tx.kind}`, {
              id: tx.id,
              status: translate(`cli.txStatus.${tx.status}`),
            }),
      );
      return 0;
    } catch (e) {
      if (isNothingToRecover(e)) return nothing();
      throw e;
    }
  },
};

export const journalCommand: CliCommand = {
  name: 'journal',
  synopsis: ['journal'],
  async run(ctx) {
    noArguments(ctx);
    const txs = (await (await ctx.engine()).transactions()).map(summarize);
    ctx.io.out(ctx.values.json ? json({ transactions: txs }) : formatJournal(txs));
    return 0;
  },
};
