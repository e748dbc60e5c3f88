import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import type { QubesRelease } from '../../../shared/facts.js';
import { assertNever } from '../../../shared/message.js';
import type {
  CommandSpec,
  Conflict,
  ConflictResolution,
  Operation,
  OperationKind,
  Setting,
  TaskId,
} from '../../../shared/plan.js';
import { poolNameProblem, qubeNameProblem } from '../../../shared/qube-names.js';
import type { AssetBundle } from '../assets/asset-bundle.js';
import { qvmCreate } from '../qubes/admin-commands.js';
import type { Command } from '../system/system.js';
import { forumModule, FORUM_OMIT_CONF, FORUM_UNITS, GRUB_CUSTOM, omitConf } from '../probes/forum-recipes.js';
import { commandOp, sha256, specOf } from '../tasks/operations.js';
import { PATHS, SESSION_UNIT } from '../tasks/paths.js';
import {
  DAEMON_RELOAD,
  GRUB_CONFIGS,
  dracutCommand,
  grubDefaultCommand,
  grubMkconfigCommand,
  initramfsPath,
} from '../tasks/planned-commands.js';
import { settingCommand } from '../tasks/settings.js';
import { flattenPlan } from '../tasks/steps.js';
import { conflictId, newRollbackTransaction } from '../tasks/undo.js';
import { TX_DIR } from './journal-store.js';
import type { After, ApplyStep, ApplyTransaction, Before, RollbackTransaction } from './transaction.js';
import { untrustedJournal } from './journal-untrusted.js';

/**
 * Proof that a journal is one this app wrote: every recorded operation is one the planner can produce (the paths
 * our tasks write, the commands its builders build for the recorded outputs and settings, the one plain command
 * it runs), every record names only backups inside the backup store and files the operation owns, and a rollback
 * transaction's steps and final commands are exactly what a rollback of its target would hold. Rollback and
 * recovery run nothing from a journal that fails: schema checks alone let a changed path or command line through.
 */

/** Where the journal's entries are stored (the message names the file). */
export const journalFile = (id: string): string => `${TX_DIR}/${id}.json`;

const HEX64 = /^[0-9a-f]{64}$/;
/** No setuid/setgid/sticky bits, nothing group- or other-writable: the modes our tasks give files and dirs. */
const modeProblem = (mode: number): string | null =>
  (mode & ~0o755) === 0 ? null : `mode 0${mode.toString(8)} is not one the planner gives`;

/** Files the planner writes that are not bundled assets (their content is computed from the choices). */
const COMPUTED_FILES: ReadonlySet<string> = new Set([
  PATHS.grubConf,
  PATHS.sessionConf,
  PATHS.defaultGrub,
  PATHS.fstab,
  PATHS.defaultEntry,
  // The forum migration's omit conf and its edit of the recipe's GRUB entries out of 40_custom.
  FORUM_OMIT_CONF,
  GRUB_CUSTOM,
]);

/** Directories the planner makes: its own, and the parents of the kernel-install plugin. */
const MADE_DIRS: ReadonlySet<string> = new Set([
  PATHS.dracutModuleDir,
  PATHS.configDir,
  path.posix.dirname(PATHS.kernelInstallHook),
  path.posix.dirname(path.posix.dirname(PATHS.kernelInstallHook)),
]);

/** Values a setting can hold as readSetting reports them (so a rebuilt undo gets nothing else). */
const SETTING_VALUES: Record<Setting['kind'], ReadonlySet<string>> = {
  'pool-option': new Set(['True', 'False', '']),
  'volume-property': new Set(['True', 'False', '']),
  'global-property': new Set(),
  'swap-active': new Set(['on', 'off']),
  'unit-enabled': new Set(['enabled', 'disabled']),
  'qube-exists': new Set(['present', 'absent']),
};

/** Resolutions a rollback step of each kind can carry (those the conflicts of that kind offer, and restore). */
const RESOLUTIONS: Record<OperationKind, readonly ConflictResolution[]> = {
  mkdir: ['restore'],
  write: ['restore', 'keep', 'remove'],
  setting: ['restore', 'keep', 'remove'],
  generate: ['restore', 'keep', 'regenerate'],
  command: ['restore'],
};

const sameCommand = (a: CommandSpec, b: Command): boolean => isDeepStrictEqual(a, specOf(b));

/** Builders throw on values they would never build (bad names, grammar): that is a reason, not a crash. */
function built(build: () => Command | null): Command | null {
  try {
    return build();
  } catch {
    return null;
  }
}

