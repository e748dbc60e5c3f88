// A fake Qubes /boot and /etc for running assets/grub.d/21_qubes_stateless the
// way grub2-mkconfig does, without touching the host's boot files.
//
// Qubes' 20_linux_xen (Fedora's grub2 plus Qubes patches) is not installable
// here, so the stand-in is Debian's /etc/grub.d/20_linux_xen (same GRUB 2.06
// family), adjusted at test time where Fedora/Qubes differ in its output:
//   - titles use GRUB_DISTRIBUTOR alone ("Qubes, with Xen hypervisor"), not
//     "<distributor> GNU/Linux";
//   - no "init=" variants (Debian-only SUPPORTED_INITS);
//   - "insmod multiboot2" before the Xen line (Fedora patch);
//   - /boot and / globs point into the fake tree.
// grub-probe, grub-file and grub-mkrelpath are stubs answering like a Qubes
// box with /boot on /dev/sda1 (ext4, msdos) and / on LVM
// (/dev/mapper/qubes_dom0-root). The driver mimics grub2-mkconfig: it sources
// /etc/default/grub, exports the GRUB_* variables and runs every executable
// /etc/grub.d script in order between "### BEGIN/END" markers.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS } from './harness.js';

export const OUR_SCRIPT = join(ASSETS, 'grub.d', '21_qubes_stateless');
export const STOCK_SOURCE = '/etc/grub.d/20_linux_xen';
export const MKCONFIG_LIB_DIR = '/usr/share/grub';

export const BOOT_UUID = '6f1c2a5e-3b0d-4c1e-9a57-0d2f4e8b9c11';
export const ROOT_UUID = 'a3d9e7b2-55c4-4f0e-8b1a-7c6e2d9f0a42';
export const LUKS_UUID = '3b6f0b8c-9d2e-4a71-b0c5-e8f1d2a3c4b5';

export const QUBES_DEFAULT_GRUB = (root: string): string =>
  [
    'GRUB_TIMEOUT=5',
    // As written by the installer; the path is the fake tree's.
    `GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' ${root}/etc/system-release)"`,
    'GRUB_DEFAULT=saved',
    'GRUB_DISABLE_SUBMENU=false',
    'GRUB_TERMINAL_OUTPUT="console"',
    // 4.2 installer junk tokens ("6.1.62-1.qubes.fc37.x86_64 x86_64") included.
    `GRUB_CMDLINE_LINUX="rd.luks.uuid=luks-${LUKS_UUID} rd.lvm.lv=qubes_dom0/root rd.lvm.lv=qubes_dom0/swap plymouth.ignore-serial-consoles 6.1.62-1.qubes.fc37.x86_64 x86_64 rhgb quiet"`,
    'GRUB_DISABLE_RECOVERY="true"',
    'GRUB_THEME="/boot/grub2/themes/qubes/theme.txt"',
    'GRUB_CMDLINE_XEN_DEFAULT="console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096"',
    'GRUB_DISABLE_OS_PROBER="true"',
    // Appended by the sys-usb Salt state.
    'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX rd.qubes.hide_all_usb"',
    '',
  ].join('\n');

export const GOOD_CONF = [
  '# qubes-stateless GRUB entries (written by qubes-stateless)',
  'QS_MODES="overlay zram tmpfs"                 # space-separated subset of: overlay zram tmpfs; one entry each',
  'QS_DOM0_MEM_MAX_MIB="12288"',
  'QS_LINUX_ARGS="rd.qubes.stateless.comp=zstd rd.qubes.stateless.prompt=10 init_on_free=1"',
  '',
].join('\n');

export interface FakeBoot {
  readonly root: string;
  readonly grubd: string;
  readonly stubs: string;
  readonly conf: string;
}

const KERNELS = ['6.1.75-1.qubes.fc37.x86_64', '6.6.63-1.qubes.fc37.x86_64'];

export function addKernel(fb: FakeBoot, kver: string, xenDom0 = true): void {
  const boot = join(fb.root, 'boot');
  writeFileSync(join(boot, `vmlinuz-${kver}`), `fake kernel ${kver}\n`);
  writeFileSync(join(boot, `System.map-${kver}`), '');
  writeFileSync(
    join(boot, `config-${kver}`),
    [
      'CONFIG_X86_64=y',
      xenDom0 ? 'CONFIG_XEN_DOM0=y' : '# CONFIG_XEN_DOM0 is not set',
      'CONFIG_ZRAM=m',
      '',
    ].join('\n'),
  );
  writeFileSync(join(boot, `initramfs-${kver}.img`), `fake initramfs ${kver}\n`);
}

