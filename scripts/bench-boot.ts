// Boot benchmark of the qubes-stateless modes (npm run bench:boot). Prints
// figures; it is not a test.
//
// One root image of realistic content: Debian bookworm (debootstrap, minbase
// plus desktop/toolchain packages, >= 1 GiB, no package downloads kept),
// cached under .cache/bench/.
// Every run is a fresh QEMU/TCG VM (cold page cache) on a fresh copy of that
// image, with the systemd initramfs and our module, plus a benchmark-only
// dracut module (scripts/boot/99qsbench) for the forum recipe baseline, the
// copy-engine comparison and the limits: the guest reading the root (tar) and
// compressing it (lz4 -1, zstd -T0 -3), measured in the initramfs on the same
// read-only root with a cold cache, and lz4/zstd alone on a tar in RAM.
//
//   npx tsx scripts/bench-boot.ts [--only=name,name] [--engines] [--mem=MiB]

import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  GUEST_INIT,
  REPO_ROOT,
  boot,
  buildInitramfs,
  buildRootImage,
  first,
  requireTools,
  run,
  type GuestReport,
} from '../e2e/boot/harness.js';

const BENCH = join(REPO_ROOT, '.cache', 'bench');
const ROOTFS = join(BENCH, 'rootfs');
const IMAGE = join(BENCH, 'root.img');
const RUN_IMAGE = join(BENCH, 'run.img');
const MIRROR = 'http://deb.debian.org/debian';
const PACKAGES = [
  'systemd-sysv',
  'udev',
  'kmod',
  'busybox-static',
  'zstd',
  'lz4',
  'xz-utils',
  'python3',
  'python3-gi',
  'perl',
  'gcc',
  'g++',
  'make',
  'gdb',
  'vim',
  'less',
  'man-db',
  'locales',
  'libgtk-3-0',
  'libqt5widgets5',
  'firefox-esr',
  'fonts-dejavu-core',
  'e2fsprogs',
  'attr',
  'acl',
  // debootstrap does not resolve alternatives: name the ones these packages need.
  'dbus',
  'dbus-user-session',
  'libboost-regex1.74.0',
];
const GUEST_INIT_PATH = '/usr/local/sbin/qs-guest-init';

/** debootstrap'd Debian bookworm with the guest init, cached. */
function ensureRootfs(): void {
  if (!existsSync(join(ROOTFS, 'etc', 'os-release'))) {
    requireTools(['debootstrap']);
    const tmp = `${ROOTFS}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    console.log(`debootstrap bookworm (${PACKAGES.length} extra packages) into ${tmp} ...`);
    run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', tmp, MIRROR]);
    run('mv', [tmp, ROOTFS]);
  }
  // debootstrap leaves the downloaded .deb files (about 300 MiB, already compressed) in apt's cache. A dom0
  // root keeps no package downloads, so they would only skew the compression and copy figures.
  const debs = join(ROOTFS, 'var', 'cache', 'apt', 'archives');
  for (const f of existsSync(debs) ? readdirSync(debs) : []) if (f.endsWith('.deb')) rmSync(join(debs, f));
  copyFileSync(GUEST_INIT, join(ROOTFS, GUEST_INIT_PATH.slice(1)));
  chmodSync(join(ROOTFS, GUEST_INIT_PATH.slice(1)), 0o755);
  writeFileSync(join(ROOTFS, 'etc', 'fstab'), '/dev/vda / ext4 defaults 1 1\n');
}

function ensureImage(): number {
  const usedKiB = Number(run('du', ['-sx', '-k', ROOTFS]).split(/\s+/)[0]);
  const stamp = join(BENCH, 'root.img.stamp');
  const want = `${usedKiB}\n${readFileSync(GUEST_INIT, 'utf8')}`;
  if (!existsSync(IMAGE) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    const sizeMiB = Math.ceil((usedKiB * 1.4) / 1024) + 512;
    console.log(`mkfs.ext4 -d: ${Math.round(usedKiB / 1024)} MiB of content into a ${sizeMiB} MiB image ...`);
    buildRootImage(ROOTFS, IMAGE, sizeMiB);
    writeFileSync(stamp, want);
  }
  return usedKiB * 1024;
}

interface Run {
  readonly name: string;
  readonly append: string;
}

// Boot-time deltas of a second or two are within TCG's run-to-run noise:
// persistent and overlay boots are repeated and their medians reported.
const REPEATS = 3;

const RUNS: readonly Run[] = [
  ...Array.from({ length: REPEATS }, (_, i) => ({
    name: i === 0 ? 'persistent' : `persistent#${i + 1}`,
    append: '',
  })),
  ...Array.from({ length: REPEATS }, (_, i) => ({
    name: i === 0 ? 'overlay' : `overlay#${i + 1}`,
    append: 'rd.qubes.stateless=overlay',
  })),
  { name: 'zram-lz4', append: 'rd.qubes.stateless=zram rd.qubes.stateless.comp=lz4' },
  { name: 'zram-zstd', append: 'rd.qubes.stateless=zram rd.qubes.stateless.comp=zstd' },
  { name: 'zram-lzo-rle', append: 'rd.qubes.stateless=zram rd.qubes.stateless.comp=lzo-rle' },
  { name: 'tmpfs', append: 'rd.qubes.stateless=tmpfs' },
  { name: 'forum', append: 'qsbench.forum=1' },
  { name: 'limit', append: 'qsbench.limit=1' },
  { name: 'engine-cp-tmpfs', append: 'qsbench.copy=cp:tmpfs' },
  { name: 'engine-cp-nosparse-tmpfs', append: 'qsbench.copy=cp-nosparse:tmpfs' },
  { name: 'engine-tar-tmpfs', append: 'qsbench.copy=tar:tmpfs' },
  { name: 'engine-rsync-tmpfs', append: 'qsbench.copy=rsync:tmpfs' },
  { name: 'engine-cp-zram', append: 'qsbench.copy=cp:zram-lz4' },
  { name: 'engine-tar-zram', append: 'qsbench.copy=tar:zram-lz4' },
];

