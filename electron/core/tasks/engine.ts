import { createHash } from 'node:crypto';
import type { WizardChoicesInput } from '../../../shared/choices.js';
import type { PlanResult } from '../../../shared/contracts.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { displayArgv } from '../../../shared/command-line.js';
import { translate } from '../../../shared/i18n/translate.js';
import { assertNever } from '../../../shared/message.js';
import type {
  ApplyFailureOutcome,
  ApplyResult,
  ConflictResolution,
  Operation,
  Plan,
  PreviewCommand,
  RollbackPreview,
  TransactionSummary,
} from '../../../shared/plan.js';
import type { AssetBundle } from '../assets/asset-bundle.js';
import { loadAssetBundle } from '../assets/asset-bundle.js';
import { AppError } from '../errors.js';
import {
  JOURNAL_DIR,
  JournalStore,
  installedTransactions,
  unfinishedTransaction,
} from '../journal/journal-store.js';
import { requireTrustedApply, requireTrustedRollback } from '../journal/journal-trust.js';
import type { ApplyTransaction, RollbackTransaction, Transaction } from '../journal/transaction.js';
import { probeFacts } from '../probes/probe-facts.js';
import { BIN } from '../system/binaries.js';
import type { System } from '../system/system.js';
import { isStaleTemp } from '../system/temp-path.js';
import type { ExecOptions } from './apply.js';
import { newApplyTransaction, preflight, runApplySteps } from './apply.js';
import { withConflictDiffs } from './conflict-diff.js';
import { digestMatches } from './digest-prefix.js';
import { validateChoices } from './plan-install.js';
import { planInstall } from './planner.js';
import type { BootSizing } from './sizing.js';
import { ramModelSizing } from './sizing.js';
import { findConflicts, newRollbackTransaction, runRollbackSteps, verifyRollback } from './undo.js';
import { detailOf, opOf } from './steps.js';
import { verifyTasks } from './verify.js';
import { remainingApplyCommands, remainingRollbackCommands, rollbackCommands } from './rollback-commands.js';

/**
 * The install engine the CLI and the IPC handlers call: plan, apply, verify, roll back, recover. It reads the
 * machine afresh for every action, so a plan is always made against what is there now.
 */

export type SizingFn = (sys: System, facts: SystemFacts, choices: Plan['choices']) => Promise<BootSizing>;

export interface EngineOptions {
  readonly sys: System;
  readonly assetsDir: string;
  readonly sizing?: SizingFn;
  readonly boundary?: ExecOptions['boundary'];
  readonly now?: () => Date;
}

export const planDigest = (plan: Plan): string =>
  createHash('sha256').update(JSON.stringify(plan.tasks)).digest('hex');

export function summarize(tx: Transaction): TransactionSummary {
  if (tx.kind === 'apply') {
    return {
      id: tx.id,
      kind: 'apply',
      status: tx.status,
      createdAt: tx.createdAt,
      tasks: tx.plan.tasks.map((t) => t.id),
      steps: tx.steps.length,
      stepsDone: tx.steps.filter((s) => s.state === 'done').length,
      target: null,
    };
  }
  return {
    id: tx.id,
    kind: 'rollback',
    status: tx.status,
    createdAt: tx.createdAt,
    tasks: [],
    steps: tx.steps.length,
    stepsDone: tx.steps.filter((s) => s.state === 'done').length,
    target: tx.target,
  };
}

export class Engine {
  private readonly journal: JournalStore;
  private assets: AssetBundle | null = null;

  private readonly sizing: SizingFn;

