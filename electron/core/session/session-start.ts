import type { QubesRelease } from '../../../shared/facts.js';
import { type Message, message } from '../../../shared/message.js';
import { globalPrefSet, poolAdd, qvmClone, qvmCreate } from '../qubes/admin-commands.js';
import { findmntArgs, parseFindmnt } from '../probes/parse-findmnt.js';
import { probeFacts } from '../probes/probe-facts.js';
import { BIN } from '../system/binaries.js';
import type { Command, System } from '../system/system.js';
import { readSessionConfig } from './session-config.js';

/** Where the RAM pool's filesystem is mounted in a stateless session (/run is RAM already; this is a mount point). */
export const RAM_POOL_DIR = '/run/qubes-stateless/ram-pool';

/** A zram device of its own (never /dev/zram0: the root or, on 4.3, swap), XFS with reflinks on it, the pool. */
async function makeRamPool(sys: System, name: string, sizeMiB: number, r: QubesRelease): Promise<void> {
  await sys.run({ bin: BIN.modprobe, args: ['zram'], privileged: true });
  const dev = (
    await sys.run({
      bin: BIN.zramctl,
      args: ['--find', '--size', `${sizeMiB}M`, '--algorithm', 'zstd'],
      privileged: true,
    })
  ).stdout.trim();
  if (!/^\/dev\/zram\d+$/.test(dev)) throw new Error(`zramctl answered "${dev}"`);
  await sys.makeDir(RAM_POOL_DIR, 0o755);
  await sys.run({
    bin: BIN.mkfsXfs,
    args: ['-q', '-m', 'reflink=1', '-L', 'qs-ram-pool', dev],
    privileged: true,
  });
  await sys.run({ bin: BIN.mount, args: ['-o', 'discard,noatime', dev, RAM_POOL_DIR], privileged: true });
  await sys.run(poolAdd(name, 'file-reflink', { dir_path: RAM_POOL_DIR }, r));
}

/**
 * Is this pool the RAM pool, by what it is rather than by its name: the `file-reflink` driver on our
 * directory, and that directory the mount point of an XFS on a zram device (findmnt). Returns why not
 * (`session.notRamPool.*`), or null.
 */
export async function whyNotRamPool(
  sys: System,
  pool: { driver: string; options: Readonly<Record<string, string>> },
): Promise<Message | null> {
  const dir = RAM_POOL_DIR;
  if (pool.driver !== 'file-reflink') return message('session.notRamPool.driver', { driver: pool.driver });
  if (pool.options.dir_path !== dir)
    return message('session.notRamPool.dir', { found: pool.options.dir_path ?? '(none)', dir });
  const res = await sys.run({ bin: BIN.findmnt, args: findmntArgs(dir), expectExit: [0, 1] });
  if (res.exitCode !== 0) return message('session.notRamPool.unmounted', { dir });
  const fs = parseFindmnt(res.stdout);
  if (fs.target !== dir) return message('session.notRamPool.notMountPoint', { dir, target: fs.target });
  if (fs.fsType !== 'xfs' || !/^\/dev\/zram\d+$/.test(fs.source))
    return message('session.notRamPool.notZramXfs', { dir, fsType: fs.fsType, source: fs.source });
  return null;
}

/**
 * Session defaults so that a qube created in the session lands in the RAM pool. qubes.xml is on the RAM root,
 * so they are forgotten with the session. default_pool itself is left alone: default_pool_kernel follows it
 * (qubes-core-admin qubes/app.py, release4.2 and release4.3: each default_pool_* defaults to default_pool),
 * and kernel volumes must stay in linux-kernel.
 */
export const SESSION_POOL_PROPERTIES = [
  'default_pool_root',
  'default_pool_private',
  'default_pool_volatile',
] as const;

/** Why a session start does nothing: a persistent boot, or no session.json (nothing chosen at install). */
export const SESSION_SKIPS = ['persistent', 'no-config'] as const;

export interface SessionReport {
  readonly ran: boolean;
  /** Why nothing ran, when it did not: "persistent" or "no-config" (worded as `session.skipped.<word>`). */
  readonly skipped: (typeof SESSION_SKIPS)[number] | null;
  /** What was set up (`session.step.*`). */
  readonly done: readonly Message[];
  /** What was not, and why (`session.problem.*`). */
  readonly problems: readonly Message[];
}

