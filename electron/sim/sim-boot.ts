import { cp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { disableSwap } from '../core/config/fstab-editor.js';
import { AppError } from '../core/errors.js';
import { statelessFlag } from '../core/probes/parse-proc.js';
import { parseDom0Mem } from '../core/probes/parse-xl.js';
import { STATUS_FILE } from '../core/probes/probe-facts.js';
import { startSession, type SessionReport } from '../core/session/session-start.js';
import { BIN } from '../core/system/binaries.js';
import { BALLOON_CURRENT_KB } from '../core/ram/dom0-memory.js';
import { PATHS, SESSION_UNIT, entryTitle } from '../core/tasks/paths.js';
import { bootKitCheck } from './boot-kit-check.js';
import { baseInodes } from './commands/du.js';
import type { SimSystem } from './sim-system.js';
import { STATE_FILE } from './sim-system.js';

/**
 * Reboot a simulated dom0, into its normal entry or its stateless one, the way the real machine would behave:
 * a stateless boot takes the command line from the installed GRUB entry, runs only if the initramfs has our
 * module, falls back to persistent when RAM is short, and everything changed during it is forgotten at the
 * next boot (the persistent tree and state are kept aside and put back).
 */

const STATELESS_TITLES = (['overlay', 'zram', 'tmpfs'] as const).map(entryTitle);

export interface SimBootReport {
  readonly entry: 'normal' | 'stateless';
  readonly result: 'persistent' | 'active' | 'fallback';
  readonly reason: string;
  readonly session: SessionReport | null;
}

const MiB = 1024 * 1024;
const persistentDir = (sim: SimSystem) => path.join(sim.dir, 'persistent-before-ram-session');

/** The Linux and Xen command lines of a grub.cfg entry, by title. */
export function entryCmdlines(cfg: string, title: string): { linux: string; xen: string } | null {
  const start = cfg.indexOf(`menuentry '${title}'`);
  if (start < 0) return null;
  const body = cfg.slice(start, cfg.indexOf('\n}', start));
  const linux = /\n\s*module2\s+\/vmlinuz-\S+ (.*)/.exec(body)?.[1];
  const xen = /\n\s*multiboot2\s+\/xen-\S+ (.*?)(?: \$\{xen_rm_opts\})?\n/.exec(body)?.[1];
  return linux && xen ? { linux, xen } : null;
}

async function forgetRamSession(sim: SimSystem): Promise<void> {
  const keep = persistentDir(sim);
  if (!(await stat(keep).catch(() => null))) return;
  await rm(sim.tree.root, { recursive: true, force: true });
  await rename(path.join(keep, 'root'), sim.tree.root);
  await rename(path.join(keep, STATE_FILE), path.join(sim.dir, STATE_FILE));
  await rm(keep, { recursive: true, force: true });
  await sim.reload();
}

/** What every boot resets: mounts made at run time, zram devices, /run, which qubes run. */
async function freshBoot(
  sim: SimSystem,
  o: { linux: string; xen: string; root: { source: string; fsType: string }; diskSwap: boolean },
): Promise<void> {
  const fstab = await sim.readText(PATHS.fstab);
  const diskSwaps = o.diskSwap ? disableSwap(fstab).devices : [];
  const profileZram = sim.snapshotState().release === '4.3';
  await sim.tree.writeAtomic('/proc/cmdline', `${o.linux}\n`);
  await sim.tree.writeAtomic(
    '/proc/swaps',
    [
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority',
      ...diskSwaps.map(() => '/dev/dm-2                               partition\t8388604\t\t0\t\t-2'),
      ...(profileZram ? ['/dev/zram0                              partition\t8388604\t\t0\t\t100'] : []),
      '',
    ].join('\n'),
  );
  await sim.tree.remove(STATUS_FILE);
  await sim.updateState((s) => {
    // What fstab mounts comes back at every boot (the plain layout's /var/lib/qubes too); run-time mounts do not.
    s.mounts = s.mounts.filter((m) => ['/', '/boot', '/boot/efi', '/var/lib/qubes'].includes(m.target));
    Object.assign(
      s.mounts.find((m) => m.target === '/')!,
      o.root,
    );
    s.zramDevices = [];
    s.host.xenCmdline = `${o.xen}${/no-real-mode/.test(s.host.xenCmdline) ? ' no-real-mode edd=off' : ''}`;
    const dom0 = parseDom0Mem(s.host.xenCmdline, s.host.totalMiB);
    // xl list shows dom0 a page short of its dom0_mem=max (4095 for max:4096M).
    s.dom0.currentMiB = Math.min(dom0.maxMiB ?? s.host.totalMiB, s.host.totalMiB - 1024) - 1;
    // dom0 always runs; a RemoteVM always reports Running (qubes-core-admin release4.3 qubes/vm/remotevm.py).
    for (const q of s.qubes)
      if (q.klass !== 'AdminVM' && q.klass !== 'RemoteVM')
        q.state = q.props.autostart === 'True' ? 'Running' : 'Halted';
  });
  // The balloon's view of dom0's allocation follows the boot (qmemman's meminfo-writer reads it).
  await sim.tree.writeAtomic(BALLOON_CURRENT_KB, `${sim.snapshotState().dom0.currentMiB * 1024}\n`);
}

const PERSISTENT_ROOT = { source: '/dev/mapper/qubes_dom0-root', fsType: 'ext4' };

/** The disk root this dom0 boots persistent from: the one it has, unless a test left a RAM root in place. */
function persistentRoot(sim: SimSystem): { source: string; fsType: string } {
  const r = sim.snapshotState().mounts.find((m) => m.target === '/')!;
  const ram = r.fsType === 'tmpfs' || r.fsType === 'overlay' || r.source.startsWith('/dev/zram');
  return ram ? PERSISTENT_ROOT : { source: r.source, fsType: r.fsType };
}

export async function bootSim(sim: SimSystem, entry: 'normal' | 'stateless'): Promise<SimBootReport> {
  await forgetRamSession(sim);
  const cfg = await sim.readText(PATHS.grubCfg);
  const normal = entryCmdlines(cfg, 'Qubes, with Xen hypervisor');
  if (!normal)
    throw new AppError('parse-error', 'internal', `${PATHS.grubCfg} has no normal Qubes entry`, {
      source: PATHS.grubCfg,
      detail: 'no entry',
    });
  const ours = [...cfg.matchAll(/menuentry '([^']+)'/g)]
    .map((m) => m[1]!)
    .filter((title) => STATELESS_TITLES.includes(title));
  if (entry === 'normal' || ours.length === 0) {
    if (entry === 'stateless')
      throw new AppError(
        'invalid-choice',
        'user',
        'this simulated dom0 has no stateless boot entry: install one first',
        { field: 'entry', reason: 'no stateless boot entry is installed' },
      );
    await freshBoot(sim, { linux: normal.linux, xen: normal.xen, root: persistentRoot(sim), diskSwap: true });
    return { entry, result: 'persistent', reason: 'normal entry', session: null };
  }
  const lines = entryCmdlines(cfg, ours[0]!)!;
  const mode = statelessFlag(lines.linux);
  if (mode === null || mode === 'invalid')
    throw new AppError(
      'parse-error',
      'internal',
      `${PATHS.grubCfg}: the stateless entry has no valid rd.qubes.stateless=`,
      { source: PATHS.grubCfg, detail: lines.linux },
    );
  const kver = /\/vmlinuz-(\S+)/.exec(cfg.slice(cfg.indexOf(ours[0]!)))?.[1] ?? '';
  const image = (
    await sim.run({
      bin: BIN.lsinitrd,
      args: ['-m', `/boot/initramfs-${kver}.img`],
      privileged: true,
      expectExit: [0, 1],
    })
  ).stdout;
  const rootMount = sim.snapshotState().mounts.find((m) => m.target === '/')!;
  const used = rootMount.baseUsedBytes / MiB;
  const dom0Max = parseDom0Mem(lines.xen, sim.snapshotState().host.totalMiB).maxMiB ?? 4096;
  // Without our module nothing reads the flag; with it, the boot kit's own checks decide (run for real).
  const kit = /^qubes-stateless$/m.test(image)
    ? await bootKitCheck(sim.tree, {
        cmdline: lines.linux,
        // What Xen gives dom0 (as freshBoot sets it): dom0_mem=max, or less when the host has less.
        dom0MiB: Math.min(dom0Max, sim.snapshotState().host.totalMiB - 1024),
        rootUsedBytes: rootMount.baseUsedBytes,
        rootInodes: baseInodes(rootMount.baseUsedBytes),
      })
    : null;
  const reason = kit?.reason ?? 'module-missing';
  const status = async (result: string, message: string) => {
    await sim.tree.mkdir('/run/qubes-stateless');
    await sim.tree.writeAtomic(
      STATUS_FILE,
      `version=1\nmode=${mode}\nresult=${result}\nreason=${reason}\nmessage=${message}\nseconds=${result === 'active' ? '14.2' : ''}\nbytes=${result === 'active' && mode !== 'overlay' ? Math.round(used * MiB) : ''}\n`,
    );
  };
  if (reason !== 'ok') {
    await freshBoot(sim, { linux: lines.linux, xen: lines.xen, root: persistentRoot(sim), diskSwap: true });
    // Without our module nothing reads the flag: no status file at all.
    if (kit) await status('fallback', kit.message);
    return { entry, result: 'fallback', reason, session: null };
  }
  // Everything from here on lives in RAM: keep the persistent machine aside for the next boot.
  const keep = persistentDir(sim);
  await cp(sim.tree.root, path.join(keep, 'root'), { recursive: true, verbatimSymlinks: true });
  await cp(path.join(sim.dir, STATE_FILE), path.join(keep, STATE_FILE));
  const root =
    mode === 'zram'
      ? { source: '/dev/zram1', fsType: 'ext4' }
      : mode === 'tmpfs'
        ? { source: 'none', fsType: 'tmpfs' }
        : { source: 'overlay', fsType: 'overlay' };
  await freshBoot(sim, { linux: lines.linux, xen: lines.xen, root, diskSwap: false });
  await status('active', `root in RAM (${mode})`);
  const enabled =
    (
      await sim.run({ bin: BIN.systemctl, args: ['is-enabled', SESSION_UNIT], expectExit: [0, 1] })
    ).stdout.trim() === 'enabled';
  return { entry, result: 'active', reason, session: enabled ? await startSession(sim) : null };
}
