import type { SimState } from '../sim-state.js';

/**
 * The other disk layouts the installer offers (QubesOS/qubes-anaconda release4.2 and release4.3,
 * `qubesos.conf` [Storage]), applied to a profile's default LVM thin dom0:
 *   - plain (`default_partitioning_plain`): `/` (20 GiB), `/var/lib/qubes (min 20 GiB, fstype xfs)` and swap
 *     as LUKS partitions, no LVM at all, so no vm-pool: the qubes live in varlibqubes, a file-reflink pool
 *     on that XFS (qubes-core-admin `qubes/app.py` load_initial_values: file-reflink when /var/lib/qubes
 *     supports reflinks, which XFS made with reflink=1 does), and default_pool resolves to it;
 *   - btrfs (`default_partitioning_btrfs`): `/` on btrfs (subvolume "root") and swap; the qubes in
 *     varlibqubes (file-reflink) under /var/lib/qubes on `/`.
 * Both keep the same qubes, with their volumes moved to varlibqubes; the root's used bytes grow by the qube
 * images where they are on `/` (du over the root counts them).
 */
export const SIM_LAYOUTS = ['lvm-thin', 'plain', 'btrfs'] as const;
export type SimLayout = (typeof SIM_LAYOUTS)[number];

export const LUKS_ROOT = 'luks-2f9c1d3e-7a4b-4e6f-8d0c-5b1a2e3f4c5d';
export const LUKS_SWAP = 'luks-8e7d6c5b-4a39-4281-b0f1-e2d3c4b5a697';
export const LUKS_VARLIB = 'luks-c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';

const GiB = 1024 ** 3;

/** The file-reflink volume id of a qube's volume: "<appvms|vm-templates>/<qube>/<volume>" under dir_path. */
const fileVid = (klass: string, qube: string, volume: string) =>
  `${klass === 'TemplateVM' ? 'vm-templates' : 'appvms'}/${qube}/${volume}`;

export function applyLayout(state: SimState, layout: SimLayout): SimState {
  if (layout === 'lvm-thin') return state;
  const s: SimState = structuredClone(state);
  s.pools = s.pools.filter((p) => p.driver !== 'lvm_thin');
  const vlq = s.pools.find((p) => p.name === 'varlibqubes')!;
  vlq.driver = 'file-reflink';
  vlq.config = {
    driver: 'file-reflink',
    dir_path: '/var/lib/qubes',
    revisions_to_keep: '1',
    ephemeral_volatile: 'False',
    setup_check: 'False',
  };
  s.prefs.default_pool = 'varlibqubes';
  let imageBytes = 0;
  for (const q of s.qubes) {
    for (const [name, v] of Object.entries(q.volumes)) {
      v.pool = 'varlibqubes';
      v.vid = fileVid(q.klass, q.name, name);
      if (!v.snapOnStart) imageBytes += v.usageBytes;
    }
  }
  const root = s.mounts.find((m) => m.target === '/')!;
  if (layout === 'plain') {
    Object.assign(root, {
      source: `/dev/mapper/${LUKS_ROOT}`,
      fsType: 'ext4',
      options: 'rw,relatime,seclabel,discard',
    });
    s.mounts.push({
      target: '/var/lib/qubes',
      source: `/dev/mapper/${LUKS_VARLIB}`,
      fsType: 'xfs',
      options: 'rw,relatime,seclabel,attr2,discard,inode64,logbufs=8,logbsize=32k,noquota',
      sizeBytes: 420 * GiB,
      baseUsedBytes: imageBytes,
    });
  } else {
    Object.assign(root, {
      source: `/dev/mapper/${LUKS_ROOT}`,
      fsType: 'btrfs',
      options:
        'rw,relatime,seclabel,compress=zstd:1,ssd,discard=async,space_cache=v2,subvolid=256,subvol=/root',
      sizeBytes: 440 * GiB,
      baseUsedBytes: root.baseUsedBytes + imageBytes,
    });
  }
  return s;
}

/** anaconda's fstab rows for a layout (the default one is dom0-tree.ts's). */
export function layoutFstabRows(
  layout: Exclude<SimLayout, 'lvm-thin'>,
  release: string,
): [string, string, string, string, number, number][] {
  // Qubes anaconda patch 0021: discard for ext4/xfs/vfat (and btrfs on 4.2 only); x-systemd.device-timeout=0 on encrypted devices.
  const btrfsOpts =
    release === '4.2'
      ? 'subvol=root,x-systemd.device-timeout=0,discard'
      : 'subvol=root,x-systemd.device-timeout=0';
  const rows: [string, string, string, string, number, number][] =
    layout === 'plain'
      ? [
          [`/dev/mapper/${LUKS_ROOT}`, '/', 'ext4', 'defaults,x-systemd.device-timeout=0,discard', 1, 1],
          [
            `/dev/mapper/${LUKS_VARLIB}`,
            '/var/lib/qubes',
            'xfs',
            'defaults,x-systemd.device-timeout=0,discard',
            0,
            0,
          ],
        ]
      : [[`UUID=0e6c2b5f-1d3a-4b7e-9c8f-2a4d6e8f0b1c`, '/', 'btrfs', btrfsOpts, 0, 0]];
  return [
    ...rows,
    ['UUID=5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60', '/boot', 'ext4', 'defaults,discard', 1, 2],
    ['UUID=A1B2-C3D4', '/boot/efi', 'vfat', 'umask=0077,shortname=winnt,discard', 0, 2],
    [`/dev/mapper/${LUKS_SWAP}`, 'none', 'swap', 'defaults,x-systemd.device-timeout=0', 0, 0],
  ];
}

/** The kernel words anaconda puts in GRUB_CMDLINE_LINUX for a layout's root and swap. */
export function layoutRootWords(layout: SimLayout, luksDefault: string): string[] {
  if (layout === 'lvm-thin')
    return [`rd.luks.uuid=${luksDefault}`, 'rd.lvm.lv=qubes_dom0/root', 'rd.lvm.lv=qubes_dom0/swap'];
  return [
    `rd.luks.uuid=${LUKS_ROOT}`,
    ...(layout === 'plain' ? [`rd.luks.uuid=${LUKS_VARLIB}`] : []),
    `rd.luks.uuid=${LUKS_SWAP}`,
  ];
}