/** Builds the fake tree under dir (wiped first). */
export function makeFakeBoot(
  dir: string,
  opts: { withOurs: boolean; conf?: string | null } = { withOurs: true },
): FakeBoot {
  rmSync(dir, { recursive: true, force: true });
  const root = join(dir, 'root');
  const grubd = join(root, 'etc', 'grub.d');
  const stubs = join(dir, 'stubs');
  for (const d of [
    join(root, 'boot', 'grub2', 'themes', 'qubes'),
    join(root, 'boot', 'efi', 'EFI', 'qubes'),
    grubd,
    join(root, 'etc', 'default'),
    join(root, 'etc', 'qubes-stateless'),
    stubs,
  ]) {
    mkdirSync(d, { recursive: true });
  }
  const boot = join(root, 'boot');
  writeFileSync(join(boot, 'xen-4.17.4.gz'), 'fake xen 4.17.4\n');
  writeFileSync(join(boot, 'xen-4.17.5.gz'), 'fake xen 4.17.5\n');
  writeFileSync(join(boot, 'xen-4.17.5.config'), 'CONFIG_XEN=y\n');
  for (const k of KERNELS) addKernel({ root, grubd, stubs, conf: '' }, k);
  // A rescue kernel without a Xen dom0 config: the stock script skips it.
  writeFileSync(join(boot, 'vmlinuz-0-rescue-0123456789abcdef0123456789abcdef'), 'rescue\n');
  writeFileSync(join(boot, 'initramfs-0-rescue-0123456789abcdef0123456789abcdef.img'), 'rescue\n');
  writeFileSync(join(root, 'etc', 'system-release'), 'Qubes release 4.2.4 (R4.2)\n');
  writeFileSync(join(root, 'etc', 'default', 'grub'), QUBES_DEFAULT_GRUB(root));

  writeFileSync(join(grubd, '20_linux_xen'), standIn20LinuxXen(root));
  chmodSync(join(grubd, '20_linux_xen'), 0o755);
  // Present but not executable, as on Qubes (the dom0 package chmod -x's it).
  writeFileSync(join(grubd, '10_linux'), '#!/bin/sh\necho "menuentry 10_linux-must-not-run {"\necho "}"\n');
  chmodSync(join(grubd, '10_linux'), 0o644);
  if (opts.withOurs) {
    copyFileSync(OUR_SCRIPT, join(grubd, '21_qubes_stateless'));
    chmodSync(join(grubd, '21_qubes_stateless'), 0o755);
  }
  const conf = join(root, 'etc', 'qubes-stateless', 'grub.conf');
  if (opts.conf !== null) writeFileSync(conf, opts.conf ?? GOOD_CONF);

  writeStub(
    join(stubs, 'grub-probe'),
    `#!/bin/sh
# grub-probe stub: /boot on /dev/sda1 (ext4, msdos), / on LVM.
dev= target=
for a in "$@"; do
  case $a in
    --target=*) target=\${a#--target=} ;;
    --device) ;;
    -*) ;;
    *) dev=$a ;;
  esac
done
case $target in
  partmap) [ "$dev" = /dev/sda1 ] && echo msdos ;;
  abstraction) case $dev in /dev/mapper/*) echo lvm ;; esac ;;
  fs) echo ext2 ;;
  fs_uuid) case $dev in /dev/sda1) echo ${BOOT_UUID} ;; *) echo ${ROOT_UUID} ;; esac ;;
  compatibility_hint) echo 'hd0,msdos1' ;;
  hints_string) echo '--hint-bios=hd0,msdos1 --hint-efi=hd0,msdos1 --hint-baremetal=ahci0,msdos1' ;;
  cryptodisk_uuid) ;;
  drive) echo '(hd0,msdos1)' ;;
  *) echo "grub-probe stub: unknown target $target" >&2; exit 1 ;;
esac
`,
  );
  writeStub(
    join(stubs, 'grub-file'),
    `#!/bin/sh
# grub-file stub: every Xen is multiboot2 on x86.
case $1 in --is-x86-multiboot2) exit 0 ;; *) exit 1 ;; esac
`,
  );
  writeStub(
    join(stubs, 'grub-mkrelpath'),
    `#!/bin/sh
# grub-mkrelpath stub: /boot is its own filesystem.
case $1 in
  ${root}/boot) echo '' ;;
  ${root}/boot/*) echo "\${1#${root}/boot}" ;;
  /) echo / ;;
  *) echo "$1" ;;
esac
`,
  );
  return { root, grubd, stubs, conf };
}

