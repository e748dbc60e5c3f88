import type { WizardChoices, WizardChoicesInput } from '../../../shared/choices.js';
import { CHOICE_FIELDS, choiceProblems, parseChoices } from '../../../shared/choice-rules.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { translate } from '../../../shared/i18n/translate.js';
import type { Problem } from '../../../shared/message.js';
import type {
  Operation,
  PendingGrub,
  Plan,
  PlannedTask,
  Precondition,
  TaskId,
} from '../../../shared/plan.js';
import { effectiveNames } from '../../../shared/template-names.js';
import type { AssetBundle } from '../assets/asset-bundle.js';
import { effectiveValue, setShellVar } from '../config/default-grub-editor.js';
import { disableSwap } from '../config/fstab-editor.js';
import { AppError } from '../errors.js';
import { installedTransactions, unfinishedTransaction } from '../journal/journal-store.js';
import type { Transaction } from '../journal/transaction.js';
import { checkQubeName, qvmCreate } from '../qubes/admin-commands.js';
import { BIN } from '../system/binaries.js';
import type { System } from '../system/system.js';
import type { SessionConfig } from './boot-config.js';
import { RAM_POOL_NAME } from './boot-config.js';
import { commandOp, generateOp, mkdirOp, settingOp, writeOp } from './operations.js';
import { PATHS, SESSION_UNIT, entryId } from './paths.js';
import { DAEMON_RELOAD, dracutCommand, grubDefaultCommand, grubMkconfigCommand } from './planned-commands.js';
import { type GrubPreview, pendingGrubChanges, previewStockEntries } from './pending-grub.js';
import type { BootSizing } from './sizing.js';

export interface PlanContext {
  readonly sys: System;
  readonly facts: SystemFacts;
  readonly assets: AssetBundle;
  readonly sizing: BootSizing;
  readonly journal: readonly Transaction[];
}

const MiB = 1024 * 1024;

/** A choice this machine cannot take: the problem's key (`reason`), params and field; the catalogue's words. */
function invalid(p: Problem): AppError {
  const field = p.field ?? 'choices';
  return new AppError('invalid-choice', 'user', `${field}: ${translate(p.key, p.params)}`, {
    ...p.params,
    field,
    reason: p.key,
  });
}

/**
 * Parse and check the choices against this machine by the wizard's own rules (shared/choice-rules.ts); bad input
 * is an error here, before any plan exists. A qube name that breaks qubesd's rules keeps its own error
 * (`invalid-qube-name`, as the command builders raise it); a name already taken is left to the plan's
 * `names-free` precondition, shown on Review with the others.
 */
export function validateChoices(input: WizardChoicesInput | unknown, facts: SystemFacts): WizardChoices {
  const parsed = parseChoices(input);
  if (parsed.problem) throw invalid(parsed.problem);
  const first = choiceProblems(parsed.choices, facts).find((p) => p.key !== 'names.taken');
  if (first?.key.startsWith('names.problem.')) checkQubeName(String(first.params.name), facts.qubesRelease);
  if (first) throw invalid(first);
  return parsed.choices;
}

export function sessionTemplates(c: WizardChoices): { template: string; clone: string; dvm: string }[] {
  return c.templates.map((t) => ({ template: t.template, ...effectiveNames(t) }));
}

/** Writes `content` unless the file already holds exactly it. */
async function writeIfChanged(
  ctx: PlanContext,
  path: string,
  content: string,
  mode: number,
  asset?: string,
): Promise<Operation[]> {
  const op = await writeOp(ctx.sys, path, content, { mode, ...(asset ? { asset } : {}) });
  return op.beforeSha256 === op.sha256 ? [] : [op];
}

async function mkdirIfMissing(ctx: PlanContext, path: string, mode = 0o755): Promise<Operation[]> {
  return (await ctx.sys.stat(path)) ? [] : [mkdirOp(path, mode)];
}