export interface TrustOptions {
  readonly assets: AssetBundle;
  /**
   * The journal's writes will be performed (recover --resume): their content must be the bundled assets' own.
   * A rollback writes only backups, so an install made by an earlier version of the bundle stays undoable.
   */
  readonly performsWrites: boolean;
}

/** Outputs a generate step may find absent: grub2-editenv creates grubenv (prompt selection). */
const MAY_BE_CREATED: ReadonlySet<string> = new Set([PATHS.grubenv]);
/** Files the planner edits and never creates (it reads them to plan): a plan saying they were absent is not ours. */
const ALWAYS_EXIST: ReadonlySet<string> = new Set([PATHS.fstab, PATHS.defaultGrub, GRUB_CUSTOM]);

function writeProblem(op: Extract<Operation, { kind: 'write' }>, o: TrustOptions): string | null {
  if (sha256(op.content) !== op.sha256) return 'its sha256 is not the hash of its content';
  if (op.beforeSha256 === null && ALWAYS_EXIST.has(op.path))
    return `${op.path} is edited, never created: the plan cannot have found it absent`;
  if (op.beforeSha256 !== null && !HEX64.test(op.beforeSha256)) return 'its beforeSha256 is not a hash';
  const asset = o.assets.files.find((f) => f.installPath === op.path);
  if (asset) {
    if (op.asset !== asset.asset)
      return `${op.path} is the bundled ${asset.asset}, not ${op.asset ?? 'a computed file'}`;
    if (o.performsWrites && op.content !== asset.content)
      return `its content is not the bundled ${asset.asset}`;
  } else if (COMPUTED_FILES.has(op.path)) {
    if (op.asset !== null) return `${op.path} is not a bundled asset`;
    // The omit conf names only the recipes' modules (anything else there would change every image).
    const omitted = /^omit_dracutmodules\+=" (.*) "$/m.exec(op.content)?.[1]?.split(' ') ?? [];
    if (
      op.path === FORUM_OMIT_CONF &&
      (!omitted.length || omitted.some((m) => !forumModule(m)) || op.content !== omitConf(omitted))
    )
      return `${op.path} is not the omit conf the planner writes`;
  } else {
    // A module file of an earlier bundle (rollback only): still directly inside our own module directory.
    const earlierModuleFile =
      !o.performsWrites &&
      op.asset !== null &&
      path.posix.normalize(op.path) === op.path &&
      path.posix.dirname(op.path) === PATHS.dracutModuleDir;
    if (!earlierModuleFile) return `${op.path} is not a file the planner writes`;
  }
  return modeProblem(op.mode);
}

function generateProblem(op: Extract<Operation, { kind: 'generate' }>, mode: string): string | null {
  if (op.outputs.length !== 1)
    return `the planner's generate operations have one output, not ${op.outputs.length}`;
  const out = op.outputs[0]!;
  let expected: Command | null = null;
  if (GRUB_CONFIGS.includes(out)) expected = grubMkconfigCommand(out);
  else if (out === PATHS.grubenv) {
    const entry = /^saved_entry=(.*)$/.exec(op.command.args[2] ?? '')?.[1] ?? '';
    // The id 21_qubes_stateless gives the mode's entry (paths.ts entryId).
    if (!new RegExp(`^qubes-stateless-${mode}-xen-gnulinux-simple-[A-Za-z0-9._-]+$`).test(entry))
      return `"${entry}" is not the id of this install's ${mode} entry`;
    expected = grubDefaultCommand(entry);
  } else {
    const version = /^\/boot\/initramfs-([0-9A-Za-z][0-9A-Za-z._+-]*)\.img$/.exec(out)?.[1];
    if (version && initramfsPath(version) === out) expected = dracutCommand(out, version);
  }
  if (!expected) return `${out} is not a file the planner generates`;
  return sameCommand(op.command, expected)
    ? null
    : `its command is not the one the planner builds for ${out}`;
}

