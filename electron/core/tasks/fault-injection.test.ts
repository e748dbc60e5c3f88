import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictResolution } from '../../../shared/plan.js';
import { initSim } from '../../sim/init-sim.js';
import { bootSim } from '../../sim/sim-boot.js';
import { SimSystem } from '../../sim/sim-system.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import {
  buildFaultChild,
  copyOf,
  crashImages,
  inBatches,
  leftoverTemps,
  pointKind,
  recoverFrom,
  runFaultChild,
  samplePoints,
  type ChildSpec,
} from '../../testing/fault-harness.js';
import { simDigest, simFiles } from '../../testing/sim-digest.js';
import { JOURNAL_DIR } from '../journal/journal-store.js';
import { RAM_POOL_DIR, startSession } from '../session/session-start.js';
import { BIN } from '../system/binaries.js';
import { PATHS, SESSION_UNIT } from './paths.js';

/**
 * Kill the process (SIGKILL, in a child) at the points where it could die — between operations, inside the
 * System's atomic write, inside the simulated dracut's and grub2-mkconfig's in-place writes, after each command
 * that changed qubesd's state — during an apply, a rollback (with each conflict resolution), a recovery, and the
 * boot-time session start; then recover. Every point must end fully applied or byte-identical to the start (or,
 * with conflicts, identical to the same rollback run without a kill), with no temporary file left anywhere.
 *
 * Each point's disk is a crash image (testing/fault-child.ts: the simulated dom0 copied at that boundary, the run
 * then killed for real at the last one), so one child run serves many points. All points of every phase are
 * counted; by default a deterministic sample of them is tested (samplePoints: every kind of point at its first
 * occurrence, the rest evenly spaced) to keep this file near 6 minutes on 2 cores; QS_FAULT_FULL=1 tests them all.
 */
const FULL = process.env.QS_FAULT_FULL === '1';
const BUDGET = FULL
  ? { apply: Infinity, rollback: Infinity, conflicts: Infinity, recoverN: Infinity, recoverM: Infinity }
  : process.env.QS_FAULT_QUICK === '1'
    ? { apply: 6, rollback: 4, conflicts: 3, recoverN: 1, recoverM: 3 }
    : { apply: 22, rollback: 18, conflicts: 10, recoverN: 2, recoverM: 6 };
const WIDTH = 3;

let work: string;
let child: string;
/** phase → [points tested, points counted] */
const counts = new Map<string, [number, number]>();
/** Apply crash points whose recoveries were killed in turn (the recover-* phases). */
let recoveryStarts = 0;
const count = (phase: string, tested: number, total: number) => {
  const [t, n] = counts.get(phase) ?? [0, 0];
  counts.set(phase, [t + tested, n + total]);
};

beforeAll(async () => {
  // On tmpfs when there is one: the simulated dom0 fsyncs like the real one, and a disk makes that slow.
  work = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'qs-fault-'));
  child = await buildFaultChild(work);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  const line = [...counts].map(([k, [t, n]]) => `${k} ${t}/${n}`).join(', ');
  const tested = [...counts.values()].reduce((a, [t]) => a + t, 0);
  const total = [...counts.values()].reduce((a, [, n]) => a + n, 0);
  console.log(
    `fault injection: ${tested} of ${total} kill points tested${FULL ? '' : ' (sampled; QS_FAULT_FULL=1 for all)'} — ${line}; the recover-* points are those of recoveries from ${recoveryStarts} apply crash points`,
  );
});

const digestOf = async (dir: string) => simDigest(await SimSystem.open(dir));

async function expectClean(dir: string, what: string): Promise<void> {
  expect(await leftoverTemps(dir), `temporary files left after ${what}`).toEqual([]);
}

interface Reference {
  readonly pristine: string;
  readonly applied: string;
  readonly startDigest: string;
  readonly appliedDigest: string;
  readonly applyLabels: string[];
}

const references = new Map<string, Reference>();

