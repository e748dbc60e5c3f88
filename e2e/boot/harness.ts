// VM boot harness for the qubes-stateless dracut module.
//
// Builds initramfs images with the real dracut and our module (from a private
// copy of the dracut tree, never touching the host's), builds ext4 root images
// from directories (mkfs.ext4 -d, no loop mounts), boots them under QEMU/TCG
// and parses the "QSR:key=value" report printed by the guest init
// (e2e/boot/guest/init.sh). Used by the boot tests and by scripts/bench-*.ts.
//
// Verdicts come from guest markers and disk checks, never from QEMU's exit code.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ASSETS = join(REPO_ROOT, 'assets');
export const MODULE_DIR = join(ASSETS, 'dracut', '90qubes-stateless');
export const CONF_SNIPPET = join(ASSETS, 'dracut', 'dracut.conf.d', '90-qubes-stateless.conf');
export const CACHE = join(REPO_ROOT, '.cache', 'boot');
export const GUEST_INIT = join(REPO_ROOT, 'e2e', 'boot', 'guest', 'init.sh');

// ---------------------------------------------------------------- tools

export const REQUIRED_TOOLS = [
  'qemu-system-x86_64',
  'dracut',
  'mkfs.ext4',
  'debugfs',
  'busybox',
  'getfattr',
  'lsinitrd',
];

/** Throws one clear error naming every missing tool (CI installs them; nothing is skipped). */
export function requireTools(tools: readonly string[] = REQUIRED_TOOLS): void {
  const missing = tools.filter((t) => !which(t));
  if (missing.length > 0) {
    throw new Error(
      `boot tests need these host tools, which are missing: ${missing.join(', ')} ` +
        '(Debian: apt-get install qemu-system-x86 dracut linux-image-amd64 busybox-static e2fsprogs attr)',
    );
  }
}

export function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out !== '' ? out : null;
}

/** Runs a host tool; throws with its exit code and the end of its output when it fails. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited with ${String(r.status)}:\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`,
    );
  }
  return r.stdout;
}

// ---------------------------------------------------------------- kernel

export interface KernelInfo {
  readonly kver: string;
  readonly vmlinuz: string;
}

/**
 * The kernel series the boot tests use when a test names none: Debian 12's own
 * 6.1 (the host may also have bookworm-backports' 6.12, which a plain "newest"
 * would pick without anyone deciding it). QS_BOOT_KERNEL=6.12 overrides.
 */
export const DEFAULT_KERNEL_SERIES = process.env.QS_BOOT_KERNEL ?? '6.1';

/** The newest /boot/vmlinuz-<series>.* that has its /lib/modules tree; throws if there is none. */
export function findKernel(series: string = DEFAULT_KERNEL_SERIES): KernelInfo {
  const cands = existsSync('/boot') ? readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')) : [];
  const withModules = cands
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => v.startsWith(`${series}.`) || v.startsWith(`${series}-`))
    .filter(
      (v) =>
        existsSync(join('/lib/modules', v, 'modules.dep')) || existsSync(join('/lib/modules', v, 'kernel')),
    )
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const kver = withModules.at(-1);
  if (!kver) {
    throw new Error(
      `no /boot/vmlinuz-${series}.* with matching /lib/modules (Debian: apt-get install linux-image-amd64; ` +
        '6.12: -t bookworm-backports linux-image-amd64)',
    );
  }
  return { kver, vmlinuz: join('/boot', `vmlinuz-${kver}`) };
}

/** Is the kernel at least major.minor? */
export function kernelAtLeast(kernel: KernelInfo, major: number, minor: number): boolean {
  const [maj = 0, min = 0] = kernel.kver.split(/[.-]/).map(Number);
  return maj > major || (maj === major && min >= minor);
}

// ---------------------------------------------------------------- hashing

export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    h.update(`${relative(dir, p)}\0${st.mode}\0`);
    if (st.isDirectory()) hashTree(h, p);
    else h.update(readFileSync(p));
  }
}

