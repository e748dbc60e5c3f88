// The real boot chain for the VM boot tests: a Qubes-layout disk (GPT: BIOS
// boot, ESP, /boot, LUKS2 -> LVM VG qubes_dom0 with a thin pool, the root thin
// LV and a swap LV), GRUB (BIOS core.img in the BIOS boot partition, UEFI
// BOOTX64.EFI on the ESP) reading a grub.cfg made by the real grub-mkconfig
// with the stock 20_linux_xen and our 21_qubes_stateless, Debian's Xen 4.17, a
// Debian dom0 kernel, and a systemd dracut initramfs with crypt, lvm and our
// module. Booted under QEMU/TCG with SeaBIOS or OVMF; entries are picked from
// the menu on the serial console.
//
// The host kernel has no device-mapper and no partition scanning on loop
// devices, so:
//   - the LUKS/LVM part is written by a provisioning VM (a dracut initramfs of
//     its own, e2e/boot/provision/99qsprovision) into a file that becomes the
//     fourth partition;
//   - the other partitions are built as files (mkfs.ext4 -d, mkfs.vfat +
//     mtools) and placed at their GPT offsets; GRUB is put in place the way
//     grub-install/grub-bios-setup do it (grub-mkimage; boot.img patched with
//     core.img's sector, core.img's blocklist patched);
//   - grub-mkconfig runs in a private mount namespace (unshare -m) whose /etc
//     and /boot are the test disk's; only grub-probe is a stand-in, answering
//     for the test disk's devices, which this host cannot see.
// Built images are cached under .cache/boot/chain by the hash of their inputs.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CACHE,
  DEFAULT_KERNEL_SERIES,
  REPO_ROOT,
  boot,
  buildInitramfs,
  findKernel,
  installHostBinary,
  makeTestRoot,
  qemuBaseArgs,
  run,
  runQemu,
  type GuestReport,
  type KernelInfo,
} from './harness.js';
import { OUR_SCRIPT } from './grub-fixture.js';

export const CHAIN = join(CACHE, 'chain');
const PROVISION_MODULE = join(REPO_ROOT, 'e2e', 'boot', 'provision', '99qsprovision');

export const CHAIN_TOOLS = [
  'qemu-system-x86_64',
  'grub-mkconfig',
  'grub-mkimage',
  'sgdisk',
  'mkfs.vfat',
  'mcopy',
  'mmd',
  'unshare',
  'cryptsetup',
  'lvm',
  'thin_check',
  'mkswap',
  'debugfs',
];

// Fixed identities, so the generated grub.cfg (root=, search --fs-uuid,
// rd.luks.uuid=) is the same on every build.
export const IDS = {
  bootUuid: '5d0c8f3a-1e2b-4c7d-9a61-2f4b8e0c3d71',
  rootUuid: '9b2e6c4f-7a1d-4e3b-8c5f-0d6a1b2c3e4f',
  luksUuid: 'c1f4a2b3-6d5e-4f70-8a9b-1c2d3e4f5a6b',
  swapUuid: '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d',
  espVolId: 'A1B2C3D4',
  diskGuid: '7e3c2b1a-0f9d-4c8b-a7e6-d5c4b3a2f1e0',
} as const;
const ESP_FS_UUID = `${IDS.espVolId.slice(0, 4)}-${IDS.espVolId.slice(4)}`;
const LUKS_KEY = 'qubes-stateless-test-key-not-a-secret\n';
const KEY_IN_INITRD = '/etc/qs-luks.key';