async function dracutModuleTask(ctx: PlanContext): Promise<Operation[]> {
  const files = [
    ...ctx.assets.under(PATHS.dracutModuleDir),
    ...ctx.assets.files.filter((f) => f.installPath === PATHS.dracutConf),
  ];
  if (files.length < 2)
    throw new AppError('asset-mismatch', 'internal', 'the bundle has no dracut module', {
      asset: 'dracut',
      expected: 'module files',
      actual: 'none',
    });
  const ops = await mkdirIfMissing(ctx, PATHS.dracutModuleDir);
  for (const f of files) ops.push(...(await writeIfChanged(ctx, f.installPath, f.content, f.mode, f.asset)));
  return ops;
}

/**
 * Files a command generated in an installed transaction, with the hash they had right after: if a file still
 * has it, its inputs have not changed since and there is no need to generate it again.
 */
function generatedByUs(journal: readonly Transaction[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const tx of installedTransactions(journal).reverse()) {
    for (const s of tx.steps)
      if (s.after?.kind === 'generate')
        for (const f of s.after.files) if (f.sha256) out.set(f.path, f.sha256);
  }
  return out;
}

async function isCurrent(ctx: PlanContext, path: string): Promise<boolean> {
  const ours = generatedByUs(ctx.journal).get(path);
  return ours !== undefined && (await ctx.sys.sha256(path)) === ours;
}

/** Rebuild every dom0 image when the module changed, or when an image was not built with it by us. */
async function initramfsTask(ctx: PlanContext, moduleChanged: boolean): Promise<Operation[]> {
  const ops: Operation[] = [];
  for (const k of ctx.facts.kernels.filter((x) => x.xenDom0 && x.initramfs)) {
    if (!moduleChanged && (await isCurrent(ctx, k.initramfs!))) continue;
    ops.push(
      generateOp(dracutCommand(k.initramfs!, k.version), { labelKey: 'ops.dracut', outputs: [k.initramfs!] }),
    );
  }
  return ops;
}

/** The configs grub2-mkconfig writes: grub.cfg, and a 4.1-style full config on the ESP (80-grub2.install does). */
async function grubConfigs(ctx: PlanContext): Promise<string[]> {
  const configs: string[] = [PATHS.grubCfg];
  const efi = (await ctx.sys.stat(PATHS.efiGrubCfg))
    ? await ctx.sys.readText(PATHS.efiGrubCfg).catch(() => 'configfile')
    : 'configfile';
  // A full config on the ESP is still what the firmware boots: regenerate it too.
  if (!/\bconfigfile\b/.test(efi)) configs.push(PATHS.efiGrubCfg);
  return configs;
}