// ---------------------------------------------------------------- initramfs

export type Flavour = 'systemd' | 'plymouth' | 'minimal';

export interface InitramfsOptions {
  readonly flavour: Flavour;
  /** Extra dracut module directories (NNname) to make visible, e.g. a bench module. */
  readonly extraModuleDirs?: readonly string[];
  /** Extra dracut modules to add (by name). */
  readonly addModules?: readonly string[];
  /** Extra files to install (dracut --install). */
  readonly install?: readonly string[];
  readonly kernel?: KernelInfo;
  /** Use our dracut.conf.d snippet (default). Without it the module must stay out. */
  readonly withSnippet?: boolean;
  /** dracut --no-kernel: no kernel modules (quick; for inspecting the module selection only). */
  readonly noKernel?: boolean;
  /** Our module's directory (default assets/dracut/90qubes-stateless); another one only for demonstrations. */
  readonly moduleDir?: string;
  /** Host files to put into the initramfs at another path (dracut --include SRC DST). */
  readonly include?: ReadonlyArray<readonly [string, string]>;
  /** More kernel drivers (dracut --add-drivers). */
  readonly drivers?: readonly string[];
  /** Leave our module out entirely (for the provisioning initramfs of the chain tests). */
  readonly withoutModule?: boolean;
}

const FLAVOUR_MODULES: Record<Flavour, string> = {
  // Like dom0's: systemd in the initramfs, bash as /bin/sh.
  systemd: 'bash systemd systemd-initrd dracut-systemd base rootfs-block udev-rules kernel-modules fs-lib',
  // The same with plymouth, as dom0 boots with rhgb: prompts go through plymouth.
  plymouth:
    'bash systemd systemd-initrd dracut-systemd plymouth base rootfs-block udev-rules kernel-modules fs-lib',
  // Shell-based dracut (no systemd), dash as /bin/sh: quick to build and boot,
  // and it proves the scripts are POSIX sh.
  minimal: 'dash base rootfs-block udev-rules kernel-modules fs-lib',
};

/**
 * Builds (or reuses from .cache/boot) an initramfs with the real dracut and our
 * module, added through our dracut.conf.d snippet, from a private copy of the
 * host's dracut tree. Returns its path.
 */
