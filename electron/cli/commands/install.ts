import type { ConflictResolution, PreviewCommand } from '../../../shared/plan.js';
import { CONFLICT_RESOLUTIONS } from '../../../shared/plan.js';
import type { TaskEvent } from '../../../shared/events.js';
import { preconditionText, translate } from '../../../shared/i18n/translate.js';
import { AppError } from '../../core/errors.js';
import { withChangeLock } from '../../core/lock/change-lock.js';
import { summarize } from '../../core/tasks/engine.js';
import { CHOICE_OPTIONS, choicesFromOptions } from '../choice-options.js';
import { SAMPLE_OPTIONS, SAMPLE_USAGE, estimateOptionsFrom } from '../sample-options.js';
import type { CliCommand, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { formatConflicts, formatJournal, formatPlan } from '../format-plan.js';

function choices(ctx: CommandContext) {
  if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
  return choicesFromOptions(ctx.values as Parameters<typeof choicesFromOptions>[0]);
}

/** Progress on stderr (stdout stays the result), dracut's lines indented. */
const progress = (ctx: CommandContext) => (e: TaskEvent) => {
  if (e.kind === 'step') ctx.io.err(`[${e.step}/${e.total}] ${e.phase} ${e.task}: ${e.detail}\n`);
  else if (e.kind === 'output') ctx.io.err(`    ${e.line}\n`);
  else
    ctx.io.err(`verify ${e.task}: ${e.ok ? 'ok' : 'FAILED'} ${translate(e.detail.key, e.detail.params)}\n`);
};

export const planCommand: CliCommand = {
  name: 'plan',
  usage: `plan [choices] ${SAMPLE_USAGE} [--json] [--diff]   show exactly what apply would do`,
  options: { ...CHOICE_OPTIONS, ...SAMPLE_OPTIONS, diff: { type: 'boolean' } },
  async run(ctx) {
    const c = choices(ctx);
    const { plan, digest } = await (await ctx.engine(estimateOptionsFrom(ctx))).plan(c);
    ctx.io.out(
      ctx.values.json
        ? `${JSON.stringify({ digest, plan }, null, 2)}\n`
        : formatPlan(plan, digest, { diffs: !!ctx.values.diff }),
    );
    return plan.preconditions.every((p) => p.ok) ? 0 : 1;
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
      return `${id}: ${preconditionText({ id, ok: false, params }, translate)}`;
    });
}

