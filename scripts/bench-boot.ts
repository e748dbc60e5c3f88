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
// Each copy mode is measured per copy stream count (1 = the default single pipeline, 2 = the VM's
// vCPUs), zram per compressor and algorithm_params level (6.12+), on each kernel series (Debian's 6.1 and
// bookworm-backports' 6.12), each with its own forum recipe and read+compress limit. The configurations are
// scripts/bench-matrix.ts's; every measured one prints a BENCH line.
//
//   npx tsx scripts/bench-boot.ts [--dry-run] [--kernels=6.1,6.12] [--only=name,name] [--engines]
//                                 [--repeats=N] [--mem=MiB]

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
  findKernel,
  first,
  requireTools,
  run,
  type GuestReport,
  type KernelInfo,
} from '../e2e/boot/harness.js';
import {
  DEFAULT_MATRIX,
  benchLine,
  benchMatrix,
  kernelCaps,
  paramsLabel,
  scalingEstimate,
  type BenchConfig,
  type KernelCaps,
} from './bench-matrix.js';
import { settingKey } from '../shared/ram/zram-settings.js';

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

const cs = (v: string | undefined): number => (v ? Number(v.replace(/cs$/, '')) / 100 : NaN);
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const MiB = 1048576;
/** The dom0 the scaling estimate is for. */
const PREDICT_CORES = 8;

interface Kernel {
  readonly info: KernelInfo;
  readonly caps: KernelCaps;
}

