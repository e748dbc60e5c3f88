#!/usr/bin/env node
// The Debian 12 packages the tests need, in one list; `npm test` runs this first. When all are installed it
// only asks dpkg-query (well under a second). Otherwise it installs the missing ones — as root directly, else
// through sudo — or stops and names the one command that does it.
//   node scripts/system-deps.mjs           check, and install what is missing
//   node scripts/system-deps.mjs --check   check only (exit 1 and the list when something is missing)
//   node scripts/system-deps.mjs --setup-test-users   also create the permission tests' accounts (CI does)
//   QUBES_STATELESS_SKIP_SYSTEM_DEPS=1      skip (a machine set up by other means)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Each group: why the tests need it. Packages come from Debian 12 (bookworm) main unless said otherwise. */
export const PACKAGE_GROUPS = {
  // The renderer e2e tests (Playwright drives Debian's Chromium; Playwright's own browsers cannot be downloaded).
  renderer: ['chromium', 'fonts-dejavu-core'],
  // VM boot tests of the dracut module: QEMU, dracut and what goes into a dom0-like systemd initramfs
  // (systemd, udev and plymouth are named because dracut only recommends them).
  initramfs: [
    'qemu-system-x86',
    'dracut',
    'dracut-core',
    'busybox-static',
    'e2fsprogs',
    'zstd',
    'lz4',
    'cpio',
    'kmod',
    'systemd',
    'udev',
    'plymouth',
    'attr',
    'acl',
  ],
  // The boot chain under QEMU: Xen, GRUB (BIOS and EFI) on a disk image, OVMF, LVM thin pools and LUKS like dom0's.
  bootChain: [
    'xen-hypervisor-4.17-amd64',
    'grub-pc-bin',
    'grub-efi-amd64-bin',
    'grub-common',
    'xorriso',
    'mtools',
    'ovmf',
    'lvm2',
    'cryptsetup',
    'thin-provisioning-tools',
    'dosfstools',
    'gdisk',
    'fdisk',
  ],
  // Lint of the shell we install (shellcheck); the CLI package (rpmbuild and rpm, in Debian's `rpm`); flock(1)
  // for the change lock (util-linux, essential); sudo: the real-system tests and the privileged path.
  tooling: ['shellcheck', 'rpm', 'util-linux', 'sudo'],
  // The boot benchmark's root image (npm run bench:boot; not part of npm test, but set up by the same command).
  benchmark: ['debootstrap'],
};
/** From bookworm-backports: a 6.12 kernel, the series of the 4.3 dom0 kernel (tmpfs keeps user.* xattrs from 6.6 on). */
export const BACKPORTS = {
  suite: 'bookworm-backports',
  packages: ['linux-image-amd64'],
  versionMark: '~bpo12',
};
/**
 * The boot tests' two guest kernels (e2e/boot/harness.ts findKernel: /boot/vmlinuz-SERIES.* with its modules).
 * Debian 12's own 6.1 has no fixed package name (linux-image-6.1.0-NN-amd64, NN per point release) and its
 * metapackage shares the name of the backports one, so it is installed by the image package that main's newest
 * linux-image-amd64 depends on (resolved after apt-get update); 6.12 by the backports metapackage.
 */
export const KERNEL_SERIES = ['6.1', '6.12'];
const BACKPORTS_LINE = 'deb http://deb.debian.org/debian bookworm-backports main';
const BACKPORTS_LIST = '/etc/apt/sources.list.d/qubes-stateless-backports.list';
const APT_ENV = ['DEBIAN_FRONTEND=noninteractive', 'INITRD=No'];

const ALL = Object.values(PACKAGE_GROUPS).flat();

/** Installed packages → version, from one dpkg-query call. */
function installed(names) {
  const r = spawnSync(
    '/usr/bin/dpkg-query',
    ['-W', '-f=${Package}\t${db:Status-Abbrev}\t${Version}\n', ...names],
    { encoding: 'utf8' },
  );
  const found = new Map();
  for (const line of (r.stdout ?? '').split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && status?.startsWith('ii')) found.set(name.replace(/:amd64$/, ''), version);
  }
  return found;
}