function settingProblem(
  op: Extract<Operation, { kind: 'setting' }>,
  task: TaskId,
  release: QubesRelease,
): string | null {
  const { ref } = op;
  const values = SETTING_VALUES[ref.kind];
  if (!values.has(op.from)) return `"${op.from}" is not a value ${ref.kind} can have`;
  // Each setting the planner changes, in its task, to the one value that task sets.
  const planned: Record<Setting['kind'], () => string | null> = {
    'pool-option': () =>
      task === 'ephemeral-volatile' && !poolNameProblem(ref.kind === 'pool-option' ? ref.pool : '')
        ? 'True'
        : null,
    'volume-property': () =>
      task === 'read-only-root' &&
      ref.kind === 'volume-property' &&
      ref.volume === 'root' &&
      ref.property === 'rw' &&
      !qubeNameProblem(ref.qube, release)
        ? 'False'
        : null,
    'global-property': () => null,
    'swap-active': () =>
      task === 'swap' &&
      ref.kind === 'swap-active' &&
      ref.device.startsWith('/') &&
      path.posix.normalize(ref.device) === ref.device
        ? 'off'
        : null,
    'unit-enabled': () =>
      ref.kind !== 'unit-enabled'
        ? null
        : task === 'ram-pool' && ref.unit === SESSION_UNIT
          ? 'enabled'
          : task === 'forum-migration' && FORUM_UNITS.includes(ref.unit)
            ? 'disabled'
            : null,
    'qube-exists': () =>
      task === 'save-vault' &&
      ref.kind === 'qube-exists' &&
      !qubeNameProblem(ref.qube, release) &&
      op.from === 'absent'
        ? 'present'
        : null,
  };
  const to = planned[ref.kind]();
  if (to === null || op.to !== to)
    return `the planner does not set ${ref.kind} ${JSON.stringify(ref)} to "${op.to}"`;
  let expected: Command | null;
  if (ref.kind === 'qube-exists') {
    // The setter is the planner's qvm-create of an AppVM from the default template the plan recorded.
    const args = op.command.args;
    const template = args[args.indexOf('--template') + 1] ?? '';
    expected = built(() =>
      qvmCreate(
        { name: ref.qube, klass: 'AppVM', template, label: 'black', pool: null, props: { netvm: '' } },
        release,
      ),
    );
  } else expected = built(() => settingCommand(ref, to, release));
  if (!expected || !sameCommand(op.command, expected))
    return `its command is not the setter the planner builds for ${ref.kind}`;
  if (!built(() => settingCommand(ref, op.from, release))) return `no undo can be rebuilt from "${op.from}"`;
  return null;
}

function operationProblem(op: Operation, task: TaskId, tx: ApplyTransaction, o: TrustOptions): string | null {
  switch (op.kind) {
    case 'mkdir':
      return MADE_DIRS.has(op.path)
        ? modeProblem(op.mode)
        : `${op.path} is not a directory the planner makes`;
    case 'write':
      return writeProblem(op, o);
    case 'generate':
      return generateProblem(op, tx.plan.choices.dom0.mode);
    case 'setting':
      return settingProblem(op, task, tx.plan.release);
    case 'command':
      return isDeepStrictEqual(
        op,
        commandOp(DAEMON_RELOAD, { labelKey: op.labelKey, undo: DAEMON_RELOAD, undoPhase: 'final' }),
      ) && op.labelKey === 'ops.daemonReload'
        ? null
        : 'the only plain command the planner runs is systemctl daemon-reload, undone by itself at the end';
    default:
      return assertNever(op, 'operation');
  }
}

/** Records name only backups by their hash (inside the backup store) and only files the operation owns. */
function recordProblem(
  op: Operation,
  r: Before | After,
  setting: Setting['kind'] | null,
  isBefore: boolean,
): string | null {
  if (r.kind !== op.kind) return `a ${r.kind} record for a ${op.kind} operation`;
  switch (r.kind) {
    case 'write': {
      if (r.sha256 !== null && !HEX64.test(r.sha256))
        return `backup "${r.sha256}" is not a hash: it would name a file outside the backup directory`;
      // Apply refuses to start unless each file still has the hash the plan read (preflight), so its "before"
      // is the plan's; a record that says "did not exist" for a file that did would make rollback delete it.
      if (op.kind === 'write' && !isBefore && r.sha256 !== op.sha256)
        return `it records ${r.sha256} after writing content whose hash is ${op.sha256}`;
      return op.kind === 'write' && isBefore && r.sha256 !== op.beforeSha256
        ? `it records ${r.sha256 ?? 'no file'} before the write, the plan read ${op.beforeSha256 ?? 'no file'}`
        : null;
    }
    case 'generate': {
      const outputs = op.kind === 'generate' ? op.outputs : [];
      if (
        !isDeepStrictEqual(
          r.files.map((f) => f.path),
          outputs,
        )
      )
        return `it records files (${r.files.map((f) => f.path).join(', ')}) other than the command's outputs`;
      const bad = r.files.find((f) => f.sha256 !== null && !HEX64.test(f.sha256));
      if (bad)
        return `backup "${bad.sha256}" of ${bad.path} is not a hash: it would name a file outside the backup directory`;
      // The planner regenerates only outputs that exist (grub.cfg, the installed images); only grubenv may be new.
      // A "did not exist" record for any other would make rollback delete a file the machine boots from.
      const missing = isBefore
        ? r.files.find((f) => f.sha256 === null && !MAY_BE_CREATED.has(f.path))
        : undefined;
      return missing ? `it records ${missing.path} as absent before it was regenerated` : null;
    }
    case 'setting':
      return setting && SETTING_VALUES[setting].has(r.value)
        ? null
        : `"${r.value}" is not a value ${setting} can have`;
    case 'mkdir':
    case 'command':
      return null;
    default:
      return assertNever(r, 'journal record');
  }
}

