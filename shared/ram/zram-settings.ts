import type { Compressor } from '../choices.js';
import type { CompressionRatio } from './ram-estimate.js';

/**
 * zram settings beyond the compressor: the algorithm_params level the boot kit sets on Linux 6.12+
 * (rd.qubes.stateless.comp_level; null = the kernel's default, e.g. zstd level 3). The root's own ratio is
 * sampled (or typical) at the default level only; a level changes it by what the boot benchmark measured.
 */
export interface ZramSetting {
  readonly compressor: Compressor;
  readonly level: number | null;
}

/** The key of a setting in a ratio table: `zstd`, `zstd:level=9`. */
export const settingKey = (s: ZramSetting): string =>
  s.level === null ? s.compressor : `${s.compressor}:level=${s.level}`;

/**
 * RAM per byte of root that the boot benchmark measured with each setting (zram mem_used ÷ the root's used
 * bytes, `npm run bench:boot`, ram_per_byte of its BENCH lines), on its Debian root. The defaults are the
 * 2026-11-22 run's (assets/README.md, Benchmark). A level gets an entry once a run has measured it; until then
 * it has none and the model keeps the default's ratio.
 */
export const BOOT_RATIOS: Readonly<Record<string, number>> = {
  lz4: 0.59,
  zstd: 0.44,
  'lzo-rle': 0.58,
};

/**
 * The ratio to plan with for this setting: the root's own ratio (sampled or typical, at the default level),
 * scaled by how much the setting changed RAM per byte against the default in the benchmark. Without a
 * measured entry for both, the root's ratio as it is.
 */
export function ratioForSetting(
  base: CompressionRatio,
  setting: ZramSetting,
  table: Readonly<Record<string, number>> = BOOT_RATIOS,
): CompressionRatio {
  if (setting.level === null) return base;
  const atLevel = table[settingKey(setting)];
  const atDefault = table[setting.compressor];
  if (atLevel === undefined || atDefault === undefined || atDefault <= 0) return base;
  return { ...base, ratio: Math.min(1.1, Math.round(base.ratio * (atLevel / atDefault) * 1000) / 1000) };
}
