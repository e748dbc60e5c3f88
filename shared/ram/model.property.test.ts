import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPRESSORS } from '../choices.js';
import { STATELESS_MODES } from '../facts.js';
import { QMEMMAN_DEFAULTS } from './constants.js';
import { computeRamModel } from './model.js';
import type { RamModel, RamModelInput } from './ram-estimate.js';
import { RamModelSchema } from './ram-estimate.js';

const qube = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  memoryMiB: fc.integer({ min: 200, max: 8000 }),
  maxmemMiB: fc.oneof(fc.constant(0), fc.integer({ min: 400, max: 16000 })),
});

const inputArb: fc.Arbitrary<RamModelInput> = fc
  .record({
    release: fc.constantFrom('4.2' as const, '4.3' as const),
    hostTotalMiB: fc.integer({ min: 2048, max: 512 * 1024 }),
    mode: fc.constantFrom(...STATELESS_MODES),
    compressor: fc.constantFrom(...COMPRESSORS),
    ratio: fc.double({ min: 0.1, max: 1.05, noNaN: true }),
    typical: fc.boolean(),
    usedMiB: fc.integer({ min: 100, max: 60_000 }),
    inodesPerMiB: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
    dom0UsedMiB: fc.option(fc.integer({ min: 300, max: 6000 }), { nil: null }),
    bootedStateless: fc.boolean(),
    zramSwap: fc.boolean(),
    autostart: fc.array(qube, { maxLength: 8 }),
    pool: fc.option(
      fc.record({
        sizeMiB: fc.option(fc.integer({ min: 512, max: 65536 }), { nil: null }),
        clones: fc.array(fc.option(fc.integer({ min: 0, max: 20000 }), { nil: null }), { maxLength: 4 }),
      }),
      { nil: null },
    ),
    dom0MemMaxMiB: fc.option(fc.integer({ min: 1024, max: 256 * 1024 }), { nil: null, freq: 4 }),
  })
  .map((r) => ({
    release: r.release,
    hostTotalMiB: r.hostTotalMiB,
    dom0: { currentMiB: 4095, minMiB: 1024, maxMiB: 4096 },
    bootedStateless: r.bootedStateless,
    mode: r.mode,
    compressor: r.compressor,
    ratio: {
      compressor: r.compressor,
      ratio: r.ratio,
      source: r.typical ? ('typical' as const) : ('measured' as const),
      method: r.typical ? ('typical' as const) : ('direct' as const),
    },
    root: {
      usedMiB: r.usedMiB,
      inodes: r.inodesPerMiB === null ? null : r.usedMiB * r.inodesPerMiB,
      breakdown: [],
      source: 'du' as const,
    },
    dom0UsedMiB: r.dom0UsedMiB,
    qmemman: { ...QMEMMAN_DEFAULTS, source: 'default' as const },
    swap: { diskMiB: 8191, zramMiB: r.zramSwap ? 8191 : 0 },
    autostart: r.autostart,
    ramPool: r.pool
      ? {
          enabled: true,
          sizeMiB: r.pool.sizeMiB,
          clones: r.pool.clones.map((u, i) => ({ template: `t${i}`, rootUsageMiB: u })),
        }
      : { enabled: false, sizeMiB: null, clones: [] },
    fileVolumesOnRoot: [],
    dom0MemMaxMiB: r.dom0MemMaxMiB,
    entry: { promptTimeoutSec: null, hardening: false },
  }));

/** The verdict's kind follows from the numbers alone. */
function expectedKind(i: RamModelInput, m: RamModel): RamModel['verdict']['kind'] {
  const need = Math.max(m.dom0.needMiB, m.dom0.bootCheckMinMiB);
  if (need > m.hostUsableMiB) return 'does-not-fit';
  if (i.dom0MemMaxMiB !== null && i.dom0MemMaxMiB < need) return 'does-not-fit';
  if (m.ramPool && m.ramPool.sizeMiB < m.ramPool.clonesMiB) return 'does-not-fit';
  if (m.leftAfterAutostartMiB < 0) return 'does-not-fit';
  if (m.leftAfterAutostartMiB < m.tightThresholdMiB) return 'tight';
  return m.verdict.kind === 'tight' ? 'tight' : 'fits';
}