export function buildInitramfs(opts: InitramfsOptions): string {
  requireTools(['dracut', 'lsinitrd']);
  const kernel = opts.kernel ?? findKernel();
  const moduleDir = opts.moduleDir ?? MODULE_DIR;
  const h = createHash('sha256');
  h.update(`v5\0${opts.flavour}\0${kernel.kver}\0${FLAVOUR_MODULES[opts.flavour]}\0`);
  // dracut --version exits 1 on Debian's 059: take its output as it is.
  h.update(spawnSync('dracut', ['--version'], { encoding: 'utf8' }).stdout ?? '');
  if (!opts.withoutModule) hashTree(h, moduleDir);
  h.update(readFileSync(CONF_SNIPPET));
  for (const d of opts.extraModuleDirs ?? []) hashTree(h, d);
  const withSnippet = opts.withSnippet !== false && !opts.withoutModule;
  h.update(
    JSON.stringify([
      opts.addModules ?? [],
      opts.install ?? [],
      withSnippet,
      opts.noKernel === true,
      opts.include ?? [],
      opts.drivers ?? [],
    ]),
  );
  for (const [src] of opts.include ?? []) h.update(readFileSync(src));
  const key = h.digest('hex').slice(0, 16);
  mkdirSync(CACHE, { recursive: true });
  const out = join(CACHE, `initrd-${opts.flavour}-${kernel.kver}-${key}.img`);
  if (existsSync(out)) return out;

  const work = mkdtempSync(join(CACHE, 'dracut-'));
  try {
    const base = join(work, 'dracut');
    run('cp', ['-a', '/usr/lib/dracut', base]);
    if (!opts.withoutModule) run('cp', ['-a', moduleDir, join(base, 'modules.d', '90qubes-stateless')]);
    for (const d of opts.extraModuleDirs ?? []) run('cp', ['-a', d, join(base, 'modules.d')]);
    const confdir = join(work, 'conf.d');
    mkdirSync(confdir);
    if (withSnippet) copyFileSync(CONF_SNIPPET, join(confdir, '90-qubes-stateless.conf'));
    const tmp = `${out}.tmp`;
    const args = [
      '--force',
      '--no-hostonly',
      '--no-hostonly-cmdline',
      '--no-early-microcode',
      '--conf',
      '/dev/null',
      '--confdir',
      confdir,
      '--kver',
      kernel.kver,
      '-m',
      FLAVOUR_MODULES[opts.flavour],
      '--add-drivers',
      ['virtio_blk virtio_pci virtio_rng ext4', ...(opts.drivers ?? [])].join(' '),
      // Uncompressed: unpacking is faster than inflating under TCG.
      '--no-compress',
    ];
    if (opts.noKernel) args.push('--no-kernel');
    if (opts.addModules && opts.addModules.length > 0) args.push('--add', opts.addModules.join(' '));
    for (const f of opts.install ?? []) args.push('--install', f);
    for (const [src, dst] of opts.include ?? []) args.push('--include', src, dst);
    args.push(tmp);
    const log = run('dracut', args, { env: { ...process.env, dracutbasedir: base, TMPDIR: work } });
    writeFileSync(join(CACHE, `initrd-${opts.flavour}-${key}.log`), log);
    if (withSnippet) {
      const listing = run('lsinitrd', [tmp]);
      for (const needed of [
        'qubes-stateless-setup',
        '05-qubes-stateless-pre-pivot.sh',
        ...(opts.noKernel ? [] : ['zram.ko']),
      ]) {
        if (!listing.includes(needed)) throw new Error(`initramfs ${tmp} lacks ${needed}`);
      }
    }
    run('mv', ['-f', tmp, out]);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- root images

export interface TestRootOptions {
  /** Add the attribute-preservation fixtures under /qs and the top-level dotfiles. */
  readonly fixtures?: boolean;
  /** Bytes of incompressible data to add as /big/random.bin. */
  readonly randomBytes?: number;
  /** Extra lines for /etc/fstab. */
  readonly fstab?: readonly string[];
  /** Give /qs/xattr a user.* xattr too (tmpfs keeps those only from Linux 6.6 on). Default true. */
  readonly userXattr?: boolean;
}

const FIXTURE_XATTR = 'system_u:object_r:etc_t:s0';

/** Copies a dynamically linked host binary and its libraries into root. */
export function installHostBinary(root: string, bin: string): void {
  const dest = join(root, bin);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(bin, dest);
  chmodSync(dest, 0o755);
  const ldd = run('ldd', [bin]);
  for (const m of ldd.matchAll(/(\/[^\s)]+)/g)) {
    const lib = m[1];
    if (!lib || !existsSync(lib)) continue;
    const real = run('readlink', ['-f', lib]).trim();
    const target = join(root, lib);
    mkdirSync(dirname(target), { recursive: true });
    if (!existsSync(target)) copyFileSync(real, target);
  }
}

/** Populates dir as a tiny busybox root whose /sbin/init reports to the harness. */
export function makeTestRoot(dir: string, opts: TestRootOptions = {}): void {
  rmSync(dir, { recursive: true, force: true });
  for (const d of [
    'bin',
    'sbin',
    'etc',
    'proc',
    'sys',
    'dev',
    'run',
    'tmp',
    'usr/bin',
    'usr/sbin',
    'var/log',
    'root',
  ]) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  const busybox = which('busybox');
  if (!busybox) throw new Error('busybox missing');
  copyFileSync(busybox, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of run(busybox, ['--list'])
    .split('\n')
    .filter((a) => /^[a-z0-9_.[-]+$/.test(a))) {
    if (applet === 'busybox' || applet === 'init') continue;
    const p = join(dir, 'bin', applet);
    if (!existsSync(p)) symlinkSync('busybox', p);
  }
  copyFileSync(GUEST_INIT, join(dir, 'sbin', 'init'));
  chmodSync(join(dir, 'sbin', 'init'), 0o755);
  installHostBinary(dir, '/usr/bin/getfattr');
  writeFileSync(
    join(dir, 'etc', 'os-release'),
    'NAME="qs-test"\nID=qstest\nVERSION_ID=1\nPRETTY_NAME="qubes-stateless test root"\n',
  );
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(dir, 'etc', 'group'), 'root:x:0:\n');
  writeFileSync(
    join(dir, 'etc', 'fstab'),
    ['# test fstab', '/dev/vda / ext4 defaults 1 1', ...(opts.fstab ?? [])].join('\n') + '\n',
  );

  if (opts.fixtures) {
    writeFileSync(join(dir, '.qs-dotfile'), 'dot-ok\n');
    mkdirSync(join(dir, '.qs-dotdir'));
    writeFileSync(join(dir, '.qs-dotdir', 'inner'), 'dotdir-ok\n');
    const qs = join(dir, 'qs');
    mkdirSync(qs);
    writeFileSync(join(qs, 'hl-a'), 'hard link\n');
    run('ln', [join(qs, 'hl-a'), join(qs, 'hl-b')]);
    // 64 MiB apparent, 3 small extents of data.
    const sparse = join(qs, 'sparse');
    const fd = openSync(sparse, 'w');
    writeSync(fd, Buffer.from('head'), 0, 4, 0);
    writeSync(fd, Buffer.from('middle'), 0, 6, 32 * 1024 * 1024);
    writeSync(fd, Buffer.from('tail'), 0, 4, 64 * 1024 * 1024 - 4);
    closeSync(fd);
    writeFileSync(join(qs, 'owned'), 'owned\n');
    run('chown', ['1234:5678', join(qs, 'owned')]);
    chmodSync(join(qs, 'owned'), 0o640);
    writeFileSync(join(qs, 'xattr'), 'xattr\n');
    if (opts.userXattr !== false) run('setfattr', ['-n', 'user.qstest', '-v', 'kept', join(qs, 'xattr')]);
    run('setfattr', ['-n', 'security.selinux', '-v', FIXTURE_XATTR, join(qs, 'xattr')]);
    writeFileSync(join(qs, 'acl'), 'acl\n');
    run('setfacl', ['-m', 'u:1234:r', join(qs, 'acl')]);
    writeFileSync(join(qs, 'cap'), 'cap\n');
    // cap_net_raw+ep, the value FIXTURE_CAPABILITY_HEX of expect-guest.ts.
    run('setfattr', [
      '-n',
      'security.capability',
      '-v',
      '0x0100000200200000000000000000000000000000',
      join(qs, 'cap'),
    ]);
    run('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:root_t:s0', dir]);
  }
  if (opts.randomBytes && opts.randomBytes > 0) {
    mkdirSync(join(dir, 'big'));
    const fd = openSync(join(dir, 'big', 'random.bin'), 'w');
    const chunk = 4 * 1024 * 1024;
    for (let done = 0; done < opts.randomBytes; done += chunk) {
      writeSync(fd, randomBytes(Math.min(chunk, opts.randomBytes - done)));
    }
    closeSync(fd);
  }
}

