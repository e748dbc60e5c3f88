import type { WizardChoices, WizardChoicesInput } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';
import type { Plan, PlannedTask, Precondition } from '../../../shared/plan.js';
import { unfinishedTransaction } from '../journal/journal-store.js';
import { BIN } from '../system/binaries.js';
import type { System } from '../system/system.js';
import { RAM_POOL_NAME } from './boot-config.js';
import { PATHS } from './paths.js';
import { sessionTemplates, validateChoices } from './plan-install.js';
import { type GrubState, type PlanInputs, PlannerContext } from './registry/context.js';
import { TASKS } from './registry/index.js';

/** The planner: every task of the registry in order, then the preconditions and warnings of the whole plan. */

const MiB = 1024 * 1024;

async function sudoWorks(sys: System): Promise<boolean> {
  try {
    await sys.run({ bin: BIN.true, args: [], privileged: true });
    return true;
  } catch {
    return false;
  }
}

async function preconditions(
  ctx: PlannerContext,
  c: WizardChoices,
  tasks: PlannedTask[],
  grub: GrubState,
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

function warnings(ctx: PlannerContext, c: WizardChoices): Plan['warnings'] {
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
export async function planInstall(inputs: PlanInputs, input: WizardChoicesInput | unknown): Promise<Plan> {
  const c = validateChoices(input, inputs.facts);
  const ctx = new PlannerContext(inputs);
  const tasks: PlannedTask[] = [];
  for (const task of TASKS) {
    const operations = await task.plan(ctx, c);
    ctx.record(task.id, operations);
    if (operations.length > 0) tasks.push({ id: task.id, operations });
  }
  const grub = await ctx.grub();
  return {
    release: ctx.release,
    choices: c,
    boot: {
      dom0MemMaxMiB: ctx.sizing.dom0MemMaxMiB,
      rootSizeMiB: ctx.sizing.rootSizeMiB,
      reserveMiB: ctx.sizing.reserveMiB,
    },
    ram: ctx.sizing.model,
    preconditions: await preconditions(ctx, c, tasks, grub),
    tasks,
    warnings: warnings(ctx, c),
    pendingGrub: [...grub.pending],
  };
}
