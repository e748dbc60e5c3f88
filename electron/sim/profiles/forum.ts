import type { ForumFamily } from '../../../shared/forum-install.js';
import { FORUM_FAMILIES } from '../../../shared/forum-install.js';
import type { SimState } from '../sim-state.js';
import type { TreeFile } from './dom0-tree.js';
import type { Profile } from './profiles.js';

/**
 * A dom0 on which a forum recipe was followed, as the recipe leaves it (what each writes: core/probes/
 * forum-recipes.ts, with sources). The files are this simulator's stand-ins written for the purpose, not the
 * recipes' own scripts; names, paths, GRUB lines, conf lines, units and pool settings are the recipes'.
 * Applied to a fresh profile tree before its images and grub.cfg are generated, as the recipes run dracut and
 * grub2-mkconfig last.
 */

export const FORUM_PROFILES: readonly ForumFamily[] = FORUM_FAMILIES;

export interface ForumTree {
  /** Files to add or replace. */
  readonly files: TreeFile[];
  /** Symlinks (path -> target), e.g. a unit's enablement. */
  readonly symlinks: Readonly<Record<string, string>>;
  readonly state: (s: SimState) => SimState;
}

const SH = '#!/usr/bin/bash\n';

/** A copy of the stock newest Xen entry with extra words, as the recipes paste into 40_custom. */
function customEntry(p: Profile, title: string, xenWords: string, linuxWords: string): string {
  const k = p.kernels[0]!;
  return [
    `menuentry '${title}' --class qubes --class gnu-linux --class gnu --class os --class xen {`,
    '\tinsmod part_gpt',
    '\tinsmod ext2',
    `\tmultiboot2\t/xen-${p.xen}.gz placeholder console=none ${xenWords} ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096`,
    `\tmodule2\t/vmlinuz-${k} placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-6d3f1f7e-2b0c-4f55-9a8e-1c2d3e4f5a6b rd.lvm.lv=qubes_dom0/root rhgb quiet ${linuxWords}`,
    `\tmodule2 --nounzip\t/initramfs-${k}.img`,
    '}',
  ].join('\n');
}

const withCustom = (stock: string, entries: string[]): string =>
  `${stock}${entries.map((e) => `\n${e}\n`).join('')}`;

const swapLine = (fstab: string): string | undefined =>
  fstab.split('\n').find((l) => /^\S+\s+\S+\s+swap\s/.test(l));