/** mkfs.ext4 -d: an ext4 image of dir, without mounting anything. */
export function buildRootImage(dir: string, out: string, sizeMiB: number): string {
  requireTools(['mkfs.ext4']);
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  run('mkfs.ext4', ['-q', '-F', '-b', '4096', '-L', 'qs-root', '-d', dir, out, `${sizeMiB}M`]);
  return out;
}

/** Reads a file from an ext4 image without mounting it (null if absent). */
export function debugfsCat(image: string, path: string): string | null {
  const r = spawnSync('debugfs', ['-R', `cat ${path}`, image], { encoding: 'utf8' });
  if (r.status !== 0 || /File not found|not found by ext2_lookup/.test(r.stderr)) return null;
  return r.stdout;
}

// ---------------------------------------------------------------- boot

export interface BootInput {
  /** Send `send` once the serial output matches this. */
  readonly when: RegExp;
  readonly send: string;
}

export interface BootOptions {
  readonly name: string;
  readonly initrd: string;
  readonly disks: readonly string[];
  readonly memMiB: number;
  /** Extra kernel command line words. */
  readonly append?: string;
  readonly timeoutMs?: number;
  readonly smp?: number;
  readonly input?: readonly BootInput[];
  readonly kernel?: KernelInfo;
}

export interface ZramReport {
  readonly name: string;
  readonly disksize: number;
  readonly comp: string;
  readonly origBytes: number;
  readonly comprBytes: number;
  readonly memUsedBytes: number;
  readonly memLimitBytes: number;
}

