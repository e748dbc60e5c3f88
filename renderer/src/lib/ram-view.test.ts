import { describe, expect, it } from 'vitest';
import { defaultChoices } from '../stores/wizard-store.js';
import { factsFixture, measurementsFixture } from '../testing/fixtures.js';
import { cloneRamMiB, dom0MemRange, hostBar, modeCosts, modelChoices, ramModel } from './ram-view.js';

const facts = factsFixture();
const m = measurementsFixture();

describe('RAM figures', () => {
  it('reads a half-typed override as "not set"', () => {
    const c = defaultChoices();
    for (const v of [Number.NaN, 1000, 1500.5])
      expect(modelChoices({ ...c, dom0: { ...c.dom0, dom0MemMaxMiB: v } }).dom0.dom0MemMaxMiB).toBeNull();
    expect(modelChoices({ ...c, dom0: { ...c.dom0, dom0MemMaxMiB: 4096 } }).dom0.dom0MemMaxMiB).toBe(4096);
    expect(modelChoices({ ...c, ramPool: { enabled: true, sizeMiB: 100 } }).ramPool.sizeMiB).toBeNull();
  });

  it('costs each mode with the other choices unchanged: overlay < zram < tmpfs', () => {
    const costs = modeCosts(facts, defaultChoices(), m);
    expect(costs.overlay.atBootMiB).toBe(0);
    expect(costs.zram.totalMiB).toBeGreaterThan(costs.overlay.totalMiB);
    expect(costs.tmpfs.totalMiB).toBeGreaterThan(costs.zram.totalMiB);
    expect(costs.zram).toEqual(ramModel(facts, defaultChoices(), m).root);
  });

  it('costs a template clone at its root usage times the ratio, rounded up', () => {
    expect(cloneRamMiB(4403, 0.56)).toBe(2466);
    expect(cloneRamMiB(100, 0.5)).toBe(50);
    expect(cloneRamMiB(0, 0.56)).toBe(0);
  });

  it('splits the host into segments that add up to it when the choices fit', () => {
    const model = ramModel(facts, defaultChoices(), m);
    const bar = hostBar(model, facts.memory.totalMiB);
    expect(bar.overMiB).toBe(0);
    expect(bar.segments.reduce((s, x) => s + x.mib, 0)).toBe(facts.memory.totalMiB);
    expect(bar.segments.reduce((s, x) => s + x.pct, 0)).toBeCloseTo(100, 6);
    expect(bar.segments.map((s) => s.id)).toEqual([
      'xen',
      'rootAtBoot',
      'sessionWrites',
      'workingSet',
      'dom0Margin',
      'autostart',
      'free',
    ]);
    for (let i = 1; i < bar.segments.length; i++)
      expect(bar.segments[i]!.startPct).toBeCloseTo(
        bar.segments[i - 1]!.startPct + bar.segments[i - 1]!.pct,
        6,
      );
  });

  it('scales the bar to what is asked for when it does not fit', () => {
    const small = { ...facts, memory: { ...facts.memory, totalMiB: 6000 } };
    const model = ramModel(
      small,
      { ...defaultChoices(), dom0: { ...defaultChoices().dom0, mode: 'tmpfs' } },
      m,
    );
    expect(model.verdict.kind).toBe('does-not-fit');
    const bar = hostBar(model, 6000);
    expect(bar.overMiB).toBeGreaterThan(0);
    expect(bar.segments.find((s) => s.id === 'free')).toBeUndefined();
    expect(bar.segments.reduce((s, x) => s + x.pct, 0)).toBeCloseTo(100, 6);
  });

  it('offers dom0_mem from 1024 MiB to what the host has, in 128 MiB steps', () => {
    const r = dom0MemRange(ramModel(facts, defaultChoices(), m));
    expect(r.min).toBe(1024);
    expect(r.step).toBe(128);
    expect(r.max % 128).toBe(0);
    expect(r.max).toBeLessThanOrEqual(facts.memory.totalMiB);
  });
});