/** A clean apply and its rollback, uninterrupted: the states every recovery must reach. */
async function reference(profile: string): Promise<Reference> {
  const known = references.get(profile);
  if (known) return known;
  const base = path.join(work, profile);
  const pristine = path.join(base, 'pristine');
  const startDigest = await simDigest(await initSim(pristine, profile));
  const applied = await copyOf(pristine, path.join(base, 'applied'));
  const a = await runFaultChild(child, { sim: applied, action: 'apply', choices: everyTask(profile) });
  expect(a.killed).toBe(false);
  const appliedDigest = await digestOf(applied);
  expect(appliedDigest).not.toBe(startDigest);
  // The new kinds of points are really there.
  for (const kind of [
    'atomic:temp-written',
    'atomic:dir-synced',
    'dracut:cp:wrote',
    'grub2-mkconfig:cat:wrote',
  ])
    expect(a.labels.map(pointKind), kind).toContain(kind);
  const ref = { pristine, applied, startDigest, appliedDigest, applyLabels: a.labels };
  references.set(profile, ref);
  return ref;
}

/** Kill a recovery of `crashed` at sampled points; a second recovery must still reach `expected`. */
async function killRecovery(
  crashed: string,
  how: 'resume' | 'rollback',
  expected: string,
  tag: string,
): Promise<void> {
  const probe = await copyOf(crashed, `${crashed}-${how}-probe`);
  const clean = await runFaultChild(child, { sim: probe, action: `recover-${how}` });
  expect(clean.killed).toBe(false);
  expect(await digestOf(probe), `uninterrupted recover ${how} of ${tag}`).toBe(expected);
  await rm(probe, { recursive: true, force: true });
  const points = samplePoints(clean.labels, BUDGET.recoverM);
  count(`recover-${how} killed`, points.length, clean.labels.length);
  const images = await crashImages(
    child,
    { sim: await copyOf(crashed, `${crashed}-${how}-run`), action: `recover-${how}` },
    points,
    `${crashed}-${how}-images`,
  );
  await inBatches([...images], WIDTH, async ([m, dir]) => {
    await recoverFrom(dir, how);
    expect(await digestOf(dir), `${tag}, recover ${how} killed at ${m} (${clean.labels[m - 1]})`).toBe(
      expected,
    );
    await expectClean(dir, `${tag}, recover ${how} killed at ${m}`);
    await rm(dir, { recursive: true, force: true });
  });
}