async function bootEntriesTask(
  ctx: PlanContext,
  c: WizardChoices,
  configs: readonly string[],
  pending: readonly PendingGrub[],
): Promise<Operation[]> {
  const script = ctx.assets.files.find((f) => f.installPath === PATHS.grubScript);
  if (!script)
    throw new AppError('asset-mismatch', 'internal', 'the bundle has no GRUB script', {
      asset: PATHS.grubScript,
      expected: 'present',
      actual: 'missing',
    });
  const ops = [
    ...(await mkdirIfMissing(ctx, PATHS.configDir)),
    ...(await writeIfChanged(ctx, PATHS.grubConf, ctx.sizing.grubConf, 0o644)),
    ...(await writeIfChanged(ctx, PATHS.grubScript, script.content, script.mode, script.asset)),
  ];
  // The stateless entry must be reachable: a menu that never shows (timeout 0 or hidden) would hide it, and
  // prompt mode boots it by default, which GRUB does only with GRUB_DEFAULT=saved (the Qubes default).
  const original = await ctx.sys.readText(PATHS.defaultGrub);
  let grub = original;
  if (c.dom0.selection === 'entry' && (effectiveValue(grub, 'GRUB_TIMEOUT') ?? '5') === '0')
    grub = setShellVar(grub, 'GRUB_TIMEOUT', '5');
  if (c.dom0.selection === 'entry' && effectiveValue(grub, 'GRUB_TIMEOUT_STYLE') === 'hidden')
    grub = setShellVar(grub, 'GRUB_TIMEOUT_STYLE', 'menu');
  if (c.dom0.selection === 'prompt' && effectiveValue(grub, 'GRUB_DEFAULT') !== 'saved')
    grub = setShellVar(grub, 'GRUB_DEFAULT', 'saved');
  if (grub !== original) ops.push(...(await writeIfChanged(ctx, PATHS.defaultGrub, grub, 0o644)));
  const inputsChanged = ops.length > 0;
  for (const cfg of configs) {
    // A pending edit the user included is applied by regenerating, even where our own inputs did not change.
    const include = c.acceptPendingGrub && pending.some((p) => p.path === cfg);
    if (inputsChanged || include || !(await isCurrent(ctx, cfg)))
      ops.push(generateOp(grubMkconfigCommand(cfg), { labelKey: 'ops.grubMkconfig', outputs: [cfg] }));
  }
  if (c.dom0.selection === 'prompt') {
    // saved_entry by the entry's stable id, not its title, and kept there across kernel updates: Fedora's
    // 20-grub.install (QubesOS/qubes-grub2 release4.2 and main) sets saved_entry to the new kernel's BLS id when
    // /etc/sysconfig/kernel has UPDATEDEFAULT=yes, an id no Qubes grub.cfg has; our kernel-install plugin
    // (assets/kernel-install/85-qubes-stateless.install) runs after it and puts ours back.
    const hook = ctx.assets.files.find((f) => f.installPath === PATHS.kernelInstallHook);
    if (!hook)
      throw new AppError('asset-mismatch', 'internal', 'the bundle has no kernel-install plugin', {
        asset: PATHS.kernelInstallHook,
        expected: 'present',
        actual: 'missing',
      });
    // Only an id survives kernel updates (the plugin accepts nothing else): without the stock entry's id there is
    // no id to derive ours from, and a title would silently lose the default at the next kernel update.
    const wanted = entryId(await ctx.sys.readText(PATHS.grubCfg), c.dom0.mode);
    if (!wanted) {
      const detail =
        "no stock Xen entry id ($menuentry_id_option 'xen-gnulinux-simple-…'), so the prompt entry cannot be the default by id";
      throw new AppError('parse-error', 'user', `${PATHS.grubCfg}: ${detail}`, {
        source: PATHS.grubCfg,
        detail,
      });
    }
    ops.push(
      ...(await writeIfChanged(ctx, PATHS.defaultEntry, `${wanted}\n`, 0o644)),
      ...(await mkdirIfMissing(ctx, '/etc/kernel')),
      ...(await mkdirIfMissing(ctx, '/etc/kernel/install.d')),
      ...(await writeIfChanged(ctx, PATHS.kernelInstallHook, hook.content, hook.mode, hook.asset)),
    );
    const saved =
      /^saved_entry=(.*)$/m.exec(
        (await ctx.sys.stat(PATHS.grubenv)) ? await ctx.sys.readText(PATHS.grubenv) : '',
      )?.[1] ?? null;
    if (saved !== wanted) {
      ops.push(
        generateOp(grubDefaultCommand(wanted), { labelKey: 'ops.grubDefault', outputs: [PATHS.grubenv] }),
      );
    }
  }
  return ops;
}

async function swapTask(ctx: PlanContext, c: WizardChoices): Promise<Operation[]> {
  if (c.swap !== 'disable') return [];
  const { text, devices } = disableSwap(await ctx.sys.readText(PATHS.fstab));
  const ops = await writeIfChanged(ctx, PATHS.fstab, text, 0o644);
  if (ops.length)
    ops.push(
      commandOp(DAEMON_RELOAD, { labelKey: 'ops.daemonReload', undo: DAEMON_RELOAD, undoPhase: 'final' }),
    );
  for (const device of devices) {
    const op = await settingOp(ctx.sys, { kind: 'swap-active', device }, 'off', ctx.facts.qubesRelease, {
      labelKey: 'ops.swapoff',
    });
    if (op) ops.push(op);
  }
  return ops;
}