// Sizes in MiB. The LUKS partition: 16 MiB LUKS2 header, the PV, a 160 MiB
// thin pool holding a 128 MiB root, a 16 MiB swap.
const MIB = 1024 * 1024;
export const LAYOUT = [
  { name: 'bios-boot', startMiB: 1, sizeMiB: 1, type: 'EF02', guid: '11111111-2222-4333-8444-000000000001' },
  { name: 'esp', startMiB: 2, sizeMiB: 32, type: 'EF00', guid: '11111111-2222-4333-8444-000000000002' },
  { name: 'boot', startMiB: 34, sizeMiB: 96, type: '8300', guid: '11111111-2222-4333-8444-000000000003' },
  { name: 'luks', startMiB: 130, sizeMiB: 240, type: '8300', guid: '11111111-2222-4333-8444-000000000004' },
] as const;
export type PartName = (typeof LAYOUT)[number]['name'];
const DISK_MIB = 372; // last partition ends at 370 MiB; room for the backup GPT
const ROOT_FS_MIB = 112;

/** As the Qubes installer writes them (qubes-anaconda release4.2/4.3 patch 0021: ",discard" for ext4/vfat;
 *  ",x-systemd.device-timeout=0" for encrypted devices; the ESP's umask=0077,shortname=winnt are blivet's). */
export const QUBES_FSTAB = [
  '# /etc/fstab, as the Qubes installer writes it (test disk)',
  '/dev/mapper/qubes_dom0-root /                       ext4    defaults,x-systemd.device-timeout=0,discard        1 1',
  `UUID=${IDS.bootUuid} /boot                   ext4    defaults,discard        1 2`,
  `UUID=${ESP_FS_UUID}          /boot/efi               vfat    umask=0077,shortname=winnt,discard 0 2`,
  '/dev/mapper/qubes_dom0-swap none                    swap    defaults,x-systemd.device-timeout=0        0 0',
];
export const QUBES_CRYPTTAB = `luks-${IDS.luksUuid} UUID=${IDS.luksUuid} none discard\n`;

/**
 * /etc/default/grub as the Qubes installer writes it on a machine with a serial console
 * (qubes-facts §1.1: GRUB_TERMINAL="serial console" plus GRUB_SERIAL_COMMAND instead of
 * GRUB_TERMINAL_OUTPUT), with the layout's rd.luks.uuid/rd.lvm.lv words. Test-only changes, each needed to
 * run it here: Xen's console=none becomes com1 (the only console of the VM), and the Linux line gets
 * console=hvc0, the key file, the ESP's filesystem drivers loaded in the initramfs (the busybox test root has
 * no /lib/modules for "mount -a" to load them from), a device timeout long enough for emulation on a busy host, words that
 * end a failed boot at once, and systemd.show_status=1: "quiet" is kept, and without this word it hides the unit
 * status lines, among them the initramfs' systemd-fsck units', by which the tests see whether fsck ran.
 * "rhgb" is left out (no plymouth in the test initramfs).
 */
export function qubesDefaultGrub(): string {
  return [
    'GRUB_TIMEOUT=5',
    `GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"`,
    'GRUB_DEFAULT=saved',
    'GRUB_DISABLE_SUBMENU=false',
    'GRUB_TERMINAL="serial console"',
    'GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"',
    `GRUB_CMDLINE_LINUX="rd.luks.uuid=luks-${IDS.luksUuid} rd.lvm.lv=qubes_dom0/root rd.lvm.lv=qubes_dom0/swap plymouth.ignore-serial-consoles quiet console=hvc0 rd.luks.key=${KEY_IN_INITRD} rd.driver.pre=vfat,nls_cp437,nls_ascii,nls_utf8 systemd.default_device_timeout_sec=1200 panic=-1 rd.shell=0 rd.emergency=poweroff systemd.show_status=1"`,
    'GRUB_DISABLE_RECOVERY="true"',
    'GRUB_THEME="/boot/grub2/themes/qubes/theme.txt"',
    'GRUB_CMDLINE_XEN_DEFAULT="console=com1 com1=115200,8n1 dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096"',
    'GRUB_DISABLE_OS_PROBER="true"',
    '',
  ].join('\n');
}

export const STATELESS_DOM0_MEM_MIB = 1536;

