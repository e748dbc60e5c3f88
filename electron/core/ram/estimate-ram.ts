import type { Compressor, WizardChoices } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { TYPICAL_RATIOS } from '../../../shared/ram/constants.js';
import { computeRamModel, ramInputFrom } from '../../../shared/ram/model.js';
import type {
  CompressionRatio,
  RamEstimate,
  RamMeasurements,
  Ratios,
  SampleStats,
} from '../../../shared/ram/ram-estimate.js';
import type { SystemReader } from '../system/system.js';
import { readDom0UsedMiB, readQmemman } from './dom0-memory.js';
import { LZO_RLE_PER_LZ4, pageCompressors, zsmallocClasses } from './page-cost.js';
import { probeRootUsage } from './root-usage.js';
import type { SampleProgress } from './sample-root.js';
import { sampleRoot } from './sample-root.js';

export type RamProgress =
  | { readonly kind: 'progress'; readonly phase: 'root-usage' | 'meminfo'; readonly fraction: number }
  | {
      readonly kind: 'progress';
      readonly phase: SampleProgress['phase'];
      readonly fraction: number;
      readonly files: number;
    };

export interface EstimateOptions {
  readonly onProgress?: (p: RamProgress) => void;
  /** Time for sampling the root (walk and compression); default 60 s. */
  readonly timeBudgetMs?: number;
  /** false: use typical ratios, do not read the root's files. Default true. */
  readonly sample?: boolean;
  /** Pages to compress at most (default 65536 = 256 MiB). */
  readonly maxSamplePages?: number;
  /** CONFIG_ZSMALLOC_CHAIN_SIZE of the kernel that will run the zram (8 on Qubes kernels). */
  readonly zsmallocChain?: number;
}

/** Below this many sampled pages (8 MiB) the measured ratio says more about the sample than the root. */
export const MIN_SAMPLE_PAGES = 2048;

export function typicalRatios(): Ratios {
  const t = (compressor: Compressor): CompressionRatio => ({
    compressor,
    ratio: TYPICAL_RATIOS[compressor],
    source: 'typical',
    method: 'typical',
  });
  return { lz4: t('lz4'), zstd: t('zstd'), 'lzo-rle': t('lzo-rle') };
}

/** Sample the root and turn the result into ratios; typical ratios (and why) when that is not possible. */
export async function measureRatios(
  sys: SystemReader,
  opts: EstimateOptions = {},
): Promise<{ ratios: Ratios; note: string | null; sample: SampleStats | null }> {
  if (opts.sample === false) return { ratios: typicalRatios(), note: 'ram.ratio.notSampled', sample: null };
  const { compressors, zstdAvailable } = await pageCompressors();
  const result = await sampleRoot(sys, {
    compressors,
    zsmalloc: zsmallocClasses(opts.zsmallocChain ?? 8),
    timeBudgetMs: opts.timeBudgetMs ?? 60_000,
    maxPages: opts.maxSamplePages ?? 65536,
    onProgress: (p) => opts.onProgress?.({ kind: 'progress', ...p }),
  });
  if (result.stats.sampledPages < MIN_SAMPLE_PAGES || !Number.isFinite(result.lz4Ratio)) {
    return { ratios: typicalRatios(), note: 'ram.ratio.sampleTooSmall', sample: result.stats };
  }
  const typical = typicalRatios();
  const m = (
    compressor: Compressor,
    ratio: number,
    method: CompressionRatio['method'],
  ): CompressionRatio => ({
    compressor,
    ratio: Math.min(1.1, Math.round(ratio * 1000) / 1000),
    source: 'measured',
    method,
  });
  return {
    ratios: {
      lz4: m('lz4', result.lz4Ratio, 'direct'),
      zstd: zstdAvailable ? m('zstd', result.zstdRatio, 'direct') : typical.zstd,
      'lzo-rle': m('lzo-rle', result.lz4Ratio * LZO_RLE_PER_LZ4, 'lz4-proxy'),
    },
    note: zstdAvailable ? null : 'ram.ratio.zstdUnavailable',
    sample: result.stats,
  };
}

/** Everything the model needs that facts do not carry: root usage, ratios, dom0's used memory, qmemman's settings. */
export async function measureRam(
  sys: SystemReader,
  facts: SystemFacts,
  opts: EstimateOptions = {},
): Promise<RamMeasurements> {
  opts.onProgress?.({ kind: 'progress', phase: 'root-usage', fraction: 0 });
  const root = await probeRootUsage(sys, facts.rootFs);
  opts.onProgress?.({ kind: 'progress', phase: 'root-usage', fraction: 1 });
  const dom0UsedMiB = await readDom0UsedMiB(sys);
  const qmemman = await readQmemman(sys);
  opts.onProgress?.({ kind: 'progress', phase: 'meminfo', fraction: 1 });
  const { ratios, note, sample } = await measureRatios(sys, opts);
  return { root, ratios, ratioNote: note, dom0UsedMiB, qmemman, sample };
}

/**
 * The RAM estimate for these choices on this dom0: measures (read-only, bounded in time) and runs the pure
 * model. The renderer can recompute the model for other choices from `measurements` with ramInputFrom +
 * computeRamModel (shared/ram/model.ts) without measuring again.
 */
export async function estimateRam(
  sys: SystemReader,
  facts: SystemFacts,
  choices: WizardChoices,
  opts: EstimateOptions = {},
): Promise<RamEstimate> {
  const measurements = await measureRam(sys, facts, opts);
  const input = ramInputFrom(facts, choices, measurements);
  return { simulated: sys.kind === 'simulated', measurements, input, model: computeRamModel(input) };
}