/** Is a kernel of the series in /boot, with its modules (what the boot tests look for)? */
export function hasKernel(series, bootDir = '/boot', modulesDir = '/lib/modules') {
  const files = existsSync(bootDir) ? readdirSync(bootDir) : [];
  return files
    .filter((f) => f.startsWith(`vmlinuz-${series}.`) || f.startsWith(`vmlinuz-${series}-`))
    .some((f) => existsSync(path.join(modulesDir, f.slice('vmlinuz-'.length), 'modules.dep')));
}

/**
 * The 6.1 image package main's newest linux-image-amd64 depends on, from `apt-cache show linux-image-amd64`
 * (every version of the metapackage, main's and backports'): the first stanza without the backports mark.
 */
export function mainKernelPackage(aptCacheShow) {
  for (const stanza of aptCacheShow.split(/\n\s*\n/)) {
    const version = /^Version: (\S+)$/m.exec(stanza)?.[1];
    const dep = /^Depends: (linux-image-6\.1\.\S+)/m.exec(stanza)?.[1];
    if (version && dep && !version.includes(BACKPORTS.versionMark)) return dep;
  }
  return null;
}

export function missingPackages() {
  const have = installed([...ALL, ...BACKPORTS.packages]);
  return {
    main: ALL.filter((p) => !have.has(p)),
    backports: hasKernel('6.12') ? [] : [...BACKPORTS.packages],
    mainKernel: !hasKernel('6.1'),
  };
}