/** The kernels of the run that this host has (a missing one is reported, not fatal). */
function kernels(series: readonly string[]): Kernel[] {
  const out: Kernel[] = [];
  for (const s of series) {
    let info: KernelInfo;
    try {
      info = findKernel(s);
    } catch (e) {
      console.log(`kernel ${s}: skipped (${(e as Error).message})`);
      continue;
    }
    const config = join('/boot', `config-${info.kver}`);
    const text = existsSync(config) ? readFileSync(config, 'utf8') : '';
    out.push({ info, caps: kernelCaps(s, text) });
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = opt('only')?.split(',');
  // The copy-engine comparison (why the module copies with tar) takes a third of the run: only when asked.
  const engines = args.includes('--engines');
  const memMiB = Number(opt('mem') ?? 4096);
  const repeats = Number(opt('repeats') ?? DEFAULT_MATRIX.repeats);
  const dryRun = args.includes('--dry-run') || args.includes('--list');
  const ks = kernels(opt('kernels')?.split(',') ?? ['6.1', '6.12']);
  const matrix = benchMatrix(
    ks.map((k) => k.caps),
    { ...DEFAULT_MATRIX, engines, repeats },
  ).filter((c) => !only || only.includes(c.name));
  for (const k of ks)
    console.log(
      `kernel ${k.caps.series}: ${k.info.kver}, zram ${k.caps.compressors.join('/')}` +
        `${k.caps.algorithmParams ? ', algorithm_params' : ', no algorithm_params'}`,
    );
  if (dryRun) {
    for (const c of matrix) console.log(`  ${c.name.padEnd(28)} ${c.append || '(no words)'}`);
    const copies = matrix.filter((c) =>
      ['zram', 'tmpfs', 'forum', 'limit', 'engine'].includes(c.kind),
    ).length;
    console.log(
      `${matrix.length} boots (${copies} that copy the root: about 1-10 min each under TCG on this host, zstd level 9 the longest; the others about 20-30 s)`,
    );
    return;
  }
  requireTools();
  mkdirSync(BENCH, { recursive: true });
  ensureRootfs();
  const contentBytes = ensureImage();
  const initrds = new Map(
    ks.map((k) => [
      k.caps.series,
      buildInitramfs({
        flavour: 'systemd',
        kernel: k.info,
        extraModuleDirs: [join(REPO_ROOT, 'scripts', 'boot', '99qsbench')],
        addModules: ['qsbench'],
      }),
    ]),
  );
  console.log(
    `image ${IMAGE} (${mib(statSync(IMAGE).size)}, content ${mib(contentBytes)}), VM ${memMiB} MiB, 2 vCPU TCG`,
  );

  const reports = new Map<string, GuestReport>();
  for (const spec of matrix) {
    const k = ks.find((x) => x.caps.series === spec.kernel)!;
    rmSync(RUN_IMAGE, { force: true });
    run('cp', ['--sparse=always', IMAGE, RUN_IMAGE]);
    const res = await boot({
      name: `bench-${spec.name.replace(/[#@]/g, '-')}`,
      initrd: initrds.get(spec.kernel)!,
      kernel: k.info,
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
      `  ${spec.name.padEnd(28)} userspace at ${f1(rep.uptimeInit)} s` +
        (st.result ? `  ${st.result}/${st.reason} setup ${st.seconds} s streams ${st.streams ?? '-'}` : '') +
        (rep.rootRamBytes !== null ? `  root RAM ${mib(rep.rootRamBytes)}` : '') +
        (first(rep, 'bench.forum_seconds')
          ? `  forum copy ${f1(cs(first(rep, 'bench.forum_seconds')))} s rc=${first(rep, 'bench.forum_rc')} comp=${first(rep, 'bench.forum_comp')}`
          : '') +
        (first(rep, 'bench.copy_seconds')
          ? `  copy ${f1(cs(first(rep, 'bench.copy_seconds')))} s rc=${first(rep, 'bench.copy_rc')} ${mib(Number(first(rep, 'bench.copy_bytes')))}`
          : '') +
        `  (wall ${f1(res.wallMs / 1000)} s)`,
    );
  }
  for (const k of ks)
    report(
      matrix.filter((c) => c.kernel === k.caps.series),
      reports,
      contentBytes,
      k,
    );
  console.log(
    '\nTargets: copy modes >= 2x the forum recipe and >= 80% of the compression limit; overlay adds < 1 s; zram RAM/byte <= 0.35 with the best compressor.',
  );
}

const median = (xs: number[]): number => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length === 0 ? NaN : (v[(v.length - 1) >> 1]! + v[v.length >> 1]!) / 2;
};

function report(
  configs: readonly BenchConfig[],
  reports: ReadonlyMap<string, GuestReport>,
  contentBytes: number,
  k: Kernel,
): void {
  const series = k.caps.series;
  const measured = configs.filter((c) => reports.has(c.name));
  const rep = (c: BenchConfig) => reports.get(c.name)!;
  const ofKind = (kind: BenchConfig['kind']) => measured.filter((c) => c.kind === kind);
  const copyRun = measured.find(
    (c) => (c.kind === 'zram' || c.kind === 'tmpfs') && rep(c).status.root_used_bytes,
  );
  const rootBytes = Number(copyRun ? rep(copyRun).status.root_used_bytes : contentBytes);
  const limit = ofKind('limit')[0];
  const lr = limit && rep(limit);
  const readBytes = Number(lr ? first(lr, 'bench.read_bytes') : NaN);
  const thr = (bytes: number, s: number): number => bytes / MiB / s;
  const limitOf = (key: string) => thr(readBytes, cs(lr && first(lr, `bench.${key}`)));
  const lim = {
    read: limitOf('read_cs'),
    lz4: limitOf('lz4_read_cs'),
    zstd: limitOf('zstd_read_cs'),
    lz4Ram: limitOf('lz4_ram_cs'),
    zstdRam: limitOf('zstd_ram_cs'),
  };
  /** The read+compress limit that matches a configuration (zstd at its level where measured). */
  const limitFor = (c: BenchConfig): number => {
    if (c.kind === 'tmpfs') return lim.read;
    if (c.comp === 'zstd') {
      const atLevel = c.level === null ? NaN : limitOf(`zstd${c.level}_read_cs`);
      return Number.isFinite(atLevel) ? atLevel : lim.zstd;
    }
    return lim.lz4;
  };
  const forum = ofKind('forum')[0];
  const fr = forum && rep(forum);
  const forumS = cs(fr && first(fr, 'bench.forum_seconds'));
  const forumZram = fr?.zram.find((z) => z.name === 'zram0');
  const forumComp = (fr && first(fr, 'bench.forum_comp')) ?? 'lzo-rle';
  const persistentT = median(ofKind('persistent').map((c) => rep(c).uptimeInit));
  const overlayT = median(ofKind('overlay').map((c) => rep(c).uptimeInit));
  const overlaySetup = median(ofKind('overlay').map((c) => Number(rep(c).status.seconds)));

  console.log(`\n=== qubes-stateless boot benchmark, kernel ${series} (${k.info.kver}) ===`);
  console.log(`root content: ${mib(rootBytes)} used on the disk root (df), tar stream ${mib(readBytes)}`);
  console.log(
    `guest limits (tar of the root, cold cache): read ${f1(lim.read)} MiB/s, read+lz4 -1 ${f1(lim.lz4)} MiB/s, read+zstd -T0 -3 ${f1(lim.zstd)} MiB/s` +
      (DEFAULT_MATRIX.levels.zstd ?? [])
        .map((l) => [l, limitOf(`zstd${l}_read_cs`)] as const)
        .filter(([, v]) => Number.isFinite(v))
        .map(([l, v]) => `, read+zstd -${l} ${f1(v)} MiB/s`)
        .join(''),
  );
  console.log(
    `guest raw compression from RAM: lz4 -1 ${f1(lim.lz4Ram)} MiB/s, zstd -T0 -3 ${f1(lim.zstdRam)} MiB/s`,
  );
  console.log(
    `forum recipe (zram0 ${forumComp}, mkfs.ext2, cp -a /mnt/*): ${f1(forumS)} s` +
      (forumZram
        ? `, RAM ${mib(forumZram.memUsedBytes)} (${f2(forumZram.memUsedBytes / rootBytes)} per byte)`
        : ''),
  );
  console.log(
    `persistent vs overlay, median of ${ofKind('persistent').length}/${ofKind('overlay').length} boots: userspace at ${f1(persistentT)} s vs ${f1(overlayT)} s` +
      ` (overlay ${f1(overlayT - persistentT)} s; its own setup ${f2(overlaySetup)} s; persistent boots also run the root fsck)`,
  );

  const lines: string[] = [];
  const row = (c: BenchConfig, mode: string, setupS: number, vsLimit: number, ram: number) =>
    lines.push(
      benchLine({
        mode,
        comp: c.comp,
        params: c.kind === 'zram' ? paramsLabel(c.level) : null,
        streams: c.streams,
        kernel: series,
        setupS,
        vsForum: forumS / setupS,
        vsLimit,
        ramPerByte: ram / rootBytes,
      }),
    );
  if (ofKind('persistent').length)
    lines.push(
      benchLine({
        mode: 'persistent',
        comp: null,
        params: null,
        streams: null,
        kernel: series,
        setupS: NaN,
        vsForum: NaN,
        vsLimit: NaN,
        ramPerByte: NaN,
      }),
    );
  if (ofKind('overlay').length) {
    const ram = median(ofKind('overlay').map((c) => rep(c).rootRamBytes ?? NaN));
    lines.push(
      benchLine({
        mode: 'overlay',
        comp: null,
        params: null,
        streams: null,
        kernel: series,
        setupS: overlaySetup,
        vsForum: NaN,
        vsLimit: NaN,
        ramPerByte: ram / rootBytes,
      }),
    );
  }
  for (const c of measured.filter((x) => x.kind === 'zram' || x.kind === 'tmpfs')) {
    const r = rep(c);
    const setup = r.status.result === 'active' ? Number(r.status.seconds) : NaN;
    if (r.status.result !== 'active')
      console.log(
        `  ${c.name}: ${r.status.result ?? 'no status'}/${r.status.reason ?? ''} ${r.status.message ?? ''}`,
      );
    if (r.status.streams && c.streams !== null && r.status.streams !== String(c.streams))
      console.log(`  ${c.name}: asked for ${c.streams} streams, the boot used ${r.status.streams}`);
    row(c, c.kind, setup, thr(rootBytes, setup) / limitFor(c), r.rootRamBytes ?? NaN);
  }
  if (forum) {
    lines.push(
      benchLine({
        mode: 'forum',
        comp: forumComp,
        params: 'default',
        streams: 1,
        kernel: series,
        setupS: forumS,
        vsForum: 1,
        vsLimit: thr(rootBytes, forumS) / (forumComp === 'zstd' ? lim.zstd : lim.lz4),
        ramPerByte: (forumZram?.memUsedBytes ?? NaN) / rootBytes,
      }),
    );
  }
  console.log('');
  for (const l of lines) console.log(l);
  // The RAM model's table of measured ratios per setting (shared/ram/zram-settings.ts BOOT_RATIOS), one stream.
  const ratios = measured
    .filter((c) => c.kind === 'zram' && c.streams === 1 && rep(c).status.result === 'active')
    .map(
      (c) =>
        `'${settingKey({ compressor: c.comp!, level: c.level })}': ${f2((rep(c).rootRamBytes ?? NaN) / rootBytes)}`,
    );
  if (ratios.length) console.log(`BOOT_RATIOS (kernel ${series}): { ${ratios.join(', ')} }`);

  // How the copy would scale: each configuration measured with 1 and 2 streams.
  console.log(
    `\nScaling to ${PREDICT_CORES} cores (estimate): Amdahl's law fitted to the 1- and 2-stream copy times of the same` +
      ` configuration (parallel fraction p from t1/t2), then t = t1 × ((1 − p) + p / streams), never below the root` +
      ` read at this VM's disk read limit (${f1(lim.read)} MiB/s, one reader) unless 2 streams beat it.` +
      ` Assumes cores as fast as this VM's.`,
  );
  const key = (c: BenchConfig) => `${c.kind}/${c.comp ?? '-'}/${paramsLabel(c.level)}`;
  const groups = new Map<string, BenchConfig[]>();
  for (const c of measured.filter((x) => x.streams !== null && (x.kind === 'zram' || x.kind === 'tmpfs')))
    groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  for (const cs2 of groups.values()) {
    const t = (n: number) => {
      const c = cs2.find((x) => x.streams === n);
      return c && rep(c).status.result === 'active' ? Number(rep(c).status.seconds) : NaN;
    };
    const [t1, t2] = [t(1), t(2)];
    if (!Number.isFinite(t1) || !Number.isFinite(t2)) continue;
    const e = scalingEstimate({
      bytes: rootBytes,
      t1,
      tN: t2,
      streamsMeasured: 2,
      cores: PREDICT_CORES,
      readLimitBps: lim.read * MiB,
    });
    const c = cs2[0]!;
    console.log(
      `SCALE mode=${c.kind} comp=${c.comp ?? '-'} params=${c.kind === 'zram' ? paramsLabel(c.level) : '-'} kernel=${series}` +
        ` t1_s=${f1(t1)} t2_s=${f1(t2)} parallel=${f2(e.parallelFraction)} streams=${e.streams}` +
        ` est_s=${f1(e.estimateS)} bound=${e.bound} vs_forum=${f2(forumS / e.estimateS)}`,
    );
  }
  const engineRuns = ofKind('engine');
  console.log(
    `\ncopy engines (into tmpfs / zram-lz4, same cold start)${engineRuns.length ? ':' : ': not run (--engines)'}`,
  );
  for (const c of engineRuns) {
    const s = cs(first(rep(c), 'bench.copy_seconds'));
    console.log(
      `  ${c.name.padEnd(28)} ${f1(s).padStart(6)} s  ${f1(thr(rootBytes, s)).padStart(6)} MiB/s  rc=${first(rep(c), 'bench.copy_rc')}`,
    );
  }
}

await main();
