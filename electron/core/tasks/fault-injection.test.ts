import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSim } from '../../sim/init-sim.js';
import { SimSystem } from '../../sim/sim-system.js';
import { engineFor, everyTask, testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';

/**
 * Kill the process (SIGKILL, in a child) at every point where it could die during a full apply and during a
 * rollback, then recover. Every point must end fully applied or byte-identical to the start.
 */
const run = promisify(execFile);
let work: string;
let child: string;

beforeAll(async () => {
  // On tmpfs when there is one: the simulated dom0 fsyncs like the real one, and a disk makes that slow.
  work = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'qs-fault-'));
  child = path.join(work, 'fault-child.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, '../../testing/fault-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __qsCreateRequire } from 'node:module'; const require = __qsCreateRequire(import.meta.url);",
    },
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function runChild(
  simDir: string,
  action: 'apply' | 'rollback',
  killAt: number,
): Promise<{ killed: boolean; boundaries: number }> {
  try {
    const { stdout } = await run(process.execPath, [
      child,
      simDir,
      action,
      String(killAt),
      testAssetsDir(),
      JSON.stringify(everyTask()),
    ]);
    return { killed: false, boundaries: (JSON.parse(stdout) as { boundaries: number }).boundaries };
  } catch (e) {
    const err = e as { signal?: string; stderr?: string };
    if (err.signal === 'SIGKILL') return { killed: true, boundaries: killAt };
    throw new Error(`child failed: ${err.stderr ?? String(e)}`, { cause: e });
  }
}

/** Run `fn` over 1..n with a few in flight (each point has its own copy of the simulated dom0). */
async function eachPoint(n: number, fn: (k: number) => Promise<void>): Promise<void> {
  let next = 1;
  const worker = async () => {
    while (next <= n) await fn(next++);
  };
  await Promise.all(Array.from({ length: 3 }, worker));
}

/** After a crash: recover the way the app offers (or, if the crash hit after the last journal write, do nothing). */
async function recoverFrom(
  dir: string,
  how: 'resume' | 'rollback',
): Promise<'recovered' | 'untouched' | 'complete'> {
  const sim = await SimSystem.open(dir);
  const txs = await engineFor(sim).transactions();
  if (txs.some((t) => t.status === 'in-progress')) {
    await engineFor(sim).recover(how);
    return 'recovered';
  }
  return txs.length === 0 ? 'untouched' : 'complete';
}

describe('fault injection', () => {
  it(
    'survives SIGKILL at every boundary of a full apply and of its rollback',
    { timeout: 900_000 },
    async () => {
      const pristine = path.join(work, 'pristine');
      const start = await initSim(pristine, 'qubes-4.2');
      const startDigest = await simDigest(start);

      // The reference: a clean, uninterrupted apply, then its rollback.
      const ref = path.join(work, 'ref');
      await cp(pristine, ref, { recursive: true });
      const full = await runChild(ref, 'apply', 0);
      expect(full.killed).toBe(false);
      const appliedDigest = await simDigest(await SimSystem.open(ref));
      expect(appliedDigest).not.toBe(startDigest);
      const applied = path.join(work, 'applied');
      await cp(ref, applied, { recursive: true });
      const rb = await runChild(ref, 'rollback', 0);
      expect(await simDigest(await SimSystem.open(ref))).toBe(startDigest);

      await eachPoint(full.boundaries, async (k) => {
        const crashed = path.join(work, `apply-${k}`);
        await cp(pristine, crashed, { recursive: true });
        expect((await runChild(crashed, 'apply', k)).killed).toBe(true);
        const resumed = `${crashed}-resume`;
        await cp(crashed, resumed, { recursive: true });
        const r = await recoverFrom(resumed, 'resume');
        expect(
          await simDigest(await SimSystem.open(resumed)),
          `resume after kill at apply boundary ${k}`,
        ).toBe(r === 'untouched' ? startDigest : appliedDigest);
        const back = await recoverFrom(crashed, 'rollback');
        if (back === 'complete') await engineFor(await SimSystem.open(crashed)).rollback({});
        expect(
          await simDigest(await SimSystem.open(crashed)),
          `rollback after kill at apply boundary ${k}`,
        ).toBe(startDigest);
        await rm(crashed, { recursive: true, force: true });
        await rm(resumed, { recursive: true, force: true });
      });

      await eachPoint(rb.boundaries, async (k) => {
        const crashed = path.join(work, `rollback-${k}`);
        await cp(applied, crashed, { recursive: true });
        expect((await runChild(crashed, 'rollback', k)).killed).toBe(true);
        const r = await recoverFrom(crashed, 'rollback');
        if (r === 'complete' && (await engineFor(await SimSystem.open(crashed)).rollbackPreview()).target)
          await engineFor(await SimSystem.open(crashed)).rollback({});
        expect(await simDigest(await SimSystem.open(crashed)), `kill at rollback boundary ${k}`).toBe(
          startDigest,
        );
        await rm(crashed, { recursive: true, force: true });
      });
      console.log(
        `fault injection: ${full.boundaries + rb.boundaries} kill points tested (${full.boundaries} in apply, ${rb.boundaries} in rollback), each recovered`,
      );
      expect(full.boundaries).toBeGreaterThan(40);
      expect(rb.boundaries).toBeGreaterThan(20);
    },
  );
});
