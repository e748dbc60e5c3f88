import { describe, expect, it } from 'vitest';
import { benchLine, benchMatrix, kernelCaps, paramsLabel, scalingEstimate } from './bench-matrix.js';

describe('the kernels zram compressors (kernelCaps)', () => {
  it('reads 6.12+ zram backends and the crypto API before', () => {
    // As in /boot/config-6.12.95+deb12-amd64: no LZO backend.
    const deb612 =
      'CONFIG_ZRAM=m\nCONFIG_ZRAM_BACKEND_LZ4=y\nCONFIG_ZRAM_BACKEND_ZSTD=y\n# CONFIG_ZRAM_BACKEND_LZO is not set\nCONFIG_CRYPTO_LZO=y\n';
    expect(kernelCaps('6.12', deb612)).toEqual({
      series: '6.12',
      algorithmParams: true,
      compressors: ['lz4', 'zstd'],
    });
    // As in /boot/config-6.1.0-57-amd64.
    const deb61 = 'CONFIG_ZRAM=m\nCONFIG_CRYPTO_LZO=y\nCONFIG_CRYPTO_LZ4=m\nCONFIG_CRYPTO_ZSTD=m\n';
    expect(kernelCaps('6.1', deb61)).toEqual({
      series: '6.1',
      algorithmParams: false,
      compressors: ['lz4', 'zstd', 'lzo-rle'],
    });
  });
});

describe('the benchmark configurations (benchMatrix)', () => {
  const k61 = { series: '6.1', algorithmParams: false, compressors: ['lz4', 'zstd'] } as const;
  const k612 = { series: '6.12', algorithmParams: true, compressors: ['zstd'] } as const;

  it('boots each mode per stream count, each compressor and level per kernel, and the baselines', () => {
    const m = benchMatrix([k61, k612], {
      streams: [1, 2],
      levels: { zstd: [1, 9] },
      repeats: 2,
      engines: false,
    });
    expect(m.map((c) => c.name)).toEqual([
      'persistent@6.1',
      'persistent#2@6.1',
      'overlay@6.1',
      'overlay#2@6.1',
      'tmpfs-s1@6.1',
      'tmpfs-s2@6.1',
      'zram-lz4-s1@6.1',
      'zram-lz4-s2@6.1',
      'zram-zstd-s1@6.1',
      'zram-zstd-s2@6.1',
      'forum@6.1',
      'limit@6.1',
      'persistent@6.12',
      'persistent#2@6.12',
      'overlay@6.12',
      'overlay#2@6.12',
      'tmpfs-s1@6.12',
      'tmpfs-s2@6.12',
      'zram-zstd-s1@6.12',
      'zram-zstd-s2@6.12',
      'zram-zstd-l1-s1@6.12',
      'zram-zstd-l1-s2@6.12',
      'zram-zstd-l9-s1@6.12',
      'zram-zstd-l9-s2@6.12',
      'forum@6.12',
      'limit@6.12',
    ]);
    const byName = new Map(m.map((c) => [c.name, c]));
    expect(byName.get('zram-zstd-l9-s2@6.12')).toEqual({
      name: 'zram-zstd-l9-s2@6.12',
      kind: 'zram',
      kernel: '6.12',
      comp: 'zstd',
      level: 9,
      streams: 2,
      append:
        'rd.qubes.stateless=zram rd.qubes.stateless.comp=zstd rd.qubes.stateless.comp_level=9 rd.qubes.stateless.streams=2',
    });
    expect(byName.get('tmpfs-s1@6.1')?.append).toBe('rd.qubes.stateless=tmpfs rd.qubes.stateless.streams=1');
    expect(byName.get('limit@6.12')?.append).toBe('qsbench.limit=1 qsbench.zstd_levels=1,9');
    expect(byName.get('limit@6.1')?.append).toBe('qsbench.limit=1');
    expect(byName.get('persistent@6.1')?.append).toBe('');
  });

  it('adds the copy engines only when asked', () => {
    const m = benchMatrix([k61], { streams: [1], levels: {}, repeats: 1, engines: true });
    expect(m.filter((c) => c.kind === 'engine').map((c) => c.append)).toEqual([
      'qsbench.copy=cp:tmpfs',
      'qsbench.copy=cp-nosparse:tmpfs',
      'qsbench.copy=tar:tmpfs',
      'qsbench.copy=rsync:tmpfs',
      'qsbench.copy=cp:zram-lz4',
      'qsbench.copy=tar:zram-lz4',
    ]);
  });
});