const stepName = (k: number, s: { task: string; index: number }): string =>
  `step ${k} (${s.task}#${s.index})`;

/** Refuses (journal-untrusted) an apply transaction that holds anything the planner could not have produced. */
export function requireTrustedApply(tx: ApplyTransaction, o: TrustOptions): void {
  const file = journalFile(tx.id);
  const ids = tx.plan.tasks.map((t) => t.id);
  if (new Set(ids).size !== ids.length) throw untrustedJournal(file, 'plan', 'a task appears twice');
  const flat = flattenPlan(tx.plan);
  for (const { task, index, op } of flat) {
    const bad = operationProblem(op, task, tx, o);
    if (bad) throw untrustedJournal(file, `task ${task} operation ${index} (${op.kind})`, bad);
  }
  if (tx.steps.length !== flat.length)
    throw untrustedJournal(file, 'steps', `${tx.steps.length} steps for ${flat.length} planned operations`);
  tx.steps.forEach((s: ApplyStep, k) => {
    const planned = flat[k]!;
    if (s.task !== planned.task || s.index !== planned.index)
      throw untrustedJournal(
        file,
        stepName(k, s),
        `it is not planned operation ${planned.task}#${planned.index}`,
      );
    const setting = planned.op.kind === 'setting' ? planned.op.ref.kind : null;
    for (const [r, isBefore] of [
      [s.before, true],
      [s.after, false],
    ] as const) {
      const bad = r ? recordProblem(planned.op, r, setting, isBefore) : null;
      if (bad) throw untrustedJournal(file, stepName(k, s), bad);
    }
  });
}

/**
 * Refuses a rollback transaction that is not exactly what a rollback of `target` holds: the steps its undoable
 * steps give, with resolutions their kinds offer, and the final commands those produce (never a stored command
 * run as given).
 */
export function requireTrustedRollback(rtx: RollbackTransaction, target: ApplyTransaction): void {
  const file = journalFile(rtx.id);
  const conflicts: Conflict[] = [];
  const resolutions: Record<string, ConflictResolution> = {};
  rtx.steps.forEach((rs, k) => {
    const step = target.steps[rs.applyStep];
    const op = step ? flattenPlan(target.plan)[rs.applyStep]?.op : undefined;
    if (!step || !op)
      throw untrustedJournal(file, `rollback step ${k}`, `apply step ${rs.applyStep} does not exist`);
    if (!RESOLUTIONS[op.kind].includes(rs.resolution))
      throw untrustedJournal(
        file,
        `rollback step ${k}`,
        `"${rs.resolution}" is not a resolution for a ${op.kind}`,
      );
    if (rs.resolution === 'restore') return;
    const id = conflictId(rs.applyStep);
    resolutions[id] = rs.resolution;
    conflicts.push({
      id,
      kind: 'file-changed',
      subject: id,
      expected: '',
      actual: '',
      options: [rs.resolution],
      recommended: rs.resolution,
    });
  });
  const created = new Date(rtx.createdAt);
  if (Number.isNaN(created.getTime()))
    throw untrustedJournal(file, 'createdAt', `"${rtx.createdAt}" is not a date`);
  const expected = newRollbackTransaction(target, rtx.id, created, conflicts, resolutions);
  const order = (t: RollbackTransaction) => t.steps.map((s) => [s.applyStep, s.resolution]);
  if (!isDeepStrictEqual(order(rtx), order(expected)))
    throw untrustedJournal(file, 'steps', `they are not the undoable steps of ${target.id}, latest first`);
  if (!isDeepStrictEqual(rtx.final, expected.final))
    throw untrustedJournal(file, 'final commands', `they are not the ones a rollback of ${target.id} runs`);
}
