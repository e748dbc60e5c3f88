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
 * bytes, `npm run bench:boot`, ram_per_byte of its BENCH lines), on its Debian root: the 2026-12-01 run on 6.12
 * (assets/README.md, Benchmark); lzo-rle, which Debian's 6.12 lacks, from the 2026-11-22 run on 6.1.
 */
export const BOOT_RATIOS: Readonly<Record<string, number>> = {
  lz4: 0.57,
  zstd: 0.43,
  'zstd:level=1': 0.44,
  'zstd:level=9': 0.42,
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

/**
 * The algorithm_params level the wizard puts on a zram entry, per compressor, where the boot benchmark showed
 * it pays for this content (assets/README.md, Benchmark, the 2026-12-01 run on 6.12): zstd level 1 copied
 * faster than the default level 3 with 1 and with 2 streams, for 2 % more RAM; level 9 took 3.7 times as long
 * for 3 % less. lz4 is left at its default. A compressor without an entry keeps the kernel's default level.
 * The level's ratio is worse than the default's, so a RAM pool (which uses the default level) is planned on
 * the safe side.
 */
export const CHOSEN_LEVELS: Readonly<Partial<Record<Compressor, number>>> = { zstd: 1 };

/** zram's algorithm_params appeared in Linux 6.12 (Documentation/admin-guide/blockdev/zram.rst, v6.12). */
const PARAMS_SINCE: readonly [number, number] = [6, 12];

/** Whether a kernel version string ("6.12.59-1.qubes.fc41.x86_64") is 6.12 or later. */
export function kernelHasZramParams(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > PARAMS_SINCE[0] || (major === PARAMS_SINCE[0] && minor >= PARAMS_SINCE[1]);
}

/**
 * The zram setting of the stateless entry: the chosen level only when every dom0 kernel GRUB offers has
 * algorithm_params. On an older one the boot kit goes on at the default level, and the RAM model, planning
 * with the level's ratio, would promise RAM that boot does not save.
 */
export function zramSettingFor(
  compressor: Compressor,
  kernels: readonly { readonly version: string; readonly xenDom0: boolean }[],
  chosen: Readonly<Partial<Record<Compressor, number>>> = CHOSEN_LEVELS,
): ZramSetting {
  const level = chosen[compressor];
  const dom0Kernels = kernels.filter((k) => k.xenDom0);
  const all = dom0Kernels.length > 0 && dom0Kernels.every((k) => kernelHasZramParams(k.version));
  return { compressor, level: level !== undefined && all ? level : null };
}
