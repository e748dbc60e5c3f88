import { createHash } from 'node:crypto';
import { BIN } from '../../core/system/binaries.js';
import { ROOT_UUID } from '../boot-render.js';
import { STOCK_00_HEADER, STOCK_20_LINUX_XEN } from './grub-d.js';
import { type SimLayout, layoutFstabRows, layoutRootWords } from './layouts.js';
import type { Profile } from './profiles.js';

export interface TreeFile {
  readonly path: string;
  readonly content: string | Buffer;
  readonly mode: number;
}

const LUKS_UUID = 'luks-6d3f1f7e-2b0c-4f55-9a8e-1c2d3e4f5a6b';

/** Deterministic filler for binary stand-ins (kernels, Xen), so every simulated tree of a profile is identical. */
function filler(label: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash('sha256').update(label).digest();
  for (let i = 0; i < bytes; i += 32) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** /etc/default/grub as anaconda writes it (qubesos.conf [Bootloader]) plus the sys-usb Salt state's appended line. */
export function defaultGrub(p: Profile, layout: SimLayout = 'lvm-thin'): string {
  const linux = [
    ...layoutRootWords(layout, LUKS_UUID),
    'plymouth.ignore-serial-consoles',
    p.junkKernelTokens,
    'rhgb quiet',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    'GRUB_TIMEOUT=5',
    `GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"`,
    'GRUB_DEFAULT=saved',
    'GRUB_DISABLE_SUBMENU=false',
    'GRUB_TERMINAL_OUTPUT="console"',
    `GRUB_CMDLINE_LINUX="${linux}"`,
    'GRUB_DISABLE_RECOVERY="true"',
    'GRUB_THEME="/boot/grub2/themes/qubes/theme.txt"',
    'GRUB_CMDLINE_XEN_DEFAULT="console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096"',
    'GRUB_DISABLE_OS_PROBER="true"',
    `GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX ${p.usbLine}"`,
    '',
  ].join('\n');
}

/** anaconda's fstab: a comment header, then "%-23s %-23s %-7s %-15s %d %d" rows (Qubes patch 0021 adds discard). */
export function fstab(p?: Profile, layout: SimLayout = 'lvm-thin'): string {
  const row = (a: string, b: string, c: string, d: string, e: number, f: number) =>
    `${a.padEnd(23)} ${b.padEnd(23)} ${c.padEnd(7)} ${d.padEnd(15)} ${e} ${f}`;
  return [
    '',
    '#',
    '# /etc/fstab',
    '# Created by anaconda on Tue Jan 16 10:12:44 2024',
    '#',
    "# Accessible filesystems, by reference, are maintained under '/dev/disk/'.",
    '# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info.',
    '#',
    "# After editing this file, run 'systemctl daemon-reload' to update systemd",
    '# units generated from this file.',
    '#',
    ...(layout === 'lvm-thin'
      ? [
          row(
            '/dev/mapper/qubes_dom0-root',
            '/',
            'ext4',
            'defaults,x-systemd.device-timeout=0,discard',
            1,
            1,
          ),
          row('UUID=5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60', '/boot', 'ext4', 'defaults,discard', 1, 2),
          row('UUID=A1B2-C3D4', '/boot/efi', 'vfat', 'umask=0077,shortname=winnt,discard', 0, 2),
          row('/dev/mapper/qubes_dom0-swap', 'none', 'swap', 'defaults,x-systemd.device-timeout=0', 0, 0),
        ]
      : layoutFstabRows(layout, p?.release ?? '4.2').map((r) => row(...r))),
    '',
  ].join('\n');
}

/**
 * Directories whose mode differs from 0755 in dom0 (all root:root). /etc/grub.d, /boot/grub2 and the EFI
 * vendor directory: QubesOS/qubes-grub2 grub2.spec.in `%files common` (release4.2 l.1191/1199/1201, main — the
 * 4.3 build — l.1226/1234/1236). The whole ESP is vfat mounted `umask=0077` (blivet/tasks/fsmount.py
 * FATFSMount, the options anaconda writes into fstab; see fstab() below), so every directory on it is 0700.
 */
export const DIR_MODES: Readonly<Record<string, number>> = {
  '/etc/grub.d': 0o700,
  '/boot/grub2': 0o700,
  '/boot/efi': 0o700,
  '/boot/efi/EFI': 0o700,
  '/boot/efi/EFI/qubes': 0o700,
};

const script = (what: string) =>
  `#! /usr/bin/sh\nset -e\n\n# (simulated dom0) stand-in for grub2-tools' ${what}\n`;

export function dom0Files(p: Profile, layout: SimLayout = 'lvm-thin'): TreeFile[] {
  const files: TreeFile[] = [];
  const add = (path: string, content: string | Buffer, mode = 0o644) => files.push({ path, content, mode });
  const [newest] = p.kernels;
  // As the stock 20_linux_xen writes it: root= (the LVM path, else the UUID), ro, then GRUB_CMDLINE_LINUX (btrfs: rootflags first).
  const rootArg =
    layout === 'lvm-thin'
      ? 'root=/dev/mapper/qubes_dom0-root ro'
      : `root=UUID=${ROOT_UUID} ro${layout === 'btrfs' ? ' rootflags=subvol=root' : ''}`;
  const cmdline = `placeholder ${rootArg} ${layoutRootWords(layout, LUKS_UUID).join(' ')} plymouth.ignore-serial-consoles ${p.junkKernelTokens ? `${p.junkKernelTokens} ` : ''}rhgb quiet ${p.usbLine}`;

  add('/etc/qubes-release', `${p.releaseLine}\n`);
  add('/etc/system-release', `${p.releaseLine}\n`);
  add(
    '/etc/os-release',
    `NAME=Qubes\nVERSION="${p.release} (R${p.release})"\nID=qubes\nID_LIKE=fedora\nVERSION_ID=${p.release}\nPRETTY_NAME="Qubes OS ${p.release} (R${p.release})"\nPLATFORM_ID="platform:f${p.fedora}"\n`,
  );
  add('/etc/default/grub', defaultGrub(p, layout));
  add('/etc/fstab', fstab(p, layout));
  add('/etc/hostname', 'dom0\n');
  add(
    '/usr/lib/systemd/system/qubesd.service',
    '[Unit]\nDescription=Qubes OS daemon\nBefore=systemd-user-sessions.service\n\n[Service]\nType=notify\nExecStart=/usr/bin/qubesd\n\n[Install]\nWantedBy=multi-user.target\n',
  );
  add('/etc/systemd/system/multi-user.target.wants/.keep', '');
  add(
    '/etc/systemd/journald.conf',
    '#  This file is part of systemd.\n#\n# See journald.conf(5) for details.\n\n[Journal]\n#Storage=auto\n#Compress=yes\n#SystemMaxUse=\n#RuntimeMaxUse=\n',
  );
  add(
    '/etc/qubes/qmemman.conf',
    '[global]\nvm-min-mem = 200M\ndom0-mem-boost = 350M\ncache-margin-factor = 1.3\nlog-level = 30\n',
  );
  add('/etc/dracut.conf.d/.keep', '');
  // The two that produce this menu are runnable stand-ins (grub-d.ts); the others print nothing here.
  add('/etc/grub.d/00_header', STOCK_00_HEADER, 0o755);
  add('/etc/grub.d/20_linux_xen', STOCK_20_LINUX_XEN, 0o755);
  for (const [name, mode] of [
    ['01_users', 0o755],
    ['08_fallback_counting', 0o755],
    ['10_linux', 0o644],
    ['10_reset_boot_success', 0o755],
    ['12_menu_auto_hide', 0o755],
    ['14_menu_show_once', 0o755],
    ['20_ppc_terminfo', 0o755],
    ['30_os-prober', 0o755],
    ['30_uefi-firmware', 0o755],
    ['41_custom', 0o755],
  ] as const) {
    add(`/etc/grub.d/${name}`, script(name), mode);
  }
  add(
    '/etc/grub.d/40_custom',
    "#!/usr/bin/sh\nexec tail -n +3 $0\n# This file provides an easy way to add custom menu entries.  Simply type the\n# menu entries you want to add after this comment.  Be careful not to change\n# the 'exec tail' line above.\n",
    0o755,
  );
  add(
    '/usr/lib/dracut/dracut.conf.d/01-dist.conf',
    'i18n_vars="/etc/sysconfig/keyboard:KEYTABLE-KEYMAP /etc/sysconfig/i18n:SYSFONT-FONT,FONTACM-FONT_MAP,FONT_UNIMAP"\ni18n_default_font="eurlatgr"\ni18n_install_all="yes"\nstdloglvl=3\nsysloglvl=5\ninstall_optional_items+=" vi /etc/virc ps grep cat rm "\nprefix="/"\nsystemdutildir=/usr/lib/systemd\nsystemdsystemunitdir=/usr/lib/systemd/system\nudevdir=/usr/lib/udev\nhostonly="yes"\nhostonly_cmdline="no"\nearly_microcode="yes"\nreproducible="yes"\n',
  );
  add(
    '/usr/lib/dracut/dracut.conf.d/30-qubes.conf',
    `add_dracutmodules+=" extra-modules "\nomit_dracutmodules+=" network kernel-network-modules "\nsysloglvl=4\n${p.release === '4.2' ? 'add_dracutmodules+=" qubes-pciback "\n' : ''}`,
  );
  for (const mod of [
    '01systemd-ask-password',
    '50plymouth',
    '90crypt',
    '90dm',
    '90dmsquash-live',
    '90extra-modules',
    '90kernel-modules',
    '90lvm',
    '90overlayfs',
    '90qubes-pciback',
    '90qubes-udev',
    '95rootfs-block',
    '98dracut-systemd',
    '98usrmount',
    '99base',
    '99shutdown',
  ]) {
    add(
      `/usr/lib/dracut/modules.d/${mod}/module-setup.sh`,
      `#!/usr/bin/bash\n# (simulated dom0) dracut module ${mod.slice(2)}\ncheck() { return 0; }\n`,
      0o755,
    );
  }
  if (p.zramSwap)
    add(
      '/usr/lib/systemd/zram-generator.conf',
      '# This config file enables a /dev/zram0 device with the default settings\n[zram0]\nzram-size = min(ram, 8192)\n',
    );
  for (const k of p.kernels) {
    add(`/boot/vmlinuz-${k}`, filler(`vmlinuz-${k}`, 96 * 1024), 0o755);
    add(
      `/boot/config-${k}`,
      `# Linux/x86 ${k.split('-')[0]} Kernel Configuration\nCONFIG_XEN=y\nCONFIG_XEN_DOM0=y\nCONFIG_ZRAM=m\nCONFIG_ZRAM_DEF_COMP="lzo-rle"\nCONFIG_OVERLAY_FS=m\nCONFIG_TMPFS=y\nCONFIG_TMPFS_XATTR=y\n`,
    );
    add(`/boot/System.map-${k}`, filler(`System.map-${k}`, 16 * 1024));
    add(`/boot/symvers-${k}.xz`, filler(`symvers-${k}`, 4 * 1024));
  }
  add(`/boot/xen-${p.xen}.gz`, filler(`xen-${p.xen}`, 64 * 1024));
  add(`/boot/xen-${p.xen}.config`, `CONFIG_XEN_SHSTK=y\n`);
  const env = `# GRUB Environment Block\nsaved_entry=xen-gnulinux-simple-${ROOT_UUID}\n`;
  add('/boot/grub2/grubenv', env + '#'.repeat(1024 - env.length));
  add(
    '/boot/efi/EFI/qubes/grub.cfg',
    `search --no-floppy --root-dev-only --fs-uuid --set=dev 5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60\nset prefix=($dev)/grub2\nexport $prefix\nconfigfile $prefix/grub.cfg\n`,
    0o700,
  );
  add('/proc/cmdline', `${cmdline}\n`);
  add(
    '/proc/swaps',
    `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-2                               partition\t8388604\t\t0\t\t-2\n${p.zramSwap ? '/dev/zram0                              partition\t8388604\t\t0\t\t100\n' : ''}`,
  );
  add('/var/lib/qubes/.keep', '');
  add('/usr/sbin/mkfs.xfs', '#!/usr/bin/sh\n# (simulated dom0) stand-in for xfsprogs\n', 0o755);
  add(
    '/usr/bin/qubes-stateless',
    '#!/usr/bin/sh\n# (simulated dom0) stand-in for the packaged qubes-stateless CLI\n',
    0o755,
  );
  // dom0 at its persistent dom0_mem=max:4096M after a few hours: ~1.3 GiB used besides page cache (what
  // qmemman's meminfo-writer computes); the RAM model reads it (electron/core/ram/dom0-memory.ts).
  const meminfo: [string, number][] = [
    ['MemTotal', 3_948_540],
    ['MemFree', 402_112],
    ['MemAvailable', 2_371_880],
    ['Buffers', 61_244],
    ['Cached', 2_104_500],
    ['SwapCached', 0],
    ['Active', 1_503_212],
    ['Inactive', 1_398_784],
    ['Shmem', 71_880],
    ['Slab', 231_400],
    ['SUnreclaim', 98_300],
    ['SwapTotal', p.zramSwap ? 16_777_208 : 8_388_604],
    ['SwapFree', p.zramSwap ? 16_777_208 : 8_388_604],
  ];
  add(
    '/proc/meminfo',
    meminfo.map(([k, v]) => `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB`).join('\n') + '\n',
  );
  // The balloon driver's allocation of dom0 (4095 MiB, as `xl list 0` says): MemTotal plus what the kernel
  // reserved at boot. qmemman's meminfo-writer uses it in place of MemTotal (qubes-linux-utils qmemman/meminfo-writer.c).
  add('/sys/devices/system/xen_memory/xen_memory0/info/current_kb', `${4095 * 1024}\n`);
  // Every program the app runs is there, as on dom0 (doctor checks that they exist; state.missingBinaries only
  // makes running one fail, so a test of a missing program removes its file too).
  for (const bin of new Set(Object.values(BIN))) {
    if (!files.some((f) => f.path === bin))
      add(bin, `#!/usr/bin/sh\n# (simulated dom0) stand-in for ${bin}\n`, 0o755);
  }
  if (newest === undefined) throw new Error('profile without kernels');
  return files;
}