describe.each(['qubes-4.2', 'qubes-4.3'])('fault injection on %s', (profile) => {
  it(
    'survives a kill at the points of a full apply: resumed, rolled back, and with the recovery killed too',
    {
      timeout: 1_800_000,
    },
    async () => {
      const ref = await reference(profile);
      const labels = ref.applyLabels;
      const points = samplePoints(labels, BUDGET.apply);
      count(`apply ${profile}`, points.length, labels.length);
      const spec: ChildSpec = {
        sim: await copyOf(ref.pristine, path.join(work, profile, 'apply-run')),
        action: 'apply',
        choices: everyTask(profile),
      };
      const images = await crashImages(child, spec, points, path.join(work, profile, 'apply-images'));
      await inBatches([...images], WIDTH, async ([k, crashed]) => {
        const at = `kill at apply point ${k} (${labels[k - 1]})`;
        const resumed = await copyOf(crashed, `${crashed}-resume`);
        // Killed before the first journal write: nothing to recover, nothing changed; the user applies again.
        if ((await recoverFrom(resumed, 'resume')) === 'untouched') {
          expect(await digestOf(resumed), `nothing changed by ${at}`).toBe(ref.startDigest);
          await engineFor(await SimSystem.open(resumed)).apply(everyTask(profile));
        }
        expect(await digestOf(resumed), `resume after ${at}`).toBe(ref.appliedDigest);
        await expectClean(resumed, `resume after ${at}`);
        await rm(resumed, { recursive: true, force: true });
        const back = await copyOf(crashed, `${crashed}-back`);
        const r = await recoverFrom(back, 'rollback');
        if (r === 'complete') await engineFor(await SimSystem.open(back)).rollback({});
        expect(await digestOf(back), `rollback after ${at}`).toBe(ref.startDigest);
        // Nothing to recover or roll back: a temp file of that first journal write may stay in the journal's own
        // directory until the next apply, rollback or recover removes it (the resume branch above shows the apply).
        if (r === 'untouched')
          for (const t of await leftoverTemps(back))
            expect(t, `left after ${at}`).toMatch(new RegExp(`^/root${JOURNAL_DIR}/transactions/`));
        else await expectClean(back, `rollback after ${at}`);
        await rm(back, { recursive: true, force: true });
      });

      // Recoveries killed in turn: from crashes inside dracut's and grub2-mkconfig's writes and inside an atomic
      // write (the kinds a recovery has most to clean up after), resumed and rolled back.
      const kinds = [
        'dracut:cp:wrote',
        'grub2-mkconfig:cat:wrote',
        'atomic:before-rename',
        'grub2-mkconfig:new:wrote',
      ];
      const starts = kinds
        .map((kind) => points.find((p) => pointKind(labels[p - 1]!) === kind && images.has(p)))
        .filter((p): p is number => p !== undefined)
        .slice(0, BUDGET.recoverN);
      expect(starts.length).toBeGreaterThan(0);
      recoveryStarts += starts.length;
      for (const n of starts) {
        const crashed = images.get(n)!;
        await killRecovery(crashed, 'resume', ref.appliedDigest, `${profile} apply point ${n}`);
        await killRecovery(crashed, 'rollback', ref.startDigest, `${profile} apply point ${n}`);
      }
      for (const dir of images.values()) await rm(dir, { recursive: true, force: true });
      expect(labels.length).toBeGreaterThan(100);
    },
  );

  it('survives a kill at the points of a rollback without conflicts', { timeout: 900_000 }, async () => {
    const ref = await reference(profile);
    const full = await copyOf(ref.applied, path.join(work, profile, 'rollback-ref'));
    const rb = await runFaultChild(child, { sim: full, action: 'rollback' });
    expect(await digestOf(full)).toBe(ref.startDigest);
    const points = samplePoints(rb.labels, BUDGET.rollback);
    count(`rollback ${profile} (no conflicts)`, points.length, rb.labels.length);
    const images = await crashImages(
      child,
      { sim: await copyOf(ref.applied, path.join(work, profile, 'rollback-run')), action: 'rollback' },
      points,
      path.join(work, profile, 'rollback-images'),
    );
    await inBatches([...images], WIDTH, async ([k, crashed]) => {
      const r = await recoverFrom(crashed, 'rollback');
      if (r === 'complete' && (await engineFor(await SimSystem.open(crashed)).rollbackPreview()).target)
        await engineFor(await SimSystem.open(crashed)).rollback({});
      expect(await digestOf(crashed), `kill at rollback point ${k} (${rb.labels[k - 1]})`).toBe(
        ref.startDigest,
      );
      await expectClean(crashed, `rollback point ${k}`);
      await rm(crashed, { recursive: true, force: true });
    });
  });

  it(
    'survives a kill at every point of the boot-time session start; the next start converges',
    {
      timeout: 900_000,
    },
    async () => {
      const ref = await reference(profile);
      const booted = await copyOf(ref.applied, path.join(work, profile, 'booted'));
      // Booted with the unit off, so that the start below is the session's first (bootSim runs an enabled unit).
      const sim = await SimSystem.open(booted);
      await sim.run({ bin: BIN.systemctl, args: ['disable', SESSION_UNIT], privileged: true });
      expect((await bootSim(sim, 'stateless')).session).toBeNull();
      const once = await copyOf(booted, path.join(work, profile, 'session-ref'));
      const s = await runFaultChild(child, { sim: once, action: 'session' });
      expect(s.killed).toBe(false);
      const expected = await sessionView(once);
      expect(expected).not.toEqual(await sessionView(booted));
      const points = s.labels.map((_, i) => i + 1);
      expect(points.length).toBeGreaterThan(3);
      count(`session start ${profile}`, points.length, points.length);
      const images = await crashImages(
        child,
        { sim: await copyOf(booted, path.join(work, profile, 'session-run')), action: 'session' },
        points,
        path.join(work, profile, 'session-images'),
      );
      await inBatches([...images], WIDTH, async ([k, crashed]) => {
        const at = `session start after a kill at ${k} (${s.labels[k - 1]})`;
        const report = await startSession(await SimSystem.open(crashed));
        expect(report.problems, at).toEqual([]);
        const view = await sessionView(crashed);
        expect({ ...view, zramDevices: undefined }, at).toEqual({ ...expected, zramDevices: undefined });
        // A start killed between zramctl and the mount leaves that empty device; the next start makes another.
        expect(view.zramDevices - expected.zramDevices, at).toBeLessThanOrEqual(1);
        await rm(crashed, { recursive: true, force: true });
      });
    },
  );
});

