import { describe, expect, it } from 'vitest';
import type { CompressionRatio } from './ram-estimate.js';
import {
  BOOT_RATIOS,
  kernelHasZramParams,
  ratioForSetting,
  settingKey,
  zramSettingFor,
} from './zram-settings.js';

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
    // The 2026-12-01 run's table: level 1 costs 0.44 / 0.43 of the default, so a sampled 0.5 becomes 0.512.
    expect(BOOT_RATIOS).toEqual({
      lz4: 0.57,
      zstd: 0.43,
      'zstd:level=1': 0.44,
      'zstd:level=9': 0.42,
      'lzo-rle': 0.58,
    });
    expect(ratioForSetting(sampled, { compressor: 'zstd', level: 1 }).ratio).toBe(0.512);
  });
});

describe('the level on the entry (zramSettingFor)', () => {
  const k = (version: string, xenDom0 = true) => ({ version, xenDom0 });
  const chosen = { zstd: 1 };

  it('reads the kernel series from the version string', () => {
    expect(kernelHasZramParams('6.12.59-1.qubes.fc41.x86_64')).toBe(true);
    expect(kernelHasZramParams('6.6.63-1.qubes.fc37.x86_64')).toBe(false);
    expect(kernelHasZramParams('6.1.0-57-amd64')).toBe(false);
    expect(kernelHasZramParams('7.0.1')).toBe(true);
    expect(kernelHasZramParams('6.13')).toBe(true);
    expect(kernelHasZramParams('garbage')).toBe(false);
  });

  it('sets the chosen level only when every dom0 kernel has algorithm_params', () => {
    expect(zramSettingFor('zstd', [k('6.12.59-1.qubes.fc41.x86_64')], chosen)).toEqual({
      compressor: 'zstd',
      level: 1,
    });
    // A 4.2 dom0 that also has a 6.12 kernel-latest: GRUB offers both, so no level.
    expect(
      zramSettingFor('zstd', [k('6.6.63-1.qubes.fc37.x86_64'), k('6.12.59-1.qubes.fc37.x86_64')], chosen)
        .level,
    ).toBeNull();
    // A kernel without Xen dom0 support gets no Xen entry, so it does not count.
    expect(zramSettingFor('zstd', [k('6.12.59-1.qubes.fc41.x86_64'), k('5.4.0', false)], chosen).level).toBe(
      1,
    );
    expect(zramSettingFor('zstd', [], chosen).level).toBeNull();
    // No level chosen for lz4.
    expect(zramSettingFor('lz4', [k('6.12.59-1.qubes.fc41.x86_64')], chosen).level).toBeNull();
  });
});
