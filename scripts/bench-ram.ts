// npm run bench:ram — checks the RAM model against real boots (not a test: it prints figures).
//
// One root directory (a busybox test root from the boot harness plus a few hundred MB of this machine's
// /usr: ELF binaries, Python, Perl, documentation, translations) is made into an ext4 image and booted
// under QEMU/TCG with the real dracut module in each stateless mode (e2e/boot/harness.ts). The guest
// reports the RAM its root takes (zram mm_stat mem_used_total, tmpfs used, overlay upper used). The model's
// prediction for the same root comes from the same code the wizard runs: the root sampler over the
// directory (through a read-only System, DirSystem) and computeRamModel.
//
// Options (environment): QS_BENCH_PAYLOAD_MIB (default 400), QS_BENCH_MEM_MIB (default 2560),
// QS_BENCH_MODES (default "overlay tmpfs zram:lz4 zram:zstd zram:lzo-rle").

import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Compressor } from '../shared/choices.js';
import type { StatelessMode } from '../shared/facts.js';
import { QMEMMAN_DEFAULTS } from '../shared/ram/constants.js';
import { computeRamModel } from '../shared/ram/model.js';
import type { CompressionRatio, RamModelInput } from '../shared/ram/ram-estimate.js';
import { DirSystem } from '../electron/core/ram/dir-system.js';
import { measureRatios } from '../electron/core/ram/estimate-ram.js';
import {
  boot,
  buildInitramfs,
  buildRootImage,
  CACHE,
  findKernel,
  makeTestRoot,
  requireTools,
  run,
} from '../e2e/boot/harness.js';

const MiB = 1024 * 1024;
const PAYLOAD_MIB = Number(process.env.QS_BENCH_PAYLOAD_MIB ?? 400);
const MEM_MIB = Number(process.env.QS_BENCH_MEM_MIB ?? 2560);
const MODES = (process.env.QS_BENCH_MODES ?? 'overlay tmpfs zram:lz4 zram:zstd zram:lzo-rle')
  .split(/\s+/)
  .filter(Boolean);
/** Reserve passed to the boot kit: the VM is small, dom0's 1024 MiB default would not leave room. */
const RESERVE_MIB = 256;

/** Sources of the payload, in order, until PAYLOAD_MIB is reached (files over 32 MiB are left out). */
const SOURCES = [
  '/usr/lib/python3.11',
  '/usr/share/perl',
  '/usr/share/doc',
  '/usr/bin',
  '/usr/share/locale',
  '/usr/lib/x86_64-linux-gnu',
];

/** Copies regular files from SOURCES into root/payload until `budget` bytes. */
function addPayload(root: string, budget: number): void {
  let total = 0;
  const walk = (src: string, rel: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(src).sort();
    } catch {
      return true;
    }
    for (const n of names) {
      if (total >= budget) return false;
      const p = join(src, n);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (!walk(p, join(rel, n))) return false;
      } else if (st.isFile() && st.size <= 32 * MiB) {
        mkdirSync(join(root, 'payload', rel), { recursive: true });
        cpSync(p, join(root, 'payload', rel, n));
        total += st.size;
      }
    }
    return true;
  };
  for (const s of SOURCES) if (existsSync(s) && !walk(s, s.slice(1))) break;
}

function duOf(dir: string, flag: string): number {
  return Number(run('du', ['-sx', flag, dir]).split('\t')[0]);
}

function predict(
  mode: StatelessMode,
  compressor: Compressor,
  ratio: CompressionRatio,
  usedMiB: number,
  inodes: number,
) {
  const input: RamModelInput = {
    release: '4.3',
    hostTotalMiB: MEM_MIB,
    dom0: { currentMiB: MEM_MIB, minMiB: null, maxMiB: null },
    bootedStateless: false,
    mode,
    compressor,
    ratio,
    root: { usedMiB, inodes, breakdown: [], source: 'du' },
    dom0UsedMiB: 0,
    qmemman: { ...QMEMMAN_DEFAULTS, source: 'default' },
    swap: { diskMiB: 0, zramMiB: 0 },
    autostart: [],
    ramPool: { enabled: false, sizeMiB: null, clones: [] },
    fileVolumesOnRoot: [],
    dom0MemMaxMiB: null,
    entry: { promptTimeoutSec: null, hardening: false },
  };
  const m = computeRamModel(input);
  // The guest measures zsmalloc's pages (mm_stat mem_used_total), not zram's table: compare like with like.
  return { atBootMiB: m.root.atBootMiB - m.root.zramTableMiB, fsOverheadMiB: m.root.fsOverheadMiB };
}