async function sessionTask(ctx: PlanContext, c: WizardChoices): Promise<Operation[]> {
  if (!c.ramPool.enabled) return [];
  const unit = ctx.assets.files.find((f) => f.installPath === PATHS.sessionUnit);
  if (!unit)
    throw new AppError('asset-mismatch', 'internal', 'the bundle has no session unit', {
      asset: PATHS.sessionUnit,
      expected: 'present',
      actual: 'missing',
    });
  const templates = sessionTemplates(c);
  const config: SessionConfig = {
    format: 'qubes-stateless-session/1',
    ramPool: { name: RAM_POOL_NAME, sizeMiB: c.ramPool.sizeMiB ?? ctx.sizing.ramPoolMiB ?? 4096 },
    templates,
    defaultDispvm: c.defaultDispvm ? templates[0]!.dvm : null,
  };
  const ops = [
    ...(await mkdirIfMissing(ctx, PATHS.configDir)),
    ...(await writeIfChanged(ctx, PATHS.sessionConf, `${JSON.stringify(config, null, 2)}\n`, 0o644)),
    ...(await writeIfChanged(ctx, PATHS.sessionUnit, unit.content, unit.mode, unit.asset)),
  ];
  if (ops.length)
    ops.push(
      commandOp(DAEMON_RELOAD, { labelKey: 'ops.daemonReload', undo: DAEMON_RELOAD, undoPhase: 'final' }),
    );
  const enable = await settingOp(
    ctx.sys,
    { kind: 'unit-enabled', unit: SESSION_UNIT },
    'enabled',
    ctx.facts.qubesRelease,
    { labelKey: 'ops.enableUnit' },
  );
  return enable ? [...ops, enable] : ops;
}

async function settingTasks(
  ctx: PlanContext,
  c: WizardChoices,
): Promise<Partial<Record<TaskId, Operation[]>>> {
  const r = ctx.facts.qubesRelease;
  const out: Partial<Record<TaskId, Operation[]>> = {};
  if (c.ephemeralVolatile) {
    const pool = ctx.facts.prefs.default_pool_volatile || ctx.facts.prefs.default_pool || 'vm-pool';
    const op = await settingOp(
      ctx.sys,
      { kind: 'pool-option', pool, option: 'ephemeral_volatile' },
      'True',
      r,
      { labelKey: 'ops.ephemeralVolatile' },
    );
    out['ephemeral-volatile'] = op ? [op] : [];
  }
  const ro: Operation[] = [];
  for (const qube of c.readOnlyRoot) {
    const op = await settingOp(
      ctx.sys,
      { kind: 'volume-property', qube, volume: 'root', property: 'rw' },
      'False',
      r,
      { labelKey: 'ops.readOnlyRoot' },
    );
    if (op) ro.push(op);
  }
  if (c.readOnlyRoot.length) out['read-only-root'] = ro;
  if (c.saveVault.enabled) {
    const template = ctx.facts.prefs.default_template;
    if (!template)
      throw invalid({
        field: CHOICE_FIELDS.saveVaultName,
        key: 'choice.vaultNeedsDefaultTemplate',
        params: { name: c.saveVault.name },
      });
    const create = qvmCreate(
      { name: c.saveVault.name, klass: 'AppVM', template, label: 'black', pool: null, props: { netvm: '' } },
      r,
    );
    const op = await settingOp(ctx.sys, { kind: 'qube-exists', qube: c.saveVault.name }, 'present', r, {
      labelKey: 'ops.createVault',
      command: create,
    });
    out['save-vault'] = op ? [op] : [];
  }
  return out;
}

async function sudoWorks(sys: System): Promise<boolean> {
  try {
    await sys.run({ bin: BIN.true, args: [], privileged: true });
    return true;
  } catch {
    return false;
  }
}

