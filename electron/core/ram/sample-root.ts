import { createHash } from 'node:crypto';
import type { SampleStats } from '../../../shared/ram/ram-estimate.js';
import type { SystemReader } from '../system/system.js';
import type { PageCompressors, ZsmallocClasses } from './page-cost.js';
import { isSameFilled, PAGE } from './page-cost.js';

/**
 * Estimates zram's RAM per byte of the root by compressing a sample of the root's own pages.
 *
 * Walk: every directory of the root filesystem (sorted, so the walk is deterministic), skipping other
 * mounts and files this user cannot read (no sudo: a sample does not need them). Selection: each file is
 * taken with a probability proportional to its size, decided by a hash of its path (deterministic, spread
 * over the whole tree), and at most `perFilePages` pages of it, evenly strided. Each page is costed as zram
 * would store it (page-cost.ts); the ratio is a Horvitz–Thompson estimate: every sampled page stands for
 * 1/(selection probability × stride) pages of the root.
 */

export interface SampleProgress {
  readonly phase: 'walk' | 'compress';
  /** 0..1 of this phase. */
  readonly fraction: number;
  readonly files: number;
}

export interface SampleOptions {
  readonly compressors: PageCompressors;
  readonly zsmalloc: ZsmallocClasses;
  /** Pages to compress in all (default 65536 = 256 MiB). */
  readonly maxPages?: number;
  readonly perFilePages?: number;
  /** Files above this are not read whole (default 256 MiB); they are left out of the estimate. */
  readonly maxFileBytes?: number;
  readonly timeBudgetMs?: number;
  /** Absolute paths not to descend into besides other mounts (/proc, /sys …). */
  readonly skip?: readonly string[];
  readonly onProgress?: (p: SampleProgress) => void;
  /** The user id reads are made as (decides which files are readable without sudo). */
  readonly uid?: number;
  readonly now?: () => number;
}

export interface SampleResult {
  readonly stats: SampleStats;
  /** Estimated zram RAM ÷ bytes for each compressor (lzo-rle is derived by the caller). */
  readonly lz4Ratio: number;
  readonly zstdRatio: number;
}

export const DEFAULT_SKIP = [
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/tmp',
  '/boot',
  '/mnt',
  '/media',
  '/afs',
  '/lost+found',
];

interface FileEntry {
  readonly path: string;
  readonly pages: number;
}

/** A deterministic number in [0, 1) for a path. */
function hash01(path: string): number {
  return createHash('sha256').update(path).digest().readUInt32BE(0) / 2 ** 32;
}

/** Mount points other than / from /proc/self/mounts, when it is readable (the real dom0). */
async function otherMounts(sys: SystemReader): Promise<string[]> {
  const text = await sys.readText('/proc/self/mounts').catch(() => '');
  return text
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m): m is string => !!m && m !== '/')
    .map((m) => m.replace(/\\040/g, ' '));
}