function writeStub(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Debian's 20_linux_xen, adjusted to produce Qubes-shaped output from the fake tree. */
export function standIn20LinuxXen(root: string): string {
  if (!existsSync(STOCK_SOURCE)) {
    throw new Error(`${STOCK_SOURCE} missing (Debian: apt-get install grub-common grub2-common)`);
  }
  const src = readFileSync(STOCK_SOURCE, 'utf8');
  const edits: Array<[RegExp, string]> = [
    [/OS="\$\{GRUB_DISTRIBUTOR\} GNU\/Linux"/, 'OS="${GRUB_DISTRIBUTOR}"'],
    [/^SUPPORTED_INITS=.*$/m, 'SUPPORTED_INITS=""'],
    [/^(\t\$\{xen_loader\}\t)/m, '\tinsmod ${xen_loader}\n$1'],
    [
      /for i in \/boot\/vmlinu\[xz\]-\* \/vmlinu\[xz\]-\* \/boot\/kernel-\*; do/,
      `for i in ${root}/boot/vmlinu[xz]-* ${root}/vmlinu[xz]-* ${root}/boot/kernel-*; do`,
    ],
    [/for i in \/boot\/xen\*; do/, `for i in ${root}/boot/xen*; do`],
  ];
  let out = src;
  for (const [re, rep] of edits) {
    if (!re.test(out)) throw new Error(`stand-in: ${STOCK_SOURCE} no longer matches ${String(re)}`);
    out = out.replace(re, rep);
  }
  return out;
}

export interface MkconfigResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  /** Output of each grub.d script, by file name. */
  readonly sections: ReadonlyMap<string, string>;
}

/** Runs every executable script of the fake /etc/grub.d as grub2-mkconfig does. */
export function runFakeMkconfig(fb: FakeBoot, extraDefaults = ''): MkconfigResult {
  const driver = `
set -e
. "$QS_ROOT/etc/default/grub"
${extraDefaults}
export GRUB_DEVICE=/dev/mapper/qubes_dom0-root GRUB_DEVICE_UUID=${ROOT_UUID} GRUB_DEVICE_PARTUUID=
export GRUB_DEVICE_BOOT=/dev/sda1 GRUB_DEVICE_BOOT_UUID=${BOOT_UUID} GRUB_FS=ext2
export GRUB_DEFAULT GRUB_TIMEOUT GRUB_DISTRIBUTOR GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT
export GRUB_CMDLINE_XEN GRUB_CMDLINE_XEN_DEFAULT GRUB_CMDLINE_LINUX_XEN_REPLACE GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT
export GRUB_DISABLE_SUBMENU GRUB_DISABLE_RECOVERY GRUB_TERMINAL_OUTPUT GRUB_THEME GRUB_DISABLE_OS_PROBER
export GRUB_SAVEDEFAULT GRUB_ENABLE_BLSCFG GRUB_ACTUAL_DEFAULT GRUB_EARLY_INITRD_LINUX_STOCK GRUB_EARLY_INITRD_LINUX_CUSTOM
export pkgdatadir=${MKCONFIG_LIB_DIR} grub_probe="$QS_STUBS/grub-probe" grub_file="$QS_STUBS/grub-file" grub_mkrelpath="$QS_STUBS/grub-mkrelpath"
export QUBES_STATELESS_GRUB_CONF="$QS_ROOT/etc/qubes-stateless/grub.conf"
for i in "$QS_ROOT"/etc/grub.d/*; do
  case "$i" in *~|*/\\#*\\#|*.rpmsave|*.rpmnew|*.rpmorig) continue ;; esac
  if [ -x "$i" ] && [ -f "$i" ]; then
    echo
    echo "### BEGIN $(basename "$i") ###"
    "$i"
    echo "### END $(basename "$i") ###"
  fi
done
`;
  const r = spawnSync('sh', ['-c', driver], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C',
      QS_ROOT: fb.root,
      QS_STUBS: fb.stubs,
    },
  });
  const sections = new Map<string, string>();
  for (const m of r.stdout.matchAll(/### BEGIN (\S+) ###\n([\s\S]*?)### END \1 ###/g)) {
    sections.set(m[1] ?? '', m[2] ?? '');
  }
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1, sections };
}

/** grub-script-check (or grub2-script-check) on a text; returns [ok, message]. */
export function grubScriptCheck(text: string, tmpFile: string): [boolean, string] {
  writeFileSync(tmpFile, text);
  const tool = ['grub2-script-check', 'grub-script-check'].find(
    (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0,
  );
  if (!tool) throw new Error('grub-script-check missing (Debian: apt-get install grub-common)');
  const r = spawnSync(tool, [tmpFile], { encoding: 'utf8' });
  return [r.status === 0, `${r.stdout}${r.stderr}`];
}

/** Every $menuentry_id_option id in a config. */
export function menuIds(cfg: string): string[] {
  return [...cfg.matchAll(/\$menuentry_id_option '([^']+)'/g)].map((m) => m[1] ?? '');
}