const hasBackportsSource = () => {
  const files = [
    '/etc/apt/sources.list',
    ...(existsSync('/etc/apt/sources.list.d')
      ? readdirSync('/etc/apt/sources.list.d').map((f) => path.join('/etc/apt/sources.list.d', f))
      : []),
  ];
  return files.some((f) => {
    try {
      return /^\s*(deb\s.*|Suites:.*)\bbookworm-backports\b/m.test(readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
};

/**
 * The commands that install `missing`, in order: as root directly, otherwise through sudo; apt's environment
 * (noninteractive, no initramfs rebuild for the kernel) is set with env(1) so it survives sudo.
 */
const asRoot = (isRoot, argv) => [...(isRoot ? [] : ['/usr/bin/sudo']), '/usr/bin/env', ...APT_ENV, ...argv];

/** Before any install: the backports source when it was missing, and apt-get update. */
export function sourceCommands({ isRoot, stagedBackportsList = null }) {
  const cmds = [];
  if (stagedBackportsList)
    cmds.push(asRoot(isRoot, ['/usr/bin/install', '-m', '0644', stagedBackportsList, BACKPORTS_LIST]));
  cmds.push(asRoot(isRoot, ['/usr/bin/apt-get', 'update', '-q']));
  return cmds;
}

/** The installs, after sourceCommands; `mainKernel`: the resolved 6.1 image package when that kernel is missing. */
export function installCommands(missing, { isRoot, mainKernel = null }) {
  const main = [...missing.main, ...(mainKernel ? [mainKernel] : [])];
  const cmds = [];
  if (main.length)
    cmds.push(
      asRoot(isRoot, ['/usr/bin/apt-get', 'install', '-y', '-q', '--no-install-recommends', ...main]),
    );
  if (missing.backports.length)
    cmds.push(
      asRoot(isRoot, [
        '/usr/bin/apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        '-t',
        BACKPORTS.suite,
        ...missing.backports,
      ]),
    );
  return cmds;
}

function runChecked(argv) {
  console.error(`system-deps: ${argv.join(' ')}`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/**
 * The unprivileged accounts the permission tests drop to (scripts/setup-test-user.sh, idempotent). Only where
 * this step may act as root; elsewhere those tests skip with their reason (CI sets QS_REQUIRE_UNPRIVILEGED_TESTS).
 */
function ensureTestUsers({ isRoot, sudo }) {
  const ready =
    ['qs-test', 'qs-nosudo'].every((u) => spawnSync('/usr/bin/id', ['-u', u]).status === 0) &&
    existsSync('/etc/sudoers.d/qubes-stateless-test');
  if (ready || (!isRoot && !sudo) || process.argv.includes('--check')) return;
  // qs-test gets passwordless root: never made silently on a developer's machine, only where asked (CI sets
  // QS_REQUIRE_UNPRIVILEGED_TESTS=1, as it requires those tests) or with --setup-test-users.
  const asked =
    process.env.QS_REQUIRE_UNPRIVILEGED_TESTS === '1' || process.argv.includes('--setup-test-users');
  if (!asked) {
    console.error(
      'system-deps: the permission tests skip until their test accounts exist (qs-test gets passwordless sudo): node scripts/system-deps.mjs --setup-test-users',
    );
    return;
  }
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'setup-test-user.sh');
  runChecked([...(isRoot ? [] : ['/usr/bin/sudo', '-n']), '/usr/bin/bash', script]);
}

function main() {
  if (process.env.QUBES_STATELESS_SKIP_SYSTEM_DEPS) return 0;
  if (
    !existsSync('/usr/bin/dpkg-query') ||
    !/^VERSION_CODENAME=bookworm$/m.test(
      existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '',
    )
  ) {
    console.error(
      `system-deps: not Debian 12, so not checked; the tests need the equivalents of: ${[...ALL, ...BACKPORTS.packages].join(' ')}`,
    );
    return 0;
  }
  const missing = missingPackages();
  const count = missing.main.length + missing.backports.length + (missing.mainKernel ? 1 : 0);
  const isRoot = process.getuid?.() === 0;
  const sudo = existsSync('/usr/bin/sudo');
  if (!count) {
    console.log(
      `system-deps: all ${ALL.length + BACKPORTS.packages.length} Debian packages the tests need are installed`,
    );
    ensureTestUsers({ isRoot, sudo });
    return 0;
  }
  const what = [
    ...missing.main,
    ...(missing.mainKernel ? ['a 6.1 kernel (linux-image-6.1.0-NN-amd64)'] : []),
    ...missing.backports.map((p) => `${p} (${BACKPORTS.suite}, a 6.12 kernel)`),
  ].join(' ');
  if (process.argv.includes('--check') || (!isRoot && !sudo)) {
    console.error(`system-deps: missing: ${what}\nInstall them with (as root): node scripts/system-deps.mjs`);
    return 1;
  }
  console.error(`system-deps: installing ${count} missing package(s): ${what}`);
  try {
    let staged = null;
    if (missing.backports.length && !hasBackportsSource()) {
      staged = path.join(mkdtempSync(path.join(os.tmpdir(), 'qs-deps-')), 'backports.list');
      writeFileSync(staged, `${BACKPORTS_LINE}\n`);
    }
    for (const argv of sourceCommands({ isRoot, stagedBackportsList: staged })) runChecked(argv);
    let mainKernel = null;
    if (missing.mainKernel) {
      const show = spawnSync('/usr/bin/apt-cache', ['show', 'linux-image-amd64'], { encoding: 'utf8' });
      mainKernel = mainKernelPackage(show.stdout ?? '');
      if (!mainKernel)
        throw new Error("apt-cache show linux-image-amd64 names no 6.1 kernel of Debian 12's main");
    }
    for (const argv of installCommands(missing, { isRoot, mainKernel })) runChecked(argv);
  } catch (e) {
    console.error(`system-deps: ${e.message}\nInstall them with (as root): node scripts/system-deps.mjs`);
    return 1;
  }
  const still = missingPackages();
  if (still.main.length + still.backports.length || still.mainKernel) {
    console.error(
      `system-deps: still missing after apt-get: ${[...still.main, ...still.backports, ...(still.mainKernel ? ['a 6.1 kernel'] : [])].join(' ')}`,
    );
    return 1;
  }
  console.log('system-deps: installed; all packages the tests need are present');
  ensureTestUsers({ isRoot, sudo });
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