async function preconditions(
  ctx: PlanContext,
  c: WizardChoices,
  tasks: PlannedTask[],
  grub: { preview: GrubPreview; pending: readonly PendingGrub[] },
): Promise<Precondition[]> {
  const f = ctx.facts;
  const byName = new Map(f.qubes.map((q) => [q.name, q]));
  const images = f.kernels.filter((k) => k.xenDom0 && k.initramfs).map((k) => k.initramfsBytes ?? 0);
  const rebuilds = tasks.some((t) => t.id === 'initramfs' && t.operations.length > 0);
  // dracut writes the new image beside the old one before renaming it; ours adds a few tools (mkfs, zramctl).
  const bootNeed = rebuilds ? Math.max(0, ...images) + images.length * 8 * MiB + 16 * MiB : 0;
  const backupNeed = (rebuilds ? images.reduce((a, b) => a + b, 0) : 0) + 64 * MiB;
  const running = c.readOnlyRoot.filter((n) => byName.get(n)?.state !== 'Halted');
  const taken = [
    ...sessionTemplates(c).flatMap((t) => [t.clone, t.dvm]),
    ...(c.saveVault.enabled && tasks.some((t) => t.id === 'save-vault' && t.operations.length)
      ? [c.saveVault.name]
      : []),
  ].filter((n) => byName.has(n));
  const unfinished = unfinishedTransaction(ctx.journal);
  const list: Precondition[] = [
    {
      id: 'persistent-boot',
      ok: f.bootMode.kind === 'persistent',
      params: { mode: f.bootMode.kind === 'stateless' ? f.bootMode.mode : '' },
    },
    { id: 'no-unfinished-transaction', ok: !unfinished, params: { id: unfinished?.id ?? '' } },
    { id: 'sudo', ok: await sudoWorks(ctx.sys), params: {} },
    {
      id: 'boot-space',
      ok: f.bootFs.availBytes >= bootNeed,
      params: { freeMiB: Math.floor(f.bootFs.availBytes / MiB), neededMiB: Math.ceil(bootNeed / MiB) },
    },
    {
      id: 'backup-space',
      ok: f.rootFs.availBytes >= backupNeed,
      params: { freeMiB: Math.floor(f.rootFs.availBytes / MiB), neededMiB: Math.ceil(backupNeed / MiB) },
    },
    {
      id: 'ram-fits',
      ok: ctx.sizing.verdict !== 'does-not-fit',
      params: { ...numericParams(ctx.sizing.model.verdict.params), reason: ctx.sizing.model.verdict.key },
    },
    { id: 'qubes-halted', ok: running.length === 0, params: { qubes: running.join(', ') } },
    { id: 'names-free', ok: taken.length === 0, params: { names: taken.join(', ') } },
    // /var/lib/qubes (qubes.xml, and there the qube images) on a filesystem of its own stays the disk's in a
    // stateless session: qubesd would keep writing it. Not something a RAM root can fix.
    {
      id: 'disk-layout',
      ok: f.layout.kind !== 'plain',
      params: {
        target: f.layout.fstabMount ?? f.layout.varLibQubes.target,
        fsType: f.layout.varLibQubes.fsType,
        source: f.layout.varLibQubes.source,
      },
    },
    // Our apply runs grub2-mkconfig: it must work now, and must not carry an edit the user has not seen.
    {
      id: 'grub-regenerates',
      ok: grub.preview.ok,
      params: { reason: grub.preview.ok ? '' : grub.preview.reason },
    },
    {
      id: 'grub-pending',
      ok: grub.pending.length === 0 || c.acceptPendingGrub,
      params: { paths: grub.pending.map((p) => p.path).join(', ') },
    },
  ];
  if (c.ramPool.enabled) {
    list.push({ id: 'xfsprogs', ok: !!(await ctx.sys.stat(BIN.mkfsXfs)), params: { path: BIN.mkfsXfs } });
    // The pool and the clones are made at boot by the session unit, which runs our CLI: without it, nothing would be.
    list.push({
      id: 'session-cli',
      ok: !!(await ctx.sys.stat(PATHS.sessionCli)),
      params: { path: PATHS.sessionCli },
    });
    // The session makes its pool under this name; a pool of the user's with it could hold the clones on disk.
    const owner = f.pools.find((p) => p.name === RAM_POOL_NAME);
    list.push({
      id: 'ram-pool-free',
      ok: !owner,
      params: { pool: RAM_POOL_NAME, driver: owner?.driver ?? '' },
    });
  }
  return list;
}

const numericParams = (
  p: Readonly<Record<string, string | number | boolean>>,
): Record<string, string | number> =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));

function warnings(ctx: PlanContext, c: WizardChoices): Plan['warnings'] {
  const w: Plan['warnings'] = [];
  const byName = new Map(ctx.facts.qubes.map((q) => [q.name, q]));
  for (const n of c.readOnlyRoot)
    if (byName.get(n)?.klass === 'TemplateVM')
      w.push({ key: 'warnings.readOnlyTemplate', params: { qube: n } });
  if (ctx.sizing.verdict === 'tight')
    w.push({ key: ctx.sizing.model.verdict.key, params: numericParams(ctx.sizing.model.verdict.params) });
  for (const rw of ctx.sizing.model.warnings) w.push({ key: rw.key, params: numericParams(rw.params) });
  w.push(...layoutWarnings(ctx.facts, c));
  return w;
}