/**
 * What a session start changes: qubes, pools, global prefs (all in RAM with the session), the tree, and the
 * number of zram devices; the RAM pool mounted exactly once at its directory.
 */
async function sessionView(dir: string) {
  const sim = await SimSystem.open(dir);
  const s = sim.snapshotState();
  return {
    qubes: s.qubes,
    pools: s.pools,
    prefs: s.prefs,
    files: Object.fromEntries(await simFiles(sim)),
    poolMounts: s.mounts.filter((m) => m.target === RAM_POOL_DIR).map((m) => m.fsType),
    zramDevices: s.zramDevices.length,
  };
}

/** Drift of every kind a rollback asks about, on an applied 4.2 dom0 (as engine.test.ts makes each). */
async function drift(dir: string): Promise<void> {
  const sim = await SimSystem.open(dir);
  await sim.writeFileAtomic(PATHS.grubConf, '# edited by hand\nQS_MODES="zram"\nQS_LINUX_ARGS=""\n');
  await sim.writeFileAtomic(PATHS.fstab, `${await sim.readText(PATHS.fstab)}# a line added by hand\n`);
  await sim.run({ bin: BIN.qvmPool, args: ['set', 'vm-pool', '-o', 'ephemeral_volatile=False'] });
  const k = '6.6.70-1.qubes.fc37.x86_64';
  await sim.writeFileAtomic(`/boot/vmlinuz-${k}`, 'kernel');
  await sim.writeFileAtomic(`/boot/config-${k}`, 'CONFIG_XEN_DOM0=y\n');
  await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg], privileged: true });
  await sim.updateState(
    (s) => void (s.qubes.find((q) => q.name === 'save')!.volumes.private!.usageBytes = 52_428_800),
  );
}

describe('fault injection during a rollback with conflicts (qubes-4.2)', () => {
  it.each(['keep', 'restore', 'regenerate', 'remove'] as const)(
    'survives a kill at the points of a rollback resolving conflicts with "%s"',
    { timeout: 900_000 },
    async (resolution: ConflictResolution) => {
      const ref = await reference('qubes-4.2');
      const base = path.join(work, `conflicts-${resolution}`);
      const drifted = await copyOf(ref.applied, path.join(base, 'drifted'));
      await drift(drifted);
      const { conflicts } = await engineFor(await SimSystem.open(drifted)).rollbackPreview();
      const resolutions = Object.fromEntries(
        conflicts.map((c) => [c.id, c.options.includes(resolution) ? resolution : 'keep'] as const),
      );
      expect(
        Object.values(resolutions).filter((r) => r === resolution).length,
        `a conflict offers "${resolution}"`,
      ).toBeGreaterThan(0);
      const once = await copyOf(drifted, path.join(base, 'ref'));
      const rb = await runFaultChild(child, { sim: once, action: 'rollback', resolutions });
      expect(rb.killed).toBe(false);
      const expected = await digestOf(once);
      expect(expected).not.toBe(await digestOf(drifted));
      const points = samplePoints(rb.labels, BUDGET.conflicts);
      count(`rollback (${resolution})`, points.length, rb.labels.length);
      const images = await crashImages(
        child,
        { sim: await copyOf(drifted, path.join(base, 'run')), action: 'rollback', resolutions },
        points,
        path.join(base, 'images'),
      );
      await inBatches([...images], WIDTH, async ([k, crashed]) => {
        const r = await recoverFrom(crashed, 'rollback');
        // Killed before the rollback's journal was written: nothing changed; the user runs it again.
        if (r === 'complete' && (await engineFor(await SimSystem.open(crashed)).rollbackPreview()).target)
          await engineFor(await SimSystem.open(crashed)).rollback(resolutions);
        expect(await digestOf(crashed), `"${resolution}": kill at ${k} (${rb.labels[k - 1]})`).toBe(expected);
        await expectClean(crashed, `"${resolution}" rollback point ${k}`);
        await rm(crashed, { recursive: true, force: true });
      });
    },
  );
});