describe('RAM model properties', () => {
  it('produces a valid model, never recommending more than the host has', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const m = computeRamModel(i);
        RamModelSchema.parse(m);
        expect(m.dom0.recommendedMaxMiB).toBeLessThanOrEqual(i.hostTotalMiB);
        expect(m.dom0.recommendedMaxMiB).toBeLessThanOrEqual(m.hostUsableMiB);
        expect(m.leftForQubesMiB).toBeLessThanOrEqual(m.hostUsableMiB);
        // dom0 is never held above its boot size (qmemman's static-max), which the host bounds.
        expect(m.dom0.staticMaxMiB).toBeLessThanOrEqual(Math.min(m.dom0.effectiveMaxMiB, m.hostUsableMiB));
        expect(m.leftForQubesMiB).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a verdict consistent with the numbers', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const m = computeRamModel(i);
        expect(m.verdict.kind).toBe(expectedKind(i, m));
        if (m.verdict.kind === 'fits') {
          expect(m.leftAfterAutostartMiB).toBeGreaterThanOrEqual(m.tightThresholdMiB);
          expect(m.dom0.effectiveMaxMiB).toBeGreaterThanOrEqual(m.dom0.needMiB);
        }
        // A recommendation the host cannot give always means the root (or the pool with it) does not fit.
        if (
          i.dom0MemMaxMiB === null &&
          m.dom0.recommendedMaxMiB < Math.max(m.dom0.needMiB, m.dom0.bootCheckMinMiB)
        ) {
          expect(m.verdict.kind).toBe('does-not-fit');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is monotonic: another autostart qube never lowers the recommendation nor raises what is left', () => {
    fc.assert(
      fc.property(inputArb, qube, (i, extra) => {
        const a = computeRamModel(i);
        const b = computeRamModel({ ...i, autostart: [...i.autostart, extra] });
        expect(b.dom0.recommendedMaxMiB).toBeGreaterThanOrEqual(a.dom0.recommendedMaxMiB);
        expect(b.leftAfterAutostartMiB).toBeLessThan(a.leftAfterAutostartMiB);
        const rank = { fits: 0, tight: 1, 'does-not-fit': 2 } as const;
        expect(rank[b.verdict.kind]).toBeGreaterThanOrEqual(rank[a.verdict.kind]);
      }),
      { numRuns: 2000 },
    );
  });

  it('is monotonic: a bigger root never lowers the recommendation, the RAM it takes, or dom0 need', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 20_000 }), (i, more) => {
        const perMiB = i.root.inodes === null ? null : i.root.inodes / i.root.usedMiB;
        const bigger = {
          ...i,
          root: {
            ...i.root,
            usedMiB: i.root.usedMiB + more,
            inodes: perMiB === null ? null : Math.round((i.root.usedMiB + more) * perMiB),
          },
        };
        const a = computeRamModel(i);
        const b = computeRamModel(bigger);
        expect(b.dom0.recommendedMaxMiB).toBeGreaterThanOrEqual(a.dom0.recommendedMaxMiB);
        expect(b.root.totalMiB).toBeGreaterThanOrEqual(a.root.totalMiB);
        expect(b.dom0.needMiB).toBeGreaterThanOrEqual(a.dom0.needMiB);
        expect(b.leftAfterAutostartMiB).toBeLessThanOrEqual(a.leftAfterAutostartMiB);
      }),
      { numRuns: 2000 },
    );
  });

  it('a worse compression ratio never lowers what a zram root takes', () => {
    fc.assert(
      fc.property(inputArb, fc.double({ min: 0, max: 0.5, noNaN: true }), (i, worse) => {
        const z = { ...i, mode: 'zram' as const };
        const a = computeRamModel(z);
        const b = computeRamModel({
          ...z,
          ratio: { ...z.ratio, ratio: Math.min(1.1, z.ratio.ratio + worse) },
        });
        expect(b.root.totalMiB).toBeGreaterThanOrEqual(a.root.totalMiB);
        expect(b.dom0.recommendedMaxMiB).toBeGreaterThanOrEqual(a.dom0.recommendedMaxMiB);
      }),
      { numRuns: 1000 },
    );
  });
});