export interface GuestReport {
  /** Both begin and end markers were seen. */
  readonly complete: boolean;
  readonly rootFstype: string;
  readonly rootSource: string;
  /** /run/qubes-stateless/status as written by the module (empty if none). */
  readonly status: Readonly<Record<string, string>>;
  readonly meminfoKiB: Readonly<Record<string, number>>;
  readonly zram: readonly ZramReport[];
  /** df of / in KiB. */
  readonly rootUsedKiB: number;
  /** df of the overlay's upper tmpfs in KiB (overlay mode). */
  readonly upperUsedKiB: number | null;
  /** RAM the root occupies, by mode: zram mem_used, tmpfs used, overlay upper used (bytes). */
  readonly rootRamBytes: number | null;
  readonly uptimeInit: number;
  readonly uptimeEnd: number;
  /** Every key with all its values, in order. */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export interface BootResult {
  readonly serial: string;
  readonly report: GuestReport;
  readonly timedOut: boolean;
  readonly wallMs: number;
  readonly logFile: string;
}

export const BASE_APPEND = 'console=ttyS0 panic=-1 rd.shell=0 rd.emergency=poweroff root=/dev/vda ro';

/** TCG, no devices but the serial console on stdio, no reboot (a guest reboot ends QEMU). */
export function qemuBaseArgs(memMiB: number, smp: number): string[] {
  return [
    '-accel',
    'tcg',
    '-m',
    String(memMiB),
    '-smp',
    String(smp),
    '-nodefaults',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
  ];
}

/** Boots one VM under QEMU/TCG with a wall-clock timeout and parses the guest report. */
export function boot(opts: BootOptions): Promise<BootResult> {
  requireTools(['qemu-system-x86_64']);
  const kernel = opts.kernel ?? findKernel();
  const args = [
    ...qemuBaseArgs(opts.memMiB, opts.smp ?? 2),
    '-kernel',
    kernel.vmlinuz,
    '-initrd',
    opts.initrd,
    '-append',
    `${BASE_APPEND} ${opts.append ?? ''}`.trim(),
  ];
  // Entropy like real hardware has (RDRAND/TPM): without it getrandom() in
  // mke2fs can stall for seconds under TCG.
  args.push('-object', 'rng-random,filename=/dev/urandom,id=rng0', '-device', 'virtio-rng-pci,rng=rng0');
  for (const d of opts.disks) args.push('-drive', `file=${d},format=raw,if=virtio`);
  const pending = [...(opts.input ?? [])];
  return runQemu(opts.name, args, opts.timeoutMs ?? 240_000, (serial, stdin) => {
    while (pending.length > 0 && pending[0]!.when.test(serial)) stdin.write(pending.shift()!.send);
  });
}

/**
 * Runs QEMU with a wall-clock limit, calling onOutput with the serial output so far after each chunk (to
 * type into the guest), and parses the guest report from the log (after `clean`). QEMU's exit code is ignored.
 */
export function runQemu(
  name: string,
  args: readonly string[],
  timeoutMs: number,
  onOutput: (serial: string, stdin: NodeJS.WritableStream) => void,
  clean: (serial: string) => string = (x) => x.replace(/\r/g, ''),
): Promise<BootResult> {
  const logDir = join(CACHE, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const started = Date.now();
  return new Promise((res, rej) => {
    const child = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let serial = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      serial += d.toString('latin1');
      onOutput(serial, child.stdin);
    });
    child.stderr.on('data', (d: Buffer) => {
      serial += `\n[qemu stderr] ${d.toString('utf8')}`;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const text = clean(serial);
      writeFileSync(logFile, text);
      res({ serial: text, report: parseReport(text), timedOut, wallMs: Date.now() - started, logFile });
    });
  });
}