const cs = (v: string | undefined): number => (v ? Number(v.replace(/cs$/, '')) / 100 : NaN);
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  // The copy-engine comparison (why the module copies with tar) takes a third of the run: only when asked.
  const engines = args.includes('--engines');
  const memMiB = Number(args.find((a) => a.startsWith('--mem='))?.slice(6) ?? 4096);
  requireTools();
  mkdirSync(BENCH, { recursive: true });
  ensureRootfs();
  const contentBytes = ensureImage();
  const initrd = buildInitramfs({
    flavour: 'systemd',
    extraModuleDirs: [join(REPO_ROOT, 'scripts', 'boot', '99qsbench')],
    addModules: ['qsbench'],
  });
  console.log(
    `image ${IMAGE} (${mib(statSync(IMAGE).size)}, content ${mib(contentBytes)}), VM ${memMiB} MiB, 2 vCPU TCG`,
  );

  const reports = new Map<string, GuestReport>();
  for (const spec of RUNS.filter((r) =>
    only ? only.includes(r.name) : engines || !r.name.startsWith('engine-'),
  )) {
    rmSync(RUN_IMAGE, { force: true });
    run('cp', ['--sparse=always', IMAGE, RUN_IMAGE]);
    const res = await boot({
      name: `bench-${spec.name.replace('#', '-')}`,
      initrd,
      disks: [RUN_IMAGE],
      memMiB,
      append: `init=${GUEST_INIT_PATH} ${spec.append}`.trim(),
      timeoutMs: 1_200_000,
    });
    const rep = res.report;
    if (!rep.complete)
      console.log(`  !! ${spec.name}: incomplete report (timed out: ${res.timedOut}), see ${res.logFile}`);
    reports.set(spec.name, rep);
    const st = rep.status;
    console.log(
      `  ${spec.name.padEnd(26)} userspace at ${f1(rep.uptimeInit)} s` +
        (st.result ? `  ${st.result}/${st.reason} setup ${st.seconds} s` : '') +
        (rep.rootRamBytes !== null ? `  root RAM ${mib(rep.rootRamBytes)}` : '') +
        (first(rep, 'bench.forum_seconds')
          ? `  forum copy ${f1(cs(first(rep, 'bench.forum_seconds')))} s rc=${first(rep, 'bench.forum_rc')}`
          : '') +
        (first(rep, 'bench.copy_seconds')
          ? `  copy ${f1(cs(first(rep, 'bench.copy_seconds')))} s rc=${first(rep, 'bench.copy_rc')} ${mib(Number(first(rep, 'bench.copy_bytes')))}`
          : '') +
        `  (wall ${f1(res.wallMs / 1000)} s)`,
    );
  }
  report(reports, contentBytes);
}