/** One line of progress as it happens: a step done or failed (`session.log.*`, the step's key as `reason`). */
export type SessionLog = (line: Message) => void;

/**
 * What the session unit runs at the start of a stateless session: the compressed RAM pool, then RAM clones
 * of the chosen templates with a disposable template on each. Nothing of it outlives the session: the pool is
 * RAM, and qubes.xml itself is in RAM. One template failing does not stop the others.
 *
 * Why this pool: `file-reflink` is the non-deprecated file driver (the `file` driver is deprecated since 4.1);
 * on tmpfs it would need setup_check=False and copy a whole template root for every qube start (no reflinks).
 * XFS with reflink=1 gives O(1) clones and snapshots, and on a zram device it is compressed. `lvm_thin` on zram
 * would also be cheap but needs a volume group created at boot, before qubesd, and the same VG name on every
 * boot. xfsprogs is checked at install time.
 */
export async function startSession(sys: System, log: SessionLog = () => undefined): Promise<SessionReport> {
  const facts = await probeFacts(sys);
  if (facts.bootMode.kind !== 'stateless')
    return { ran: false, skipped: 'persistent', done: [], problems: [] };
  const config = await readSessionConfig(sys);
  if (!config) return { ran: false, skipped: 'no-config', done: [], problems: [] };
  const r = facts.qubesRelease;
  const done: Message[] = [];
  const problems: Message[] = [];
  const step = async (what: Message, work: Command[] | (() => Promise<void>)) => {
    const about = { ...what.params, reason: what.key };
    try {
      if (typeof work === 'function') await work();
      else for (const c of work) await sys.run(c);
      done.push(what);
      log(message('session.log.done', about));
      return true;
    } catch (e) {
      const error = (e as Error).message;
      problems.push(message('session.problem.stepFailed', { ...about, error }));
      log(message('session.log.failed', { ...about, error }));
      return false;
    }
  };
  const names = new Set(facts.qubes.map((q) => q.name));
  let pool: string | null = null;
  if (config.ramPool) {
    const { name, sizeMiB } = config.ramPool;
    const existing = facts.pools.find((p) => p.name === name);
    if (!existing) {
      if (
        await step(message('session.step.ramPool', { name, sizeMiB }), () =>
          makeRamPool(sys, name, sizeMiB, r),
        )
      )
        pool = name;
    } else {
      const why = await whyNotRamPool(sys, existing);
      // Made by an earlier start in this session (qubes.xml is in RAM too), or someone else's pool, maybe on
      // disk, which clones would outlive: left alone.
      if (why === null) pool = name;
      else
        problems.push(
          message('session.problem.poolNotOurs', {
            ...why.params,
            name,
            driver: existing.driver,
            reason: why.key,
          }),
        );
    }
  }
  if (pool) {
    const ram = pool;
    await step(
      message('session.step.poolDefaults', { pool: ram, properties: SESSION_POOL_PROPERTIES.join(', ') }),
      SESSION_POOL_PROPERTIES.map((p) => globalPrefSet(p, ram, r)),
    );
  } else if (config.ramPool) {
    problems.push(message('session.problem.noPool'));
  }
  let firstDvm: string | null = null;
  for (const t of config.templates) {
    if (!pool) {
      problems.push(message('session.problem.cloneWithoutPool', { clone: t.clone }));
      continue;
    }
    if (names.has(t.clone) || names.has(t.dvm)) {
      problems.push(message('session.problem.nameTaken', { clone: t.clone, dvm: t.dvm }));
      continue;
    }
    const ok = await step(message('session.step.clone', { ...t }), [
      qvmClone(t.template, t.clone, pool, r),
      qvmCreate(
        {
          name: t.dvm,
          klass: 'AppVM',
          template: t.clone,
          label: 'red',
          pool,
          props: { template_for_dispvms: 'True' },
        },
        r,
      ),
    ]);
    if (ok) firstDvm ??= t.dvm;
  }
  if (config.defaultDispvm && firstDvm === config.defaultDispvm)
    await step(message('session.step.defaultDispvm', { dvm: firstDvm }), [
      globalPrefSet('default_dispvm', firstDvm, r),
    ]);
  return { ran: true, skipped: null, done, problems };
}
