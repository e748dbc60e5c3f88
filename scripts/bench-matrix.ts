// The pure parts of the boot benchmark (scripts/bench-boot.ts): which configurations it boots, the
// machine-readable BENCH line of each, and the estimate of the copy time on more cores. No I/O here, so
// scripts/bench-matrix.test.ts can check each with hand-written figures.

import type { Compressor } from '../shared/choices.js';
import { BOOT_KIT_MAX_STREAMS } from '../shared/ram/constants.js';

export type BenchKind = 'persistent' | 'overlay' | 'zram' | 'tmpfs' | 'forum' | 'limit' | 'engine';

export interface BenchConfig {
  /** Unique; also the VM's log name. */
  readonly name: string;
  readonly kind: BenchKind;
  /** Kernel series, e.g. "6.1", "6.12". */
  readonly kernel: string;
  readonly comp: Compressor | null;
  /** zram algorithm_params level (rd.qubes.stateless.comp_level); null: the kernel's default. */
  readonly level: number | null;
  /** rd.qubes.stateless.streams; null where there is no copy of ours. */
  readonly streams: number | null;
  /** Kernel command line words of this boot. */
  readonly append: string;
}

/** What a kernel's zram can do, from its /boot/config-<kver>. */
export interface KernelCaps {
  readonly series: string;
  /** zram has algorithm_params (Linux 6.12+). */
  readonly algorithmParams: boolean;
  /** The zram compressors of ours (lz4, zstd, lzo-rle) this kernel has. */
  readonly compressors: readonly Compressor[];
}

const COMPRESSORS: readonly Compressor[] = ['lz4', 'zstd', 'lzo-rle'];

/**
 * zram's compressors by kernel config. From 6.12 zram has its own backends, one switch each
 * (CONFIG_ZRAM_BACKEND_LZ4, _ZSTD, _LZO; lzo-rle is in the LZO backend; Debian's 6.12.95 sets LZ4/ZSTD but
 * not LZO, Qubes' stable-6.12 config-base sets all three). Before, zram used the crypto API
 * (CONFIG_CRYPTO_LZ4, _ZSTD, _LZO; lzo-rle is part of the LZO module).
 */
export function kernelCaps(series: string, configText: string): KernelCaps {
  const on = (sym: string) => new RegExp(`^CONFIG_${sym}=[ym]$`, 'm').test(configText);
  const [maj = 0, min = 0] = series.split('.').map(Number);
  const ownBackends = maj > 6 || (maj === 6 && min >= 12);
  const sym: Record<Compressor, string> = ownBackends
    ? { lz4: 'ZRAM_BACKEND_LZ4', zstd: 'ZRAM_BACKEND_ZSTD', 'lzo-rle': 'ZRAM_BACKEND_LZO' }
    : { lz4: 'CRYPTO_LZ4', zstd: 'CRYPTO_ZSTD', 'lzo-rle': 'CRYPTO_LZO' };
  return { series, algorithmParams: ownBackends, compressors: COMPRESSORS.filter((c) => on(sym[c])) };
}

export interface MatrixOptions {
  /** Copy stream counts to measure (1 = today's single pipeline; 2 = the VM's vCPUs). */
  readonly streams: readonly number[];
  /** algorithm_params levels to try per compressor, on kernels that have algorithm_params. */
  readonly levels: Readonly<Partial<Record<Compressor, readonly number[]>>>;
  /** Boots of persistent and overlay per kernel (their medians are reported). */
  readonly repeats: number;
  /** The copy-engine comparison (cp -a, tar, rsync) as well. */
  readonly engines: boolean;
}

export const DEFAULT_MATRIX: MatrixOptions = {
  streams: [1, 2],
  // The kernel's zstd default is level 3 (zstd_default_clevel); 1 is faster, 9 smaller.
  levels: { zstd: [1, 9] },
  repeats: 3,
  engines: false,
};

/** `level:9`, or `default` for the kernel's own. */
export const paramsLabel = (level: number | null): string => (level === null ? 'default' : `level:${level}`);

