import { describe, expect, it } from 'vitest';
import type { CompressionRatio } from './ram-estimate.js';
import { BOOT_RATIOS, ratioForSetting, settingKey } from './zram-settings.js';

const sampled: CompressionRatio = { compressor: 'zstd', ratio: 0.5, source: 'measured', method: 'direct' };

describe('ratios per zram setting (ratioForSetting)', () => {
  it('keys a table by compressor and level', () => {
    expect(settingKey({ compressor: 'zstd', level: null })).toBe('zstd');
    expect(settingKey({ compressor: 'zstd', level: 9 })).toBe('zstd:level=9');
  });

  it("scales the root's own ratio by what the benchmark measured for the level against the default", () => {
    // The benchmark: 0.44 at the default level, 0.33 at level 9 (three quarters); the root samples 0.5.
    const table = { zstd: 0.44, 'zstd:level=9': 0.33 };
    expect(ratioForSetting(sampled, { compressor: 'zstd', level: 9 }, table)).toEqual({
      compressor: 'zstd',
      ratio: 0.375,
      source: 'measured',
      method: 'direct',
    });
  });

  it('keeps the ratio as it is for the default level, or a level nothing has measured yet', () => {
    const table = { zstd: 0.44, 'zstd:level=9': 0.33 };
    expect(ratioForSetting(sampled, { compressor: 'zstd', level: null }, table)).toBe(sampled);
    expect(ratioForSetting(sampled, { compressor: 'zstd', level: 1 }, table)).toBe(sampled);
    // Today's table has the defaults only (the 2026-11-22 run): no level changes anything yet.
    expect(BOOT_RATIOS).toEqual({ lz4: 0.59, zstd: 0.44, 'lzo-rle': 0.58 });
    expect(ratioForSetting(sampled, { compressor: 'zstd', level: 9 })).toBe(sampled);
  });
});