  constructor(private readonly o: EngineOptions) {
    this.journal = new JournalStore(o.sys, o.boundary);
    this.sizing = o.sizing ?? ramModelSizing();
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  private async bundle(): Promise<AssetBundle> {
    // Checked on every use, not cached: a file changed on disk since start-up must still stop the plan.
    this.assets = await loadAssetBundle(this.o.assetsDir);
    return this.assets;
  }

  async transactions(): Promise<Transaction[]> {
    return this.journal.list();
  }

  /** Installing or rolling back is refused from a RAM session: whatever it changed would vanish at reboot. */
  private requirePersistent(facts: SystemFacts, action: string): void {
    if (facts.bootMode.kind !== 'persistent') {
      throw new AppError(
        'precondition-failed',
        'precondition',
        `cannot ${action} from a stateless session (${facts.bootMode.mode}): reboot into the normal entry first`,
        { failed: 'persistent-boot' },
      );
    }
  }

  async plan(choices: WizardChoicesInput | unknown, facts?: SystemFacts): Promise<PlanResult> {
    const f = facts ?? (await probeFacts(this.o.sys));
    const journal = await this.journal.list();
    const assets = await this.bundle();
    const sizing = await this.sizing(this.o.sys, f, validateChoices(choices, f));
    const plan = await planInstall({ sys: this.o.sys, facts: f, assets, sizing, journal }, choices);
    return { plan, digest: planDigest(plan) };
  }

  async apply(
    choices: WizardChoicesInput | unknown,
    opts: ExecOptions & { expectedDigest?: string } = {},
  ): Promise<ApplyResult> {
    // Every failure before (or of) the journal's first write changed nothing: its error says so (the wizard words
    // it). A refusal already says what to do; an unexpected failure (a full disk at that write) gets the words.
    const tx = await this.prepareApply(choices, opts).catch((e: unknown) => {
      if (e instanceof AppError && e.params.outcome !== undefined) throw e;
      throw withOutcome(
        e,
        'unchanged',
        e instanceof AppError && e.kind !== 'internal'
          ? null
          : 'nothing was changed. Fix the cause and apply again',
      );
    });
    return this.finishApply(tx, { ...opts, boundary: opts.boundary ?? this.o.boundary });
  }

  /** Checks, plan and preflight, then the journal's first write: nothing on the machine changes before it. */
  private async prepareApply(
    choices: WizardChoicesInput | unknown,
    opts: { expectedDigest?: string },
  ): Promise<ApplyTransaction> {
    const facts = await probeFacts(this.o.sys);
    this.requirePersistent(facts, 'install');
    const txs = await this.journal.list();
    const unfinished = unfinishedTransaction(txs);
    if (unfinished) throw unfinishedError(unfinished);
    const { plan, digest } = await this.plan(choices, facts);
    if (opts.expectedDigest && !digestMatches(opts.expectedDigest, digest)) {
      throw new AppError(
        'drift-since-plan',
        'precondition',
        'the machine changed since the plan was reviewed; review the new plan',
        { subject: 'plan' },
      );
    }
    if (plan.tasks.length === 0)
      throw new AppError(
        'invalid-choice',
        'user',
        'nothing to do: this machine already has exactly these settings',
        { field: 'choices', reason: 'choice.nothingToDo' },
      );
    await preflight(this.o.sys, plan);
    const tx = newApplyTransaction(plan, JournalStore.newId(this.now()), this.now());
    // A crash before an earlier apply's or rollback's first journal write leaves nothing to recover, but may
    // leave that write's temp file.
    await this.removeStaleTemps([...txs, tx]);
    // A failure of this first write (a full disk) is not a refusal: say that nothing was changed.
    await this.journal.save(tx).catch((e: unknown) => {
      throw withOutcome(e, 'unchanged', 'nothing was changed. Fix the cause and apply again');
    });
    return tx;
  }

  /** Run the remaining steps, verify, and mark applied; on any failure undo everything this apply did. */
  private async finishApply(tx: ApplyTransaction, opts: ExecOptions): Promise<ApplyResult> {
    try {
      await runApplySteps(this.o.sys, this.journal, tx, opts);
      const checks = await verifyTasks(this.o.sys, tx, this.assets ?? (await this.bundle()), this.journal);
      for (const c of checks) opts.onEvent?.({ kind: 'verify', task: c.task, ok: c.ok, detail: c.detail });
      const bad = checks
        .filter((c) => !c.ok)
        .map((c) => ({ task: c.task, words: translate(c.detail.key, c.detail.params) }));
      if (bad.length)
        throw new AppError(
          'verify-failed',
          'internal',
          `verification failed: ${bad.map((c) => c.words).join('; ')}`,
          { subject: bad.map((c) => c.task).join(', '), expected: 'ok', actual: bad[0]!.words },
        );
      tx.status = 'applied';
      await this.journal.save(tx);
      return { transaction: summarize(tx), checks };
    } catch (e) {
      const rtx = newRollbackTransaction(tx, JournalStore.newId(this.now()), this.now(), [], {});
      try {
        await this.journal.save(rtx);
        await this.rollbackSteps(rtx, tx, opts, e);
      } catch (undoFailed) {
        // The automatic undo did not finish (or never started): the machine is partly changed, needs recovery.
        // A stopped rollback's error already names what is left and the recover command.
        if (undoFailed instanceof AppError && undoFailed.code === 'change-interrupted')
          throw withOutcome(undoFailed, 'unfinished', null);
        const left = notUndone(rtx, tx);
        throw withOutcome(
          undoFailed,
          'unfinished',
          'this change is unfinished: run "qubes-stateless recover --rollback --yes"',
          {
            left: left.details.join('\n'),
            leftCount: left.details.length,
            leftSteps: left.steps.join(','),
          },
        );
      }
      // "As it was before" is claimed only once every restored file and setting is proved back.
      const left = await verifyRollback(this.o.sys, tx, rtx);
      tx.status = 'failed';
      await this.journal.save(tx);
      if (left.length)
        // The undo is journaled done (recover has nothing to resume), so this is not "unfinished": say what differs.
        throw withOutcome(
          e,
          'differs',
          `the undo finished, but these are not as before: ${left.join(', ')}`,
          {
            left: left.join('\n'),
            leftCount: left.length,
            rollback: rtx.id,
          },
        );
      // Say which state the machine is in: the cause, and that everything was undone.
      throw withOutcome(
        e,
        'rolled-back',
        'the apply was rolled back: this machine is as it was before it. Fix the cause and apply again',
        { undoneSteps: rtx.steps.length },
      );
    }
  }

  async rollbackPreview(): Promise<RollbackPreview> {
    const txs = await this.journal.list();
    const unfinished = unfinishedTransaction(txs);
    if (unfinished) throw unfinishedError(unfinished);
    const [target] = installedTransactions(txs);
    if (!target) return { target: null, conflicts: [], commands: [] };
    await this.requireTrusted(target, false);
    const conflicts = await findConflicts(this.o.sys, target);
    return {
      target: summarize(target),
      conflicts: await withConflictDiffs(this.o.sys, this.journal, target, conflicts),
      commands: rollbackCommands(target, conflicts),
    };
  }

  /** Undo the latest installed transaction; conflicts (drift) must each have a resolution. */
  async rollback(
    resolutions: Readonly<Record<string, ConflictResolution>> = {},
    opts: ExecOptions = {},
  ): Promise<{ transaction: TransactionSummary; problems: string[] }> {
    const facts = await probeFacts(this.o.sys);
    this.requirePersistent(facts, 'roll back');
    const txs = await this.journal.list();
    const unfinished = unfinishedTransaction(txs);
    if (unfinished) throw unfinishedError(unfinished);
    const [target] = installedTransactions(txs);
    if (!target)
      throw new AppError(
        'nothing-installed',
        'user',
        'nothing to roll back: no installed transaction in the journal',
        {},
      );
    await this.requireSudo();
    // Integrity first: a tampered journal is refused, never offered as drift to "restore".
    await this.requireTrusted(target, false);
    await this.removeStaleTemps(txs);
    const conflicts = await findConflicts(this.o.sys, target);
    const rtx = newRollbackTransaction(
      target,
      JournalStore.newId(this.now()),
      this.now(),
      conflicts,
      resolutions,
    );
    await this.journal.save(rtx);
    await this.rollbackSteps(rtx, target, { ...opts, boundary: opts.boundary ?? this.o.boundary });
    const problems = await verifyRollback(this.o.sys, target, rtx);
    await this.pruneBackups();
    return { transaction: summarize(rtx), problems };
  }

  /**
   * Finish what a crash interrupted. An unfinished apply can be resumed or rolled back; an unfinished rollback
   * is always carried to its end. Either way the machine ends consistent.
   */
  async recover(action: 'resume' | 'rollback', opts: ExecOptions = {}): Promise<TransactionSummary> {
    this.requirePersistent(await probeFacts(this.o.sys), 'recover');
    const txs = await this.journal.list();
    const unfinished = unfinishedTransaction(txs);
    if (!unfinished)
      throw new AppError('nothing-to-recover', 'user', 'there is no unfinished transaction to recover', {});
    await this.requireSudo();
    const o = { ...opts, boundary: opts.boundary ?? this.o.boundary };
    await this.requireTrustedRecovery(txs, unfinished, action);
    await this.removeStaleTemps(txs);
    if (unfinished.kind === 'rollback') {
      const target = txs.find((t): t is ApplyTransaction => t.kind === 'apply' && t.id === unfinished.target);
      if (!target)
        throw new AppError(
          'journal-corrupt',
          'internal',
          `rollback ${unfinished.id} targets missing transaction ${unfinished.target}`,
          { path: unfinished.id, detail: 'missing target' },
        );
      await this.rollbackSteps(unfinished, target, o);
      await this.pruneBackups();
      return summarize(unfinished);
    }
    if (action === 'resume') {
      const result = await this.finishApply(unfinished, o);
      return result.transaction;
    }
    const rtx: RollbackTransaction = newRollbackTransaction(
      unfinished,
      JournalStore.newId(this.now()),
      this.now(),
      [],
      {},
    );
    await this.journal.save(rtx);
    await this.rollbackSteps(rtx, unfinished, o);
    unfinished.status = 'failed';
    await this.journal.save(unfinished);
    await this.pruneBackups();
    return summarize(rtx);
  }

  /** A rollback that fails part-way (a command, a full disk) stays journaled as unfinished; the error says so. */
  private async rollbackSteps(
    rtx: RollbackTransaction,
    target: ApplyTransaction,
    opts: ExecOptions,
    /** The failure of the apply this rollback undoes, if it is one. */
    failed?: unknown,
  ): Promise<void> {
    try {
      await runRollbackSteps(this.o.sys, this.journal, rtx, target, opts);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const first = failed instanceof Error ? failed.message : null;
      const cause = first ? `the apply failed (${first}), then ${why}` : why;
      const left = notUndone(rtx, target);
      // Nothing open: every step was undone and only the journal's last writes failed (a full disk).
      const state = left.details.length
        ? `partly rolled back (not undone: ${left.details.join(', ')})`
        : 'rolled back, but the journal could not record it';
      throw new AppError(
        'change-interrupted',
        'precondition',
        `${first ? `the apply failed (${first}) and its rollback` : 'the rollback'} ${rtx.id} stopped: ${why}. This machine is ${state}; fix the cause, then run "qubes-stateless recover --rollback --yes"`,
        {
          kind: 'rollback',
          id: rtx.id,
          cause,
          left: left.details.join('\n'),
          leftCount: left.details.length,
          leftSteps: left.steps.join(','),
        },
        { cause: e },
      );
    }
  }

  /** Every apply journal names directories recovery's temp sweep looks in: all must be ours, and the unfinished one. */
  private async requireTrustedRecovery(
    txs: readonly Transaction[],
    unfinished: Transaction,
    action: 'resume' | 'rollback',
  ): Promise<void> {
    for (const t of txs)
      if (t.kind === 'apply') await this.requireTrusted(t, t === unfinished && action === 'resume');
    if (unfinished.kind === 'rollback') {
      const target = txs.find((t): t is ApplyTransaction => t.kind === 'apply' && t.id === unfinished.target);
      if (target) requireTrustedRollback(unfinished, target);
    }
  }

  /** What `recover` would run, for its preview; refused like recover itself when the journal is not trusted. */
  async recoverPreview(
    action: 'resume' | 'rollback',
  ): Promise<{ unfinished: TransactionSummary; commands: PreviewCommand[] }> {
    const txs = await this.journal.list();
    const unfinished = unfinishedTransaction(txs);
    if (!unfinished)
      throw new AppError('nothing-to-recover', 'user', 'there is no unfinished transaction to recover', {});
    await this.requireTrustedRecovery(txs, unfinished, action);
    if (unfinished.kind === 'rollback') {
      const target = txs.find((t): t is ApplyTransaction => t.kind === 'apply' && t.id === unfinished.target);
      return {
        unfinished: summarize(unfinished),
        commands: target ? remainingRollbackCommands(unfinished, target) : [],
      };
    }
    return {
      unfinished: summarize(unfinished),
      commands: action === 'resume' ? remainingApplyCommands(unfinished) : rollbackCommands(unfinished, []),
    };
  }

  private async isTrusted(tx: ApplyTransaction): Promise<boolean> {
    try {
      await this.requireTrusted(tx, false);
      return true;
    } catch {
      return false;
    }
  }

  /** A journal is acted on only once it is proved the app's own (journal/journal-trust.ts). */
  private async requireTrusted(tx: ApplyTransaction, performsWrites: boolean): Promise<void> {
    requireTrustedApply(tx, { assets: await this.bundle(), performsWrites });
  }

  private async requireSudo(): Promise<void> {
    await this.o.sys.run({ bin: BIN.true, args: [], privileged: true });
  }

  /**
   * Temporary files a crash left behind next to planned paths: an atomic write's temp (temp-path.ts), in the
   * journal's own directories too, and grub2-mkconfig's `FILE.new` (its staging file: rhboot/grub2
   * util/grub-mkconfig.in, fedora-37 and fedora-41), which a rerun would replace but a rollback would not.
   */
  private async removeStaleTemps(txs: readonly Transaction[]): Promise<void> {
    const dirs = new Set<string>();
    const leftovers = new Set<string>();
    for (const t of txs) {
      // Only a journal proved ours may name directories to clean: a tampered one would aim the sweep elsewhere.
      if (t.kind !== 'apply' || !(await this.isTrusted(t))) continue;
      for (const task of t.plan.tasks)
        for (const op of task.operations) {
          for (const p of pathsWritten(op)) dirs.add(p.slice(0, p.lastIndexOf('/')) || '/');
          // grub2-mkconfig writes FILE.new first (util/grub-mkconfig.in); a kill leaves it beside FILE.
          if (op.kind === 'generate' && op.command.bin === BIN.grub2Mkconfig)
            for (const out of op.outputs) leftovers.add(`${out}.new`);
        }
    }
    dirs.add(`${JOURNAL_DIR}/transactions`);
    dirs.add(`${JOURNAL_DIR}/backups`);
    for (const dir of dirs) {
      if (!(await this.o.sys.stat(dir))) continue;
      for (const name of await this.o.sys.listDir(dir))
        if (isStaleTemp(name) || leftovers.has(`${dir}/${name}`))
          await this.o.sys.removeFile(`${dir}/${name}`);
    }
  }

  /** Backups are kept only while a transaction that may need them is installed. */
  private async pruneBackups(): Promise<void> {
    const keep = new Set<string>();
    for (const tx of installedTransactions(await this.journal.list())) {
      for (const s of tx.steps) {
        if (s.before?.kind === 'write' && s.before.sha256) keep.add(s.before.sha256);
        if (s.before?.kind === 'generate') for (const f of s.before.files) if (f.sha256) keep.add(f.sha256);
      }
    }
    await this.journal.dropBackups(keep);
  }
}

/** The paths an operation writes itself (where an interrupted atomic write leaves its temporary file). */
function pathsWritten(op: Operation): readonly string[] {
  switch (op.kind) {
    case 'mkdir':
    case 'write':
      return [op.path];
    case 'generate':
      return op.outputs;
    case 'setting':
    case 'command':
      return [];
    default:
      return assertNever(op, 'operation');
  }
}

function unfinishedError(tx: Transaction): AppError {
  return new AppError(
    'unfinished-transaction',
    'precondition',
    `an earlier ${tx.kind} (${tx.id}) did not finish; resume or roll it back first`,
    { id: tx.id, kind: tx.kind },
  );
}

/**
 * What a stopped rollback has not undone yet: each step's file or command (apply step numbers, 1-based, for the
 * wizard's step list), and the final commands when every step was undone but one of them failed.
 */
function notUndone(
  rtx: RollbackTransaction,
  target: ApplyTransaction,
): { details: string[]; steps: number[] } {
  const open = rtx.steps.filter((s) => s.state !== 'done');
  if (open.length === 0) return { details: rtx.final.map((c) => displayArgv(c).join(' ')), steps: [] };
  return {
    details: open.map((s) => detailOf(opOf(target, target.steps[s.applyStep]!))),
    steps: open.map((s) => s.applyStep + 1),
  };
}

/**
 * A failed apply's error, carrying which state the machine is in (`outcome` param, worded by the catalogue's
 * `apply.failed.<outcome>`), so the wizard never has to guess; the log sentence says it too. Always an AppError:
 * only an AppError's params cross to the wizard (serializeError), so a plain Error (a file system's own) is
 * wrapped as `internal`, as serializeError would name it, with its message.
 */
function withOutcome(
  e: unknown,
  outcome: ApplyFailureOutcome,
  /** Appended to the message; null when the message already says it. */
  words: string | null,
  facts: Readonly<Record<string, string | number>> = {},
): AppError {
  const said = (m: string): string => (words === null ? m : `${m}; ${words}`);
  if (e instanceof AppError)
    return new AppError(
      e.code,
      e.kind,
      said(e.message),
      { ...e.params, ...facts, outcome },
      { cause: e.cause },
    );
  const message = said(e instanceof Error ? e.message : String(e));
  return new AppError('internal', 'internal', message, { message, ...facts, outcome }, { cause: e });
}