/** Every boot of the benchmark, kernel by kernel. */
export function benchMatrix(
  kernels: readonly KernelCaps[],
  o: MatrixOptions = DEFAULT_MATRIX,
): BenchConfig[] {
  const out: BenchConfig[] = [];
  for (const k of kernels) {
    const at = `@${k.series}`;
    const base = { kernel: k.series, comp: null, level: null, streams: null } as const;
    for (let i = 0; i < o.repeats; i++) {
      const n = i === 0 ? '' : `#${i + 1}`;
      out.push({ ...base, name: `persistent${n}${at}`, kind: 'persistent', append: '' });
    }
    for (let i = 0; i < o.repeats; i++) {
      const n = i === 0 ? '' : `#${i + 1}`;
      out.push({ ...base, name: `overlay${n}${at}`, kind: 'overlay', append: 'rd.qubes.stateless=overlay' });
    }
    for (const s of o.streams)
      out.push({
        ...base,
        name: `tmpfs-s${s}${at}`,
        kind: 'tmpfs',
        streams: s,
        append: `rd.qubes.stateless=tmpfs rd.qubes.stateless.streams=${s}`,
      });
    for (const comp of k.compressors) {
      const levels = [null, ...(k.algorithmParams ? (o.levels[comp] ?? []) : [])];
      for (const level of levels)
        for (const s of o.streams)
          out.push({
            ...base,
            name: `zram-${comp}${level === null ? '' : `-l${level}`}-s${s}${at}`,
            kind: 'zram',
            comp,
            level,
            streams: s,
            append:
              `rd.qubes.stateless=zram rd.qubes.stateless.comp=${comp}` +
              (level === null ? '' : ` rd.qubes.stateless.comp_level=${level}`) +
              ` rd.qubes.stateless.streams=${s}`,
          });
    }
    // The recipe asks for lzo-rle; a kernel without it gives the recipe its default (recorded per boot).
    out.push({ ...base, name: `forum${at}`, kind: 'forum', streams: 1, append: 'qsbench.forum=1' });
    const zstdLevels = k.algorithmParams ? (o.levels.zstd ?? []) : [];
    out.push({
      ...base,
      name: `limit${at}`,
      kind: 'limit',
      append: `qsbench.limit=1${zstdLevels.length ? ` qsbench.zstd_levels=${zstdLevels.join(',')}` : ''}`,
    });
    if (o.engines)
      for (const [engine, target] of [
        ['cp', 'tmpfs'],
        ['cp-nosparse', 'tmpfs'],
        ['tar', 'tmpfs'],
        ['rsync', 'tmpfs'],
        ['cp', 'zram-lz4'],
        ['tar', 'zram-lz4'],
      ] as const)
        out.push({
          ...base,
          name: `engine-${engine}-${target}${at}`,
          kind: 'engine',
          append: `qsbench.copy=${engine}:${target}`,
        });
  }
  return out;
}

/** One measured configuration, as the BENCH line prints it. NaN: not measured / not applicable. */
export interface BenchRow {
  readonly mode: string;
  readonly comp: string | null;
  readonly params: string | null;
  readonly streams: number | null;
  readonly kernel: string;
  readonly setupS: number;
  readonly vsForum: number;
  readonly vsLimit: number;
  readonly ramPerByte: number;
}

const num = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** `BENCH mode=zram comp=zstd params=level:9 streams=2 kernel=6.12 setup_s=41.2 vs_forum=1.74 …` */
export function benchLine(r: BenchRow): string {
  return [
    'BENCH',
    `mode=${r.mode}`,
    `comp=${r.comp ?? '-'}`,
    `params=${r.params ?? '-'}`,
    `streams=${r.streams ?? '-'}`,
    `kernel=${r.kernel}`,
    `setup_s=${num(r.setupS, 1)}`,
    `vs_forum=${num(r.vsForum, 2)}`,
    `vs_limit=${num(r.vsLimit, 2)}`,
    `ram_per_byte=${num(r.ramPerByte, 2)}`,
  ].join(' ');
}

export interface ScalingInput {
  /** Bytes copied (the root's used bytes). */
  readonly bytes: number;
  /** Copy time with 1 stream and with `streamsMeasured` streams on as many CPUs, seconds. */
  readonly t1: number;
  readonly tN: number;
  readonly streamsMeasured: number;
  /** Cores of the dom0 to predict for (streams = cores, up to the boot kit's maximum). */
  readonly cores: number;
  /** What the disk delivers to one reader (tar | cat, cold cache), bytes/s: the copy cannot beat it. */
  readonly readLimitBps: number;
}

export interface ScalingEstimate {
  /** The part of the copy that ran in parallel (Amdahl's law fitted to t1 and tN), 0..1. */
  readonly parallelFraction: number;
  readonly streams: number;
  /** Amdahl's law alone: t1 × ((1 − p) + p / streams). */
  readonly cpuBoundS: number;
  /** bytes / read limit, or the measured N-stream time if that is shorter. */
  readonly readBoundS: number;
  /** The larger of the two, and which one it is. */
  readonly estimateS: number;
  readonly bound: 'cpu' | 'read';
}

/**
 * The copy time on `cores` cores, from the same copy measured with 1 and N streams: the speedup t1/tN on N
 * CPUs gives the parallel fraction p (t = t1 × ((1 − p) + p / n), clamped to 0..1), which predicts the time
 * with more streams; the disk's measured read limit is a floor no stream count gets under. It assumes a
 * dom0's cores as fast as the VM's and the same disk, so it is an estimate of the shape, not of the figure.
 */
export function scalingEstimate(i: ScalingInput): ScalingEstimate {
  const n = i.streamsMeasured;
  const p = Math.min(1, Math.max(0, ((1 - i.tN / i.t1) * n) / (n - 1)));
  const streams = Math.min(i.cores, BOOT_KIT_MAX_STREAMS);
  const cpuBoundS = i.t1 * (1 - p + p / streams);
  // The limit is one reader's; a measured N-stream copy faster than it shows the disk reads in parallel, so the
  // floor is never above what was measured.
  const readBoundS = Math.min(i.bytes / i.readLimitBps, i.tN);
  return {
    parallelFraction: p,
    streams,
    cpuBoundS,
    readBoundS,
    estimateS: Math.max(cpuBoundS, readBoundS),
    bound: cpuBoundS >= readBoundS ? 'cpu' : 'read',
  };
}