describe('the BENCH line (benchLine)', () => {
  it('prints every key in the same order, with fixed decimals', () => {
    expect(
      benchLine({
        mode: 'zram',
        comp: 'zstd',
        params: paramsLabel(9),
        streams: 2,
        kernel: '6.12',
        setupS: 41.23,
        vsForum: 1.7449,
        vsLimit: 0.8251,
        ramPerByte: 0.3349,
      }),
    ).toBe(
      'BENCH mode=zram comp=zstd params=level:9 streams=2 kernel=6.12 setup_s=41.2 vs_forum=1.74 vs_limit=0.83 ram_per_byte=0.33',
    );
  });

  it('says n/a for what was not measured and - for what does not apply', () => {
    expect(
      benchLine({
        mode: 'tmpfs',
        comp: null,
        params: null,
        streams: 1,
        kernel: '6.1',
        setupS: 42.3,
        vsForum: NaN,
        vsLimit: 0.7,
        ramPerByte: 0.991,
      }),
    ).toBe(
      'BENCH mode=tmpfs comp=- params=- streams=1 kernel=6.1 setup_s=42.3 vs_forum=n/a vs_limit=0.70 ram_per_byte=0.99',
    );
    expect(paramsLabel(null)).toBe('default');
  });
});

describe('the copy time on more cores (scalingEstimate)', () => {
  const MiB = 1048576;
  /** Measured with 1 and 2 streams; root and disk in MiB and MiB/s. */
  const est = (rootMiB: number, t1: number, t2: number, cores: number, diskMiBps: number) =>
    scalingEstimate({
      bytes: rootMiB * MiB,
      t1,
      tN: t2,
      streamsMeasured: 2,
      cores,
      readLimitBps: diskMiBps * MiB,
    });

  it('fits the parallel fraction to 1 and 2 streams and extrapolates to 8', () => {
    // 60 s in one stream, 40 s in two: 1 − 40/60 = 1/3 saved, p = 2/3; 8 streams: 60 × (1/3 + 2/3 / 8) = 25 s.
    // The disk: 1326 MiB at 100 MiB/s = 13.26 s, below that.
    const e = est(1326, 60, 40, 8, 100);
    expect(e.parallelFraction).toBeCloseTo(2 / 3, 10);
    expect(e.streams).toBe(8);
    expect(e.cpuBoundS).toBeCloseTo(25, 10);
    expect(e.readBoundS).toBeCloseTo(13.26, 10);
    expect(e.estimateS).toBeCloseTo(25, 10);
    expect(e.bound).toBe('cpu');
  });

  it('never beats the disk read limit', () => {
    // Perfect scaling (30 s in two streams: p = 1) would give 7.5 s; the disk at 44.7 MiB/s needs 1326/44.7 s.
    const e = est(1326, 60, 30, 8, 44.7);
    expect(e.parallelFraction).toBe(1);
    expect(e.cpuBoundS).toBeCloseTo(7.5, 10);
    expect(e.estimateS).toBeCloseTo(1326 / 44.7, 10);
    expect(e.bound).toBe('read');
  });

  it('takes a two-stream copy faster than one reader as the floor (the disk read in parallel)', () => {
    // 20 s in two streams, below the one-reader figure 1326/44.7 = 29.7 s: the estimate is not above 20 s.
    const e = est(1326, 60, 20, 8, 44.7);
    expect(e.readBoundS).toBe(20);
    expect(e.estimateS).toBe(20);
    expect(e.bound).toBe('read');
  });

  it('predicts no gain when two streams were not faster, and stops at the boot kit maximum of streams', () => {
    const slower = est(1, 50, 55, 8, 1000);
    expect(slower.parallelFraction).toBe(0);
    expect(slower.estimateS).toBe(50);
    const many = est(1, 80, 40, 16, 1000);
    expect(many.streams).toBe(8);
    expect(many.estimateS).toBeCloseTo(10, 10);
  });
});