export async function sampleRoot(sys: SystemReader, opts: SampleOptions): Promise<SampleResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const budget = opts.timeBudgetMs ?? 60_000;
  // The walk is the cheaper part per file but must see the whole tree for the sample to be fair.
  const walkDeadline = started + budget * 0.6;
  const deadline = started + budget;
  const maxPages = opts.maxPages ?? 65536;
  const perFilePages = opts.perFilePages ?? 256;
  const maxFileBytes = opts.maxFileBytes ?? 256 * 1024 * 1024;
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  const skip = new Set([...(opts.skip ?? DEFAULT_SKIP), ...(await otherMounts(sys))]);

  // --- walk ----------------------------------------------------------------------------------------------
  const files: FileEntry[] = [];
  let skippedUnreadable = 0;
  let complete = true;
  const stack = ['/'];
  let dirsDone = 0;
  while (stack.length > 0) {
    if (now() > walkDeadline) {
      complete = false;
      break;
    }
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = (await sys.listDir(dir)).sort();
    } catch {
      skippedUnreadable++;
      continue;
    }
    const subdirs: string[] = [];
    const paths = names
      .map((name) => (dir === '/' ? `/${name}` : `${dir}/${name}`))
      .filter((p) => !skip.has(p));
    // A few stats in flight at once: the walk is dominated by their latency, not by CPU.
    const stats = [];
    for (let i = 0; i < paths.length; i += 32)
      stats.push(...(await Promise.all(paths.slice(i, i + 32).map((p) => sys.stat(p).catch(() => null)))));
    for (const [i, p] of paths.entries()) {
      const st = stats[i];
      if (!st) continue;
      if (st.kind === 'dir') subdirs.push(p);
      else if (st.kind === 'file' && st.size > 0) {
        const readable = uid === 0 || (st.mode & 0o004) !== 0 || (st.uid === uid && (st.mode & 0o400) !== 0);
        if (!readable || st.size > maxFileBytes) skippedUnreadable++;
        else files.push({ path: p, pages: Math.ceil(st.size / PAGE) });
      }
    }
    // Depth first, in name order.
    stack.push(...subdirs.reverse());
    if (++dirsDone % 256 === 0)
      opts.onProgress?.({ phase: 'walk', fraction: stack.length === 0 ? 1 : 0.5, files: files.length });
  }
  opts.onProgress?.({ phase: 'walk', fraction: 1, files: files.length });

  // --- selection: inclusion probability p = min(1, pages × c), c so the expected sample is maxPages ---------
  const cost = (f: FileEntry, c: number) => Math.min(1, f.pages * c) * Math.min(f.pages, perFilePages);
  const expected = (c: number) => files.reduce((s, f) => s + cost(f, c), 0);
  let c = Infinity;
  if (expected(1) > maxPages) {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (expected(mid) > maxPages) hi = mid;
      else lo = mid;
    }
    c = lo;
  }
  const chosen = files
    .map((f) => ({ ...f, p: Math.min(1, f.pages * c), h: hash01(f.path) }))
    .filter((f) => f.h < f.p)
    // Hash order: if time runs out, what was done is still a spread-out part of the selection.
    .sort((a, b) => a.h - b.h);

  // --- compress -------------------------------------------------------------------------------------------
  let weightBytes = 0;
  let weightLz4 = 0;
  let weightZstd = 0;
  let sampledPages = 0;
  let sameFilled = 0;
  let sampledFiles = 0;
  const page = new Uint8Array(PAGE);
  for (const f of chosen) {
    if (now() > deadline) break;
    let data: Buffer;
    try {
      data = await sys.readFile(f.path);
    } catch {
      skippedUnreadable++;
      continue;
    }
    const pages = Math.ceil(data.length / PAGE);
    if (pages === 0) continue;
    const stride = Math.max(1, Math.ceil(pages / perFilePages));
    let n = 0;
    let lz = 0;
    let zs = 0;
    for (let i = 0; i < pages; i += stride) {
      page.fill(0);
      page.set(data.subarray(i * PAGE, Math.min(data.length, (i + 1) * PAGE)));
      n++;
      if (isSameFilled(page)) {
        sameFilled++;
        continue;
      }
      lz += opts.zsmalloc.costOf[Math.min(PAGE, opts.compressors.lz4(page))]!;
      zs += opts.zsmalloc.costOf[Math.min(PAGE, opts.compressors.zstd(page))]!;
    }
    // Each sampled page stands for pages/n pages of this file, and the file for 1/p files like it.
    const w = pages / n / f.p;
    weightBytes += n * PAGE * w;
    weightLz4 += lz * w;
    weightZstd += zs * w;
    sampledPages += n;
    sampledFiles++;
    if (sampledFiles % 64 === 0)
      opts.onProgress?.({
        phase: 'compress',
        fraction: Math.min(1, sampledFiles / chosen.length),
        files: sampledFiles,
      });
  }
  opts.onProgress?.({ phase: 'compress', fraction: 1, files: sampledFiles });
  return {
    stats: {
      walkedFiles: files.length,
      sampledFiles,
      sampledPages,
      sameFilledPages: sameFilled,
      skippedUnreadable,
      complete: complete && sampledFiles === chosen.length,
      elapsedMs: Math.max(0, Math.round(now() - started)),
    },
    lz4Ratio: weightBytes > 0 ? weightLz4 / weightBytes : NaN,
    zstdRatio: weightBytes > 0 ? weightZstd / weightBytes : NaN,
  };
}