export function forumTree(
  family: ForumFamily,
  p: Profile,
  stock: { defaultGrub: string; fstab: string; custom: string },
): ForumTree {
  const swap = swapLine(stock.fstab);
  switch (family) {
    case 'xuy':
      return {
        files: [
          {
            path: '/usr/lib/dracut/modules.d/01ramboot/module-setup.sh',
            content: `${SH}# (simulated forum recipe) Qubes in tmpfs\ncheck() { return 0; }\ndepends() { return 0; }\ninstall() { inst_hook pre-pivot 50 "$moddir/ramboot.sh"; }\n`,
            mode: 0o755,
          },
          {
            path: '/usr/lib/dracut/modules.d/01ramboot/ramboot.sh',
            content: `${SH}# (simulated forum recipe) copies /sysroot into a zram device when the kernel says ramboot\ngetargbool 0 ramboot || exit 0\n`,
            mode: 0o755,
          },
          {
            path: '/etc/dracut.conf.d/ramboot.conf',
            content: 'add_dracutmodules+=" ramboot "\nadd_drivers+=" zram "\n',
            mode: 0o644,
          },
          {
            path: '/etc/grub.d/40_custom',
            content: withCustom(stock.custom, [
              customEntry(p, 'Qubes in tmpfs', 'dom0_mem=min:1024M dom0_mem=max:12288M', 'ramboot'),
            ]),
            mode: 0o755,
          },
          {
            path: '/etc/default/grub',
            content: stock.defaultGrub.replace('dom0_mem=max:4096M', 'dom0_mem=max:12288M'),
            mode: 0o644,
          },
          {
            path: '/etc/fstab',
            content: swap ? stock.fstab.replace(swap, `#${swap}`) : stock.fstab,
            mode: 0o644,
          },
        ],
        symlinks: {},
        state: (s) => s,
      };
    case 'leandroibov': {
      const xen = /^GRUB_CMDLINE_XEN_DEFAULT=.*$/m;
      const grub = `${stock.defaultGrub.replace(/^GRUB_CMDLINE_XEN_DEFAULT=.*\n/m, '')}GRUB_CMDLINE_XEN_DEFAULT="console=none dom0_mem=min:1096M dom0_mem=max:10240M ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096"\n`;
      if (!xen.test(stock.defaultGrub)) throw new Error('the profile has no GRUB_CMDLINE_XEN_DEFAULT');
      return {
        files: [
          {
            path: '/usr/lib/dracut/modules.d/01ramboot/module-setup.sh',
            content: `${SH}# (simulated forum recipe) ephemeral.sh\ncheck() { return 0; }\ndepends() { return 0; }\ninstall() { inst_simple "$moddir/tmpfs.sh" "/usr/bin/tmpfs"; inst_hook cleanup 00 "$moddir/pass.sh"; }\n`,
            mode: 0o755,
          },
          {
            path: '/usr/lib/dracut/modules.d/01ramboot/pass.sh',
            content: `${SH}# (simulated forum recipe) asks "Boot to RAM? (y/n)" and runs /usr/bin/tmpfs\n`,
            mode: 0o755,
          },
          {
            path: '/usr/lib/dracut/modules.d/01ramboot/tmpfs.sh',
            content: `${SH}# (simulated forum recipe) zram0 of 10G, mkfs.ext2, cp -a of the root\necho 10G > /sys/block/zram0/disksize\n`,
            mode: 0o755,
          },
          {
            path: '/etc/dracut.conf.d/ramboot.conf',
            content: 'add_drivers+=" zram "\nadd_dracutmodules+=" ramboot "\n',
            mode: 0o644,
          },
          { path: '/etc/default/grub.bak', content: stock.defaultGrub, mode: 0o644 },
          { path: '/etc/default/grub', content: grub, mode: 0o644 },
          { path: '/etc/fstab.bak', content: stock.fstab, mode: 0o644 },
          {
            path: '/etc/fstab',
            content: swap ? stock.fstab.replace(`${swap}\n`, '') : stock.fstab,
            mode: 0o644,
          },
        ],
        symlinks: {},
        state: (s) => s,
      };
    }
    case 'ramlovingpenguin':
      return {
        files: [
          {
            path: '/usr/lib/dracut/modules.d/90livemode/module-setup.sh',
            content: `${SH}# (simulated forum recipe) live modes\ncheck() { return 255; }\ndepends() { return 0; }\ninstall() { inst_hook pre-pivot 90 "$moddir/livemode.sh"; }\n`,
            mode: 0o755,
          },
          {
            path: '/usr/lib/dracut/modules.d/90livemode/livemode.sh',
            content: `${SH}# (simulated forum recipe) livemode=zram|tmpfs: the root copied into RAM\ngetarg livemode= >/dev/null || exit 0\n`,
            mode: 0o755,
          },
          {
            path: '/etc/dracut.conf.d/livemode.conf',
            content: 'add_dracutmodules+=" livemode "\n',
            mode: 0o644,
          },
          {
            path: '/etc/grub.d/40_custom',
            content: withCustom(stock.custom, [
              customEntry(
                p,
                'Qubes live mode (zram)',
                'dom0_mem=min:1024M dom0_mem=max:10240M',
                'livemode=zram init_on_free=1 init_on_alloc=1',
              ),
              customEntry(
                p,
                'Qubes live mode (tmpfs)',
                'dom0_mem=min:1024M dom0_mem=max:10240M',
                'livemode=tmpfs init_on_free=1 init_on_alloc=1',
              ),
            ]),
            mode: 0o755,
          },
          {
            path: '/etc/systemd/system/rw.service',
            content:
              '[Unit]\nDescription=Root volumes read-only (forum recipe)\nAfter=qubesd.service\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/qvm-volume config work:root rw False\nExecStart=/usr/bin/qvm-volume config untrusted:root rw False\n\n[Install]\nWantedBy=multi-user.target\n',
            mode: 0o644,
          },
          {
            path: '/etc/fstab',
            content: `${stock.fstab}tmpfs                   /var/lib/qubes/rampool  tmpfs   defaults,size=8G 0 0\n`,
            mode: 0o644,
          },
        ],
        symlinks: {
          '/etc/systemd/system/multi-user.target.wants/rw.service': '/etc/systemd/system/rw.service',
        },
        state: (s) => ({
          ...s,
          pools: [
            ...s.pools.map((pool) =>
              pool.name === 'vm-pool'
                ? { ...pool, config: { ...pool.config, ephemeral_volatile: 'True' } }
                : pool,
            ),
            {
              name: 'rampool',
              driver: 'file',
              config: {
                driver: 'file',
                dir_path: '/var/lib/qubes/rampool',
                revisions_to_keep: '1',
                ephemeral_volatile: 'False',
              },
            },
          ].sort((a, b) => a.name.localeCompare(b.name)),
          qubes: s.qubes.map((q) =>
            ['work', 'untrusted'].includes(q.name) && q.volumes.root
              ? { ...q, volumes: { ...q.volumes, root: { ...q.volumes.root, rw: false } } }
              : q,
          ),
        }),
      };
  }
}
