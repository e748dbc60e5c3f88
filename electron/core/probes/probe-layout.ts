import type { DiskLayout, FilesystemFact } from '../../../shared/facts.js';
import { BIN } from '../system/binaries.js';
import type { SystemReader } from '../system/system.js';
import { findmntArgs, parseFindmnt } from './parse-findmnt.js';

/**
 * Which of the installer's disk layouts this dom0 has (QubesOS/qubes-anaconda release4.2 and release4.3,
 * `qubesos.conf` [Storage], the same in both):
 *   - `default_partitioning` with `default_scheme = LVM_THINP`: `/` on a thin LV (qubes_dom0/root), qubes in
 *     the vm-pool thin pool that initial-setup adds;
 *   - `default_partitioning_plain`: `/`, swap and `/var/lib/qubes (min 20 GiB, fstype xfs)` as partitions;
 *   - `default_partitioning_btrfs`: `/ (btrfs, …)` and swap; with no thin pool, the qube images live in the
 *     varlibqubes pool under /var/lib/qubes on `/` (file-reflink: qubes-core-admin release4.2/4.3
 *     `qubes/app.py` load_initial_values upgrades varlibqubes to it when /var/lib/qubes supports reflinks).
 * Read from what `/var/lib/qubes` is mounted on now (findmnt) and whether fstab mounts it or a parent itself,
 * so a stateless session on the plain layout is recognised too (its fstab still mounts the disk there).
 */
export const VAR_LIB_QUBES = '/var/lib/qubes';

/** The fstab mount point (field 2) at or above /var/lib/qubes, other than `/`; swap and comments skipped. */
export function fstabMountAbove(fstab: string, dir = VAR_LIB_QUBES): string | null {
  for (const line of fstab.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!f[0] || f[0].startsWith('#') || f.length < 3 || f[2] === 'swap') continue;
    // fstab escapes spaces in paths as \040; our path has none, so a mount point with one cannot match.
    const mp = f[1]!.replace(/\/+$/, '');
    if (mp && mp !== '/' && (dir === mp || dir.startsWith(`${mp}/`))) return mp;
  }
  return null;
}

export function classifyLayout(
  root: FilesystemFact,
  varLibQubes: FilesystemFact,
  fstabMount: string | null,
): DiskLayout['kind'] {
  if (varLibQubes.target !== '/' || fstabMount) return 'plain';
  if (root.fsType === 'btrfs') return 'btrfs';
  // The thin LV anaconda names "root" in the volume group qubes_<hostname> (patch 0022 forces the prefix).
  if (/^\/dev\/mapper\/qubes_[^-]+-root$/.test(root.source)) return 'lvm-thin';
  return 'other';
}

export async function probeLayout(sys: SystemReader, root: FilesystemFact): Promise<DiskLayout> {
  const vlq = parseFindmnt((await sys.run({ bin: BIN.findmnt, args: findmntArgs(VAR_LIB_QUBES) })).stdout);
  const fstabMount = fstabMountAbove((await sys.stat('/etc/fstab')) ? await sys.readText('/etc/fstab') : '');
  return {
    kind: classifyLayout(root, vlq, fstabMount),
    varLibQubes: { target: vlq.target, source: vlq.source, fsType: vlq.fsType },
    fstabMount,
  };
}