/**
 * What a layout makes only partly stateless. On btrfs the qube images are files on `/` (varlibqubes,
 * file-reflink): an overlay session copies each one whole into RAM the first time its qube starts, because
 * FICLONE fails across overlayfs and qubes-core-admin's `qubes/storage/reflink.py` (_copy_file, release4.2
 * and release4.3) then falls back to `cp --sparse=always` into the tmpfs upper layer; zram and tmpfs copy
 * every image at boot with the rest of the root (the RAM estimate counts them, since du covers `/`).
 */
function layoutWarnings(f: SystemFacts, c: WizardChoices): Plan['warnings'] {
  if (f.layout.kind === 'other')
    return [{ key: 'warnings.layoutOther', params: { source: f.rootFs.source, fsType: f.rootFs.fsType } }];
  if (f.layout.kind !== 'btrfs') return [];
  const onRoot = new Set(
    f.pools
      .filter(
        (p) => (p.driver === 'file' || p.driver === 'file-reflink') && isOnRoot(p.options.dir_path ?? '', f),
      )
      .map((p) => p.name),
  );
  const vols = f.qubes.flatMap((q) => Object.values(q.volumes)).filter((v) => onRoot.has(v.pool));
  if (onRoot.size === 0) return [];
  const params = {
    pools: [...onRoot].join(', '),
    volumes: vols.length,
    usageMiB: vols.reduce((a, v) => a + v.usageMiB, 0),
  };
  return [
    {
      key: c.dom0.mode === 'overlay' ? 'warnings.btrfsOverlayCopiesImages' : 'warnings.btrfsImagesInRam',
      params,
    },
  ];
}

/** A pool directory on the root filesystem: not below /boot, nor below a mount of its own (plain layout). */
const isOnRoot = (dir: string, f: SystemFacts): boolean =>
  dir.startsWith('/') &&
  !dir.startsWith('/boot') &&
  !(
    f.layout.varLibQubes.target !== '/' &&
    (dir === f.layout.varLibQubes.target || dir.startsWith(`${f.layout.varLibQubes.target}/`))
  );

/** Everything applying `choices` will do on this machine, with real diffs, argv and the values they replace. */
export async function planInstall(ctx: PlanContext, input: WizardChoicesInput | unknown): Promise<Plan> {
  const c = validateChoices(input, ctx.facts);
  const settings = await settingTasks(ctx, c);
  const moduleOps = await dracutModuleTask(ctx);
  const configs = await grubConfigs(ctx);
  const preview = await previewStockEntries(ctx.sys);
  const pending = await pendingGrubChanges(ctx.sys, configs, preview);
  const candidates: [TaskId, Operation[]][] = [
    // Order matters for safety: the module and images exist before any GRUB entry asks for them.
    ['dracut-module', moduleOps],
    ['initramfs', await initramfsTask(ctx, moduleOps.length > 0)],
    ['boot-entries', await bootEntriesTask(ctx, c, configs, pending)],
    ['swap', await swapTask(ctx, c)],
    ['ram-pool', await sessionTask(ctx, c)],
    ['ephemeral-volatile', settings['ephemeral-volatile'] ?? []],
    ['read-only-root', settings['read-only-root'] ?? []],
    ['save-vault', settings['save-vault'] ?? []],
  ];
  const tasks = candidates
    .filter(([, ops]) => ops.length > 0)
    .map(([id, operations]) => ({ id, operations }));
  return {
    release: ctx.facts.qubesRelease,
    choices: c,
    boot: {
      dom0MemMaxMiB: ctx.sizing.dom0MemMaxMiB,
      rootSizeMiB: ctx.sizing.rootSizeMiB,
      reserveMiB: ctx.sizing.reserveMiB,
    },
    ram: ctx.sizing.model,
    preconditions: await preconditions(ctx, c, tasks, { preview, pending }),
    tasks,
    warnings: warnings(ctx, c),
    pendingGrub: pending,
  };
}