/** /etc/qubes-stateless/grub.conf as the app writes it. */
export function statelessGrubConf(modes: string, linuxArgs = ''): string {
  return [
    '# qubes-stateless GRUB entries (written by qubes-stateless)',
    `QS_MODES="${modes}"`,
    `QS_DOM0_MEM_MAX_MIB="${STATELESS_DOM0_MEM_MIB}"`,
    ...(linuxArgs ? [`QS_LINUX_ARGS="${linuxArgs}"`] : []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- small helpers

function hashOf(...parts: Array<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      h.update(`${p.slice(dir.length)}\0${st.mode}\0`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 16);
}

function writeAt(file: string, offset: number, data: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, data, 0, data.length, offset);
  } finally {
    closeSync(fd);
  }
}

function readAt(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(length);
    readSync(fd, b, 0, length, offset);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** An ext4 image of a directory tree (mkfs.ext4 -d), with the label and UUID the disk's fstab names. */
function mkfsExt4From(tree: string, img: string, fs: { label: string; uuid: string; sizeMiB: number }): void {
  run('mkfs.ext4', [
    '-q',
    '-F',
    '-b',
    '4096',
    '-L',
    fs.label,
    '-U',
    fs.uuid,
    '-d',
    tree,
    img,
    `${fs.sizeMiB}M`,
  ]);
}
function ddInto(image: string, disk: string, offsetMiB: number): void {
  run('dd', [
    `if=${image}`,
    `of=${disk}`,
    'bs=1M',
    `seek=${offsetMiB}`,
    'conv=notrunc,sparse',
    'status=none',
  ]);
}

/** A partition of a disk image, copied out (for debugfs). */
export function extractPartition(disk: string, part: PartName, out: string): string {
  const p = LAYOUT.find((x) => x.name === part)!;
  run('dd', [`if=${disk}`, `of=${out}`, 'bs=1M', `skip=${p.startMiB}`, `count=${p.sizeMiB}`, 'status=none']);
  return out;
}

/** SHA-256 of every partition, of the GPT areas and of the whole disk. */
export async function partitionHashes(disk: string): Promise<Record<string, string>> {
  const hashRange = (start: number, end: number): Promise<string> =>
    new Promise((res, rej) => {
      const h = createHash('sha256');
      createReadStream(disk, { start, end: end - 1 })
        .on('data', (d) => h.update(d))
        .on('end', () => res(h.digest('hex')))
        .on('error', rej);
    });
  const out: Record<string, string> = {};
  out['mbr+gpt'] = await hashRange(0, MIB);
  for (const p of LAYOUT) out[p.name] = await hashRange(p.startMiB * MIB, (p.startMiB + p.sizeMiB) * MIB);
  out['backup-gpt'] = await hashRange((DISK_MIB - 2) * MIB, DISK_MIB * MIB);
  return out;
}

// ---------------------------------------------------------------- the root filesystem

/** Stand-ins for dom0's update tools: they write into /boot as a kernel update would. */
const FAKE_UPDATE = `#!/bin/sh
echo "fake update: installing kernel 9.9.9 into /boot"
echo fake-kernel >/boot/vmlinuz-9.9.9-fake-update && sync
`;

/** The test root: a busybox root with the attribute fixtures and Qubes' /etc files. */
export function makeChainRoot(dir: string): void {
  makeTestRoot(dir, { fixtures: true, fstab: [] });
  writeFileSync(join(dir, 'etc', 'fstab'), QUBES_FSTAB.join('\n') + '\n');
  writeFileSync(join(dir, 'etc', 'crypttab'), QUBES_CRYPTTAB);
  mkdirSync(join(dir, 'etc', 'default'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'default', 'grub'), qubesDefaultGrub());
  writeFileSync(join(dir, 'etc', 'system-release'), 'Qubes release 4.3.0 (R4.3)\n');
  for (const d of ['boot', 'boot/efi']) mkdirSync(join(dir, d), { recursive: true });
  // The test knobs of e2e/boot/guest/init.sh for every boot of this root: report whether the marker
  // of an earlier persistent boot is there, write it (RAM or disk), then "mount -a" and try to write
  // into /boot and to update, as an update would.
  writeFileSync(
    join(dir, 'etc', 'qstest.words'),
    'qstest.expect=chain-marker qstest.write=chain-marker qstest.mounta\n',
  );
  for (const t of ['qubes-dom0-update', 'dnf']) {
    writeFileSync(join(dir, 'usr', 'bin', t), FAKE_UPDATE);
    chmodSync(join(dir, 'usr', 'bin', t), 0o755);
  }
  // util-linux mount (fstab's x-systemd.* options, UUID= through libblkid) for "mount -a".
  for (const b of ['/usr/bin/mount', '/usr/bin/umount']) {
    installHostBinary(dir, b);
    rmSync(join(dir, 'bin', b.slice('/usr/bin/'.length)), { force: true });
  }
}

// ---------------------------------------------------------------- provisioning (LUKS + LVM)

/** The LUKS2 partition image (LVM inside, root LV holding the test root), made by a provisioning VM. */
export async function buildLuksPartition(): Promise<string> {
  // Its content does not depend on the dom0 kernel: one provisioning kernel for every disk.
  const kernel = findKernel(DEFAULT_KERNEL_SERIES);
  mkdirSync(CHAIN, { recursive: true });
  const rootDir = join(CHAIN, 'root-tree');
  makeChainRoot(rootDir);
  const key = join(CHAIN, 'luks.key');
  writeFileSync(key, LUKS_KEY);
  const id = hashOf(
    'luks-v1',
    kernel.kver,
    treeHash(rootDir),
    treeHash(PROVISION_MODULE),
    JSON.stringify(IDS),
    String(ROOT_FS_MIB),
  );
  const out = join(CHAIN, `luks-${id}.img`);
  if (existsSync(out)) return out;

  const rootImg = join(CHAIN, 'root-fs.img');
  rmSync(rootImg, { force: true });
  mkfsExt4From(rootDir, rootImg, { label: 'qubes-root', uuid: IDS.rootUuid, sizeMiB: ROOT_FS_MIB });
  const initrd = buildInitramfs({
    flavour: 'minimal',
    kernel,
    withoutModule: true,
    extraModuleDirs: [PROVISION_MODULE],
    addModules: ['qsprovision', 'dm'],
    include: [[key, KEY_IN_INITRD]],
  });
  const tmp = `${out}.tmp`;
  rmSync(tmp, { force: true });
  run('truncate', ['-s', `${LAYOUT[3].sizeMiB}M`, tmp]);
  const r = await boot({
    name: 'chain-provision',
    initrd,
    kernel,
    disks: [tmp, rootImg],
    memMiB: 1024,
    append: [
      'root=/dev/vdb rd.luks=0 rd.lvm=0 rd.md=0 rd.dm=0',
      `qsprov.luks=${IDS.luksUuid} qsprov.swap=${IDS.swapUuid} qsprov.pool=160 qsprov.root=128`,
    ].join(' '),
    timeoutMs: 1_200_000,
  });
  if (!r.serial.includes('QSP:done')) {
    const fail = r.serial
      .split('\n')
      .filter((l) => l.includes('QSP:'))
      .slice(-3)
      .join('\n');
    throw new Error(`provisioning VM failed (see ${r.logFile}):\n${fail}`);
  }
  run('mv', ['-f', tmp, out]);
  rmSync(rootImg, { force: true });
  return out;
}

// ---------------------------------------------------------------- GRUB

const GRUB_CORE_MODULES = [
  'part_gpt',
  'ext2',
  'fat',
  'gzio',
  'multiboot2',
  'search',
  'search_fs_uuid',
  'normal',
  'configfile',
  'serial',
  'terminal',
];

/** The early config of both GRUB images: find /boot by its UUID, as Qubes' ESP stub does. */
function earlyConfig(): string {
  return `search --no-floppy --fs-uuid --set=root ${IDS.bootUuid}\nset prefix=($root)/grub2\n`;
}

function grubImages(work: string): { core: string; efi: string } {
  const early = join(work, 'early.cfg');
  writeFileSync(early, earlyConfig());
  const core = join(work, 'core.img');
  run('grub-mkimage', [
    '-O',
    'i386-pc',
    '-o',
    core,
    '-c',
    early,
    '-p',
    '/grub2',
    'biosdisk',
    ...GRUB_CORE_MODULES,
  ]);
  const efi = join(work, 'BOOTX64.EFI');
  run('grub-mkimage', ['-O', 'x86_64-efi', '-o', efi, '-c', early, '-p', '/grub2', ...GRUB_CORE_MODULES]);
  return { core, efi };
}

/**
 * What grub-bios-setup does for a GPT disk: boot.img's code into the MBR (the
 * protective partition table stays), told where core.img starts; core.img into
 * the BIOS boot partition, its first sector's blocklist pointing at the rest.
 * Offsets: GRUB 2.06 include/grub/i386/pc/boot.h and util/setup.c.
 */
function installBiosGrub(disk: string, coreImg: string): void {
  const bootImg = readFileSync('/usr/lib/grub/i386-pc/boot.img');
  const core = readFileSync(coreImg);
  const biosPart = LAYOUT[0];
  const coreSector = (biosPart.startMiB * MIB) / 512;
  if (core.length > biosPart.sizeMiB * MIB) throw new Error('core.img does not fit the BIOS boot partition');
  const mbr = readAt(disk, 0, 512);
  bootImg.copy(mbr, 0, 0, 0x1b8); // code and BPB up to the disk signature; partition table kept
  mbr.writeBigUInt64LE(BigInt(coreSector), 0x5c); // GRUB_BOOT_MACHINE_KERNEL_SECTOR
  mbr[0x64] = 0xff; // GRUB_BOOT_MACHINE_BOOT_DRIVE: the drive the BIOS booted from
  mbr[0x66] = 0x90; // GRUB_BOOT_MACHINE_DRIVE_CHECK: nop the floppy check on hard disks
  mbr[0x67] = 0x90;
  const sectors = Math.ceil(core.length / 512);
  const padded = Buffer.alloc(sectors * 512);
  core.copy(padded);
  // diskboot.img's blocklist: the last 12 bytes of core.img's first sector.
  padded.writeBigUInt64LE(BigInt(coreSector + 1), 0x1f4);
  padded.writeUInt16LE(sectors - 1, 0x1fc);
  padded.writeUInt16LE(0x820, 0x1fe);
  writeAt(disk, 0, mbr);
  writeAt(disk, coreSector * 512, padded);
}

// ---------------------------------------------------------------- grub-mkconfig

/** A grub-probe that answers for the test disk (the host cannot see its devices). */
function grubProbeStandIn(): string {
  return `#!/bin/sh
# grub-probe stand-in: / is the root LV (LUKS + LVM), /boot is the test disk's third partition.
dev= target=
for a in "$@"; do
  case $a in
    --target=*) target=\${a#--target=} ;;
    --device|-d) ;;
    -*) ;;
    *) dev=$a ;;
  esac
done
case $dev in
  /) dev=/dev/mapper/qubes_dom0-root ;;
  /boot|/boot/*) dev=/dev/vda3 ;;
esac
case $target in
  device) echo "$dev" ;;
  fs) echo ext2 ;;
  fs_uuid) case $dev in /dev/vda3) echo ${IDS.bootUuid} ;; *) echo ${IDS.rootUuid} ;; esac ;;
  partuuid) ;;
  partmap) [ "$dev" = /dev/vda3 ] && echo gpt ;;
  abstraction) case $dev in /dev/mapper/*) echo lvm ;; esac ;;
  cryptodisk_uuid) ;;
  compatibility_hint) echo 'hd0,gpt3' ;;
  hints_string) echo '--hint-bios=hd0,gpt3 --hint-efi=hd0,gpt3 --hint-baremetal=ahci0,gpt3' ;;
  drive) echo '(hd0,gpt3)' ;;
  *) echo "grub-probe stand-in: unknown target $target" >&2; exit 1 ;;
esac
`;
}

/**
 * Runs the real /usr/sbin/grub-mkconfig in a private mount namespace whose /etc holds the test disk's
 * /etc/default/grub, /etc/system-release, /etc/grub.d (the stock 00_header and 20_linux_xen, our
 * 21_qubes_stateless) and /etc/qubes-stateless/grub.conf, and whose /boot is a copy of the test /boot.
 */
export function grubMkconfig(bootTree: string, grubConf: string, work: string): string {
  const etc = join(work, 'etc');
  rmSync(etc, { recursive: true, force: true });
  mkdirSync(join(etc, 'default'), { recursive: true });
  mkdirSync(join(etc, 'grub.d'));
  mkdirSync(join(etc, 'qubes-stateless'));
  writeFileSync(join(etc, 'default', 'grub'), qubesDefaultGrub());
  writeFileSync(join(etc, 'system-release'), 'Qubes release 4.3.0 (R4.3)\n');
  writeFileSync(join(etc, 'qubes-stateless', 'grub.conf'), grubConf);
  for (const s of ['00_header', '20_linux_xen']) copyFileSync(join('/etc/grub.d', s), join(etc, 'grub.d', s));
  copyFileSync(OUR_SCRIPT, join(etc, 'grub.d', '21_qubes_stateless'));
  for (const s of readdirSync(join(etc, 'grub.d'))) chmodSync(join(etc, 'grub.d', s), 0o755);
  copyFileSync('/etc/ld.so.cache', join(etc, 'ld.so.cache'));
  const probe = join(work, 'grub-probe');
  writeFileSync(probe, grubProbeStandIn());
  chmodSync(probe, 0o755);
  const out = join(work, 'grub.cfg');
  const script = `
set -e
mount --make-rprivate /
mount -t tmpfs qs-etc /etc && cp -a "$QS_ETC"/. /etc/
mount -t tmpfs qs-boot /boot && cp -a "$QS_BOOT"/. /boot/
mount --bind "$QS_PROBE" /usr/sbin/grub-probe
grub-mkconfig -o /boot/grub2/grub.cfg
cp /boot/grub2/grub.cfg "$QS_OUT"
`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], {
    encoding: 'utf8',
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: 'C',
      QS_ETC: etc,
      QS_BOOT: bootTree,
      QS_PROBE: probe,
      QS_OUT: out,
    },
  });
  if (r.status !== 0)
    throw new Error(`grub-mkconfig failed (${String(r.status)}):\n${r.stderr}\n${r.stdout}`);
  writeFileSync(join(work, 'grub-mkconfig.log'), r.stderr);
  return readFileSync(out, 'utf8');
}