export const applyCommand: CliCommand = {
  name: 'apply',
  usage: `apply [choices] ${SAMPLE_USAGE} [--digest D] --yes [--json]   make the changes (journaled, verified, undoable)`,
  options: { ...CHOICE_OPTIONS, ...SAMPLE_OPTIONS, digest: { type: 'string' }, yes: { type: 'boolean' } },
  async run(ctx) {
    const c = choices(ctx);
    if (!ctx.values.yes) throw new UsageError('apply changes dom0: review `plan` first, then add --yes');
    // --digest: the plan's digest as `plan` printed it; apply refuses if it would now do anything else.
    const digest = typeof ctx.values.digest === 'string' ? ctx.values.digest : undefined;
    const engine = await ctx.engine(estimateOptionsFrom(ctx));
    // The same lock as the app's: a CLI apply and a GUI apply (or a second CLI) never run at once.
    const result = await withChangeLock(await ctx.system(), () =>
      engine.apply(c, { onEvent: progress(ctx), ...(digest ? { expectedDigest: digest } : {}) }),
    ).catch((e: unknown) => {
      failedPreconditions(e).forEach((t) => ctx.io.err(`FAIL ${t}\n`));
      throw e;
    });
    ctx.io.out(
      ctx.values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `applied: transaction ${result.transaction.id} (${result.transaction.steps} steps); roll back with: qubes-stateless rollback --yes\n`,
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
      throw new UsageError(`"${v}" is not one of ${CONFLICT_RESOLUTIONS.join('|')}`);
    return v as ConflictResolution;
  };
  for (const r of (ctx.values.resolve as string[] | undefined) ?? []) {
    const eq = r.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--resolve expects CONFLICT=RESOLUTION, got "${r}"`);
    byId[r.slice(0, eq)] = valid(r.slice(eq + 1));
  }
  const all = typeof ctx.values['on-conflict'] === 'string' ? valid(ctx.values['on-conflict']) : null;
  return { byId, all };
}

/** Every command a rollback or recovery will run, in order (argv as it runs); those a conflict decides, marked. */
function formatCommands(commands: readonly PreviewCommand[]): string {
  if (!commands.length) return 'Commands it will run: none (files are restored from their backups).\n';
  const phase = { apply: 'apply', undo: 'undo ', final: 'final' } as const;
  return `Commands it will run:\n${commands
    .map(
      (c) =>
        `  [${phase[c.phase]}] ${c.argv.join(' ')}${c.conflict ? `   (only if ${c.conflict} is regenerated)` : ''}\n`,
    )
    .join('')}`;
}

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  usage:
    'rollback --yes [--resolve ID=restore|keep|regenerate|remove]... [--on-conflict R]   undo the last install',
  options: {
    yes: { type: 'boolean' },
    resolve: { type: 'string', multiple: true },
    'on-conflict': { type: 'string' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
    const engine = await ctx.engine();
    const preview = await engine.rollbackPreview();
    if (!preview.target) {
      ctx.io.out(
        ctx.values.json
          ? `${JSON.stringify({ rolledBack: null })}\n`
          : `${translate('status.rollback.nothing')}\n`,
      );
      return 0;
    }
    if (!ctx.values.yes) {
      ctx.io.out(
        ctx.values.json
          ? `${JSON.stringify(preview, null, 2)}\n`
          : `Would roll back ${preview.target.id} (${preview.target.tasks.join(', ')}).\n${
              preview.conflicts.length
                ? `${translate('status.rollback.conflicts', { count: preview.conflicts.length })}\n${formatConflicts(preview.conflicts)}`
                : `${translate('status.rollback.noConflicts')}\n`
            }${formatCommands(preview.commands)}Add --yes to roll back.\n`,
      );
      return 2;
    }
    const { byId, all } = resolutions(ctx);
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
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${translate('status.rollback.done')}: ${
            result.problems.length
              ? `${translate('status.rollback.problems')} ${result.problems.join(', ')}`
              : translate('status.rollback.clean')
          }\n`,
    );
    return result.problems.length ? 1 : 0;
  },
};

export const recoverCommand: CliCommand = {
  name: 'recover',
  usage:
    'recover --resume|--rollback [--yes]               finish an interrupted apply or rollback (without --yes: what it would run)',
  options: { resume: { type: 'boolean' }, rollback: { type: 'boolean' }, yes: { type: 'boolean' } },
  async run(ctx) {
    if (!!ctx.values.resume === !!ctx.values.rollback)
      throw new UsageError('choose one of --resume or --rollback');
    const engine = await ctx.engine();
    const action = ctx.values.resume ? 'resume' : 'rollback';
    if (!ctx.values.yes) {
      const preview = await engine.recoverPreview(action);
      ctx.io.out(
        ctx.values.json
          ? `${JSON.stringify(preview, null, 2)}\n`
          : `Would ${action === 'resume' ? 'resume' : 'roll back'} the unfinished ${preview.unfinished.kind} ${preview.unfinished.id}.\n${formatCommands(preview.commands)}Add --yes to do it.\n`,
      );
      return 2;
    }
    const tx = await withChangeLock(await ctx.system(), () =>
      engine.recover(action, { onEvent: progress(ctx) }),
    );
    ctx.io.out(
      ctx.values.json
        ? `${JSON.stringify(tx, null, 2)}\n`
        : `recovered: ${tx.kind} ${tx.id} is ${tx.status}\n`,
    );
    return 0;
  },
};

export const journalCommand: CliCommand = {
  name: 'journal',
  usage: 'journal [--json]                                  what qubes-stateless has done to this machine',
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
    const txs = (await (await ctx.engine()).transactions()).map(summarize);
    ctx.io.out(ctx.values.json ? `${JSON.stringify({ transactions: txs }, null, 2)}\n` : formatJournal(txs));
    return 0;
  },
};