/** Parses the QSR:key=value lines printed by the guest init. */
export function parseReport(serial: string): GuestReport {
  const values = new Map<string, string[]>();
  let begin = false;
  let end = false;
  for (const raw of serial.split('\n')) {
    const i = raw.indexOf('QSR:');
    if (i < 0) continue;
    const line = raw.slice(i + 4).trimEnd();
    if (line === 'begin') {
      begin = true;
      values.clear();
      continue;
    }
    if (line === 'end') {
      end = begin;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq);
    const list = values.get(k) ?? [];
    list.push(line.slice(eq + 1));
    values.set(k, list);
  }
  const one = (k: string): string => values.get(k)?.[0] ?? '';
  const status: Record<string, string> = {};
  const meminfo: Record<string, number> = {};
  const zramNames = new Set<string>();
  for (const [k, v] of values) {
    if (k.startsWith('status.')) status[k.slice(7)] = v[0] ?? '';
    if (k.startsWith('meminfo.')) meminfo[k.slice(8)] = Number(v[0] ?? 'NaN');
    const zm = /^zram\.([^.]+)\./.exec(k);
    if (zm?.[1]) zramNames.add(zm[1]);
  }
  const zram: ZramReport[] = [...zramNames].sort().map((name) => {
    const mm = one(`zram.${name}.mm_stat`).trim().split(/\s+/).map(Number);
    const comp = /\[([^\]]+)\]/.exec(one(`zram.${name}.comp`))?.[1] ?? one(`zram.${name}.comp`);
    return {
      name,
      disksize: Number(one(`zram.${name}.disksize`)),
      comp,
      origBytes: mm[0] ?? NaN,
      comprBytes: mm[1] ?? NaN,
      memUsedBytes: mm[2] ?? NaN,
      memLimitBytes: mm[3] ?? NaN,
    };
  });
  const dfUsed = (k: string): number | null => {
    const f = one(k).split(' ');
    return f.length >= 3 ? Number(f[2]) : null;
  };
  const rootFstype = one('root_fstype');
  const rootSource = one('root_source');
  const rootUsedKiB = dfUsed('df_root') ?? NaN;
  const upperUsedKiB = dfUsed('df_upper');
  let rootRamBytes: number | null = null;
  if (rootFstype === 'tmpfs') rootRamBytes = rootUsedKiB * 1024;
  else if (rootFstype === 'overlay' && upperUsedKiB !== null) rootRamBytes = upperUsedKiB * 1024;
  else if (rootSource.startsWith('/dev/zram')) {
    const z = zram.find((x) => `/dev/${x.name}` === rootSource);
    rootRamBytes = z ? z.memUsedBytes : null;
  }
  return {
    complete: begin && end,
    rootFstype,
    rootSource,
    status,
    meminfoKiB: meminfo,
    zram,
    rootUsedKiB,
    upperUsedKiB,
    rootRamBytes,
    uptimeInit: Number(one('uptime_init')),
    uptimeEnd: Number(one('uptime_end')),
    values,
  };
}

/** All values of a key ([] if none). */
export function all(r: GuestReport, key: string): readonly string[] {
  return r.values.get(key) ?? [];
}

export function first(r: GuestReport, key: string): string | undefined {
  return r.values.get(key)?.[0];
}