/** Top-level menu titles of a grub.cfg in menu order (entries and submenus). */
export function menuTitles(cfg: string): string[] {
  return [...cfg.matchAll(/^(?:menuentry|submenu) '([^']+)'/gm)].map((m) => m[1] ?? '');
}

// ---------------------------------------------------------------- the disk

export interface ChainDiskOptions {
  readonly kernel: KernelInfo;
  /** /etc/qubes-stateless/grub.conf for the menu. */
  readonly grubConf: string;
  /** grubenv's saved_entry (the app's "prompt" selection makes the stateless entry the default). */
  readonly savedEntry?: string;
  /** Our module's directory (default: the real one). */
  readonly moduleDir?: string;
}

export interface ChainDisk {
  readonly image: string;
  readonly grubCfg: string;
  readonly titles: readonly string[];
  readonly initrd: string;
}

/** Builds (or takes from the cache) a bootable Qubes-layout disk image. */
export async function buildChainDisk(opts: ChainDiskOptions): Promise<ChainDisk> {
  const { kernel } = opts;
  const luks = await buildLuksPartition();
  const key = join(CHAIN, 'luks.key');
  const initrd = buildInitramfs({
    flavour: 'systemd',
    kernel,
    moduleDir: opts.moduleDir,
    addModules: ['crypt', 'lvm', 'dm'],
    drivers: ['dm_crypt', 'dm_thin_pool', 'vfat', 'nls_cp437', 'nls_ascii', 'nls_utf8'],
    include: [[key, KEY_IN_INITRD]],
  });
  const xen = '/boot/xen-4.17-amd64.gz';
  const id = hashOf(
    'disk-v1',
    luks,
    initrd,
    kernel.kver,
    opts.grubConf,
    opts.savedEntry ?? '',
    qubesDefaultGrub(),
    readFileSync(OUR_SCRIPT),
    readFileSync('/etc/grub.d/20_linux_xen'),
    readFileSync('/etc/grub.d/00_header'),
    String(statSync(xen).mtimeMs),
    readFileSync(import.meta.filename),
  );
  const dir = join(CHAIN, `disk-${id}`);
  const image = join(dir, 'disk.img');
  if (existsSync(join(dir, 'done'))) {
    const grubCfg = readFileSync(join(dir, 'grub.cfg'), 'utf8');
    return { image, grubCfg, titles: menuTitles(grubCfg), initrd };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(CHAIN, 'work-'));
  try {
    // /boot as Qubes has it: kernel, its config, initramfs-KVER.img, Xen and its config, GRUB's modules.
    const bootTree = join(work, 'boot');
    mkdirSync(join(bootTree, 'grub2'), { recursive: true });
    mkdirSync(join(bootTree, 'efi')); // the ESP's mount point
    copyFileSync(kernel.vmlinuz, join(bootTree, `vmlinuz-${kernel.kver}`));
    copyFileSync(`/boot/config-${kernel.kver}`, join(bootTree, `config-${kernel.kver}`));
    // zstd-compressed like Fedora's: a third of the bytes for GRUB to read through the emulated firmware.
    run('zstd', ['-q', '-3', '-T0', '-f', initrd, '-o', join(bootTree, `initramfs-${kernel.kver}.img`)]);
    copyFileSync(xen, join(bootTree, 'xen-4.17-amd64.gz'));
    copyFileSync('/boot/xen-4.17-amd64.config', join(bootTree, 'xen-4.17-amd64.config'));
    for (const plat of ['i386-pc', 'x86_64-efi']) {
      run('cp', ['-a', join('/usr/lib/grub', plat), join(bootTree, 'grub2', plat)]);
    }
    const grubCfg = grubMkconfig(bootTree, opts.grubConf, work);
    writeFileSync(join(bootTree, 'grub2', 'grub.cfg'), grubCfg);
    if (opts.savedEntry) {
      run('grub-editenv', [join(bootTree, 'grub2', 'grubenv'), 'set', `saved_entry=${opts.savedEntry}`]);
    }
    const bootImg = join(work, 'boot.img');
    mkfsExt4From(bootTree, bootImg, { label: 'boot', uuid: IDS.bootUuid, sizeMiB: LAYOUT[2].sizeMiB });

    const { core, efi } = grubImages(work);
    const espImg = join(work, 'esp.img');
    run('mkfs.vfat', ['-C', '-n', 'EFI', '-i', IDS.espVolId, espImg, String(LAYOUT[1].sizeMiB * 1024)]);
    run('mmd', ['-i', espImg, '::/EFI', '::/EFI/BOOT']);
    run('mcopy', ['-i', espImg, efi, '::/EFI/BOOT/BOOTX64.EFI']);

    const tmp = join(dir, 'disk.img.tmp');
    run('truncate', ['-s', `${DISK_MIB}M`, tmp]);
    const sg = ['-o', '-U', IDS.diskGuid];
    LAYOUT.forEach((p, i) => {
      const n = i + 1;
      const first = (p.startMiB * MIB) / 512;
      const last = ((p.startMiB + p.sizeMiB) * MIB) / 512 - 1;
      sg.push(`-n${n}:${first}:${last}`, `-t${n}:${p.type}`, `-u${n}:${p.guid}`, `-c${n}:${p.name}`);
    });
    run('sgdisk', [...sg, tmp]);
    ddInto(espImg, tmp, LAYOUT[1].startMiB);
    ddInto(bootImg, tmp, LAYOUT[2].startMiB);
    ddInto(luks, tmp, LAYOUT[3].startMiB);
    installBiosGrub(tmp, core);
    run('mv', [tmp, image]);
    writeFileSync(join(dir, 'grub.cfg'), grubCfg);
    writeFileSync(join(dir, 'done'), '');
    return { image, grubCfg, titles: menuTitles(grubCfg), initrd };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A private copy of a built disk for one scenario (sparse). */
export function copyDisk(disk: ChainDisk, name: string): string {
  const dir = join(CHAIN, 'runs');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, `${name}.img`);
  rmSync(p, { force: true });
  run('cp', ['--sparse=always', disk.image, p]);
  return p;
}

// ---------------------------------------------------------------- booting the chain

export type Firmware = 'bios' | 'uefi';

export interface ChainBootOptions {
  readonly name: string;
  readonly disk: string;
  readonly firmware: Firmware;
  readonly memMiB: number;
  /** Index of the top-level menu entry to pick; undefined: touch nothing (GRUB's default after its timeout). */
  readonly entry?: number;
  /** Send this once the serial output matches (e.g. a prompt's answer). */
  readonly answer?: { readonly when: RegExp; readonly send: string };
  readonly timeoutMs?: number;
}

export interface ChainBootResult {
  readonly serial: string;
  readonly report: GuestReport;
  readonly timedOut: boolean;
  readonly wallMs: number;
  readonly logFile: string;
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const ESC = String.fromCharCode(27);
// GRUB's menu takes "v" for down (grub-core/normal/menu.c, beside the arrow key and ^N; its help line says so).
// One byte: an arrow key's ESC [ B can reach GRUB split on a busy host, and its terminfo reader then takes the
// ESC alone, so the highlight stops one entry short (seen: the overlay entry booted instead of zram).
const DOWN = 'v';

/**
 * Boots the disk through its firmware, GRUB, Xen and dom0. With `entry`, it
 * moves GRUB's highlight there (arrow keys on the serial console) and boots it.
 */
export function bootChain(opts: ChainBootOptions): Promise<ChainBootResult> {
  const args = [
    ...qemuBaseArgs(opts.memMiB, 2),
    // Xen's PV dom0 needs SMAP/SMEP off under TCG; "max" has RDRAND for the guest's entropy.
    '-cpu',
    'max,-smap,-smep',
    '-object',
    'rng-random,filename=/dev/urandom,id=rng0',
    '-device',
    'virtio-rng-pci,rng=rng0',
    '-drive',
    `file=${opts.disk},format=raw,if=virtio`,
  ];
  if (opts.firmware === 'uefi') {
    const vars = join(dirname(opts.disk), `${opts.name}.vars.fd`);
    copyFileSync(OVMF_VARS, vars);
    args.push(
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${vars}`,
    );
  }
  let menuHandled = opts.entry === undefined;
  let answered = opts.answer === undefined;
  let stdin: NodeJS.WritableStream | null = null;
  const keys: string[] = [];
  // One key at a time: GRUB reads the emulated UART slowly.
  const pump = (): void => {
    const k = keys.shift();
    if (k === undefined || !stdin) return;
    stdin.write(k);
    setTimeout(pump, 250);
  };
  return runQemu(
    opts.name,
    args,
    opts.timeoutMs ?? 1_200_000,
    (serial, input) => {
      stdin = input;
      if (!menuHandled && /Use the \^ and v keys/.test(serial)) {
        menuHandled = true;
        for (let i = 0; i < (opts.entry ?? 0); i++) keys.push(DOWN);
        keys.push('\r');
        pump();
      }
      if (!answered && opts.answer && opts.answer.when.test(serial)) {
        answered = true;
        input.write(opts.answer.send);
      }
    },
    // Strip terminal escapes (GRUB's menu) so the report lines parse.
    (serial) => serial.replace(/\r/g, '').replace(new RegExp(`${ESC}\\[[0-9;?=]*[A-Za-z]`, 'g'), ''),
  );
}