async function main(): Promise<void> {
  requireTools();
  const kernel = findKernel();
  // zsmalloc packs objects into up to 4 pages per zspage before Linux 6.3 (CONFIG_ZSMALLOC_CHAIN_SIZE after).
  const major = kernel.kver.split('.').map(Number);
  const chain = major[0]! > 6 || (major[0] === 6 && major[1]! >= 3) ? 8 : 4;
  const work = join(CACHE, 'bench-ram');
  const root = join(work, `root-${PAYLOAD_MIB}`);
  const image = join(work, `root-${PAYLOAD_MIB}.ext4`);
  if (!existsSync(image)) {
    console.log(`building a test root with ${PAYLOAD_MIB} MiB of this machine's /usr …`);
    makeTestRoot(root, {});
    addPayload(root, PAYLOAD_MIB * MiB);
    buildRootImage(root, image, Math.ceil(PAYLOAD_MIB * 1.6) + 256);
  }
  const usedBytes = duOf(root, '-B1');
  const inodes = duOf(root, '--inodes');
  const usedMiB = Math.ceil(usedBytes / MiB);
  console.log(`root: ${usedMiB} MiB used, ${inodes} inodes; kernel ${kernel.kver} (zsmalloc chain ${chain})`);

  const t0 = Date.now();
  // The wizard's own measurement (sampling, rounding, fallbacks), over the directory instead of dom0's root.
  const { ratios, note, sample } = await measureRatios(new DirSystem(root), {
    zsmallocChain: chain,
    maxSamplePages: 32768,
    timeBudgetMs: 300_000,
  });
  const pctOf = (r: CompressionRatio) => `${(r.ratio * 100).toFixed(1)}% (${r.method})`;
  console.log(
    `sampler: ${sample ? `${sample.sampledPages} pages of ${sample.sampledFiles}/${sample.walkedFiles} files` : 'no sample'} in ${((Date.now() - t0) / 1000).toFixed(1)} s → ` +
      `lz4 ${pctOf(ratios.lz4)}, zstd ${pctOf(ratios.zstd)}, lzo-rle ${pctOf(ratios['lzo-rle'])}${note ? ` [${note}]` : ''}`,
  );

  const initrd = buildInitramfs({ flavour: 'minimal', kernel });
  const rows: string[][] = [['mode', 'predicted MiB', 'measured MiB', 'error', 'detail']];
  const results: unknown[] = [];
  for (const spec of MODES) {
    const [mode, comp] = spec.split(':') as [StatelessMode, Compressor | undefined];
    const compressor = comp ?? 'lz4';
    const append = [
      `rd.qubes.stateless=${mode}`,
      `rd.qubes.stateless.reserve=${RESERVE_MIB}`,
      ...(mode === 'zram' ? [`rd.qubes.stateless.comp=${compressor}`] : []),
    ].join(' ');
    const started = Date.now();
    const r = await boot({
      name: `bench-ram-${mode}${comp ? `-${comp}` : ''}`,
      initrd,
      disks: [image],
      memMiB: MEM_MIB,
      append,
      timeoutMs: 900_000,
      kernel,
    });
    const rep = r.report;
    const p = predict(mode, compressor, ratios[compressor], usedMiB, inodes);
    const measured = rep.rootRamBytes === null ? NaN : rep.rootRamBytes / MiB;
    const err = measured > 0 ? ((p.atBootMiB - measured) / measured) * 100 : NaN;
    const z = rep.zram.find((x) => `/dev/${x.name}` === rep.rootSource);
    const detail =
      rep.status.result !== 'active'
        ? `NOT ACTIVE: ${rep.status.reason ?? '?'} ${rep.status.message ?? ''} (log ${r.logFile})`
        : z
          ? `orig ${(z.origBytes / MiB).toFixed(0)} MiB, compr ${(z.comprBytes / MiB).toFixed(1)} MiB, mem_used ${(z.memUsedBytes / MiB).toFixed(1)} MiB; ratio mem_used/used ${((z.memUsedBytes / usedBytes) * 100).toFixed(1)}%`
          : `root ${rep.rootFstype}; MemTotal ${Math.round((rep.meminfoKiB.MemTotal ?? 0) / 1024)} MiB of ${MEM_MIB}`;
    rows.push([
      spec,
      p.atBootMiB.toFixed(0),
      Number.isFinite(measured) ? measured.toFixed(1) : '-',
      Number.isFinite(err) ? `${err >= 0 ? '+' : ''}${err.toFixed(1)}%` : '-',
      `${detail}; boot ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ]);
    results.push({
      spec,
      predictedMiB: p.atBootMiB,
      measuredMiB: measured,
      errorPct: err,
      status: rep.status,
      zram: z ?? null,
      meminfoKiB: rep.meminfoKiB,
      rootUsedKiB: rep.rootUsedKiB,
    });
    console.log(rows.at(-1)!.join(' | '));
  }
  console.log('\n' + rows.map((r) => r.map((c, i) => (i < 4 ? c.padEnd(14) : c)).join(' ')).join('\n'));
  writeFileSync(
    join(work, 'results.json'),
    JSON.stringify({ usedBytes, inodes, kernel: kernel.kver, chain, ratios, sample, results }, null, 2),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