function report(reports: ReadonlyMap<string, GuestReport>, contentBytes: number): void {
  const get = (n: string): GuestReport | undefined => reports.get(n);
  const rootBytes = Number(
    get('zram-lz4')?.status.root_used_bytes ?? get('tmpfs')?.status.root_used_bytes ?? contentBytes,
  );
  const median = (xs: number[]): number => {
    const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return v.length === 0 ? NaN : (v[(v.length - 1) >> 1]! + v[v.length >> 1]!) / 2;
  };
  const repeated = (name: string, f: (r: GuestReport) => number): number =>
    median([...reports].filter(([n]) => n === name || n.startsWith(`${name}#`)).map(([, r]) => f(r)));
  const persistentT = repeated('persistent', (r) => r.uptimeInit);
  const overlayT = repeated('overlay', (r) => r.uptimeInit);
  const overlaySetup = repeated('overlay', (r) => Number(r.status.seconds));
  const limit = get('limit');
  const readBytes = Number(limit ? first(limit, 'bench.read_bytes') : NaN);
  const thr = (bytes: number, s: number): number => bytes / 1048576 / s;
  const lim = {
    read: thr(readBytes, cs(limit && first(limit, 'bench.read_cs'))),
    lz4: thr(readBytes, cs(limit && first(limit, 'bench.lz4_read_cs'))),
    zstd: thr(readBytes, cs(limit && first(limit, 'bench.zstd_read_cs'))),
    lz4Ram: thr(readBytes, cs(limit && first(limit, 'bench.lz4_ram_cs'))),
    zstdRam: thr(readBytes, cs(limit && first(limit, 'bench.zstd_ram_cs'))),
  };
  const forum = get('forum');
  const forumS = cs(forum && first(forum, 'bench.forum_seconds'));
  const forumZram = forum?.zram.find((z) => z.name === 'zram0');

  console.log('\n=== qubes-stateless boot benchmark ===');
  console.log(`root content: ${mib(rootBytes)} used on the disk root (df), tar stream ${mib(readBytes)}`);
  console.log(
    `guest limits (tar of the root, cold cache): read ${f1(lim.read)} MiB/s, read+lz4 -1 ${f1(lim.lz4)} MiB/s, read+zstd -T0 -3 ${f1(lim.zstd)} MiB/s`,
  );
  console.log(
    `guest raw compression from RAM: lz4 -1 ${f1(lim.lz4Ram)} MiB/s, zstd -T0 -3 ${f1(lim.zstdRam)} MiB/s`,
  );
  console.log(
    `forum recipe (zram0 lzo-rle, mkfs.ext2, cp -a /mnt/*): ${f1(forumS)} s` +
      (forumZram
        ? `, RAM ${mib(forumZram.memUsedBytes)} (${f2(forumZram.memUsedBytes / rootBytes)} per byte)`
        : ''),
  );
  console.log('');
  console.log(
    'mode           userspace  +vs persistent  setup s  MiB/s   vs forum  vs limit(read+comp)  vs raw comp  root RAM   RAM/byte',
  );
  const limits: Record<string, [number, number]> = {
    'zram-lz4': [lim.lz4, lim.lz4Ram],
    'zram-zstd': [lim.zstd, lim.zstdRam],
    'zram-lzo-rle': [lim.lz4, lim.lz4Ram],
    tmpfs: [lim.read, NaN],
  };
  for (const name of ['persistent', 'overlay', 'zram-lz4', 'zram-zstd', 'zram-lzo-rle', 'tmpfs']) {
    const r = get(name);
    if (!r) continue;
    const setup = Number(r.status.seconds ?? NaN);
    const copyThr = name === 'overlay' || name === 'persistent' ? NaN : thr(rootBytes, setup);
    const [limRead, limRaw] = limits[name] ?? [NaN, NaN];
    const ram = r.rootRamBytes ?? NaN;
    console.log(
      `${name.padEnd(14)} ${f1(r.uptimeInit).padStart(7)} s ${f1(r.uptimeInit - persistentT).padStart(9)} s ${(Number.isFinite(setup) ? f1(setup) : '-').padStart(8)}` +
        ` ${f1(copyThr).padStart(7)} ${(Number.isFinite(copyThr) ? `${f2(forumS / setup)}x` : '-').padStart(9)}` +
        ` ${(Number.isFinite(copyThr) ? `${((100 * copyThr) / limRead).toFixed(0)}%` : '-').padStart(20)}` +
        ` ${(Number.isFinite(copyThr) && Number.isFinite(limRaw) ? `${((100 * copyThr) / limRaw).toFixed(0)}%` : '-').padStart(12)}` +
        ` ${(Number.isFinite(ram) ? mib(ram) : '-').padStart(9)} ${(Number.isFinite(ram) ? f2(ram / rootBytes) : '-').padStart(9)}`,
    );
  }
  console.log(
    `\npersistent vs overlay, median of ${REPEATS} boots each: userspace at ${f1(persistentT)} s vs ${f1(overlayT)} s` +
      ` (overlay ${f1(overlayT - persistentT)} s; its own setup ${f2(overlaySetup)} s; persistent boots also run the root fsck)`,
  );
  console.log(
    `\ncopy engines (into tmpfs / zram-lz4, same cold start)${[...reports.keys()].some((n) => n.startsWith('engine-')) ? ':' : ': not run (--engines)'}`,
  );
  for (const [name, r] of reports) {
    if (!name.startsWith('engine-')) continue;
    const s = cs(first(r, 'bench.copy_seconds'));
    console.log(
      `  ${name.padEnd(26)} ${f1(s).padStart(6)} s  ${f1(thr(rootBytes, s)).padStart(6)} MiB/s  rc=${first(r, 'bench.copy_rc')}`,
    );
  }
  console.log(
    '\nTargets: copy modes >= 2x the forum recipe and >= 80% of the compression limit; overlay adds < 1 s; zram RAM/byte <= 0.35 with the best compressor.',
  );
}

await main();
