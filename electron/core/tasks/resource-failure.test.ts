import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSim } from '../../sim/init-sim.js';
import { SimSystem } from '../../sim/sim-system.js';
import { engineFor, everyTask, testAssetsDir } from '../../testing/engine-fixture.js';
import { bundleChild } from '../../testing/bundle-child.js';
import { copyOf, leftoverTemps } from '../../testing/fault-harness.js';
import { simDigest, simFiles } from '../../testing/sim-digest.js';
import { BIN } from '../system/binaries.js';

/**
 * Real resource failures: an apply on a really full filesystem (a size-limited tmpfs in a private mount
 * namespace, as root), and commands failing in the middle of a rollback. Each must end applied or
 * byte-identical to the start, and the message must say which and what to do.
 */
const run = promisify(execFile);
const ROOT = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
let work: string;
let child: string;
let cases = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'qs-resource-'));
  child = path.join(work, 'enospc-child.mjs');
  await bundleChild(path.join(import.meta.dirname, '../../testing/enospc-child.ts'), child);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  console.log(
    `resource failures: ${cases} cases tested${ROOT ? '' : ' (the full-filesystem ones skipped: not root)'}`,
  );
});

/** What a tmpfs charges for a tree: whole pages per file. */
async function tmpfsBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += Math.ceil((await fs.stat(path.join(e.parentPath, e.name))).size / 4096) * 4096;
  return total;
}

describe('real resource failures', () => {
  it(
    'an apply that runs out of space on a real filesystem ends byte-identical, and says so',
    { timeout: 600_000 },
    async (ctx) => {
      if (!ROOT)
        return ctx.skip('not root: a tmpfs in a private mount namespace needs root (CI runs as root)');
      const pristine = path.join(work, 'pristine');
      const startDigest = await simDigest(await initSim(pristine, 'qubes-4.2'));
      const startFiles = await simFiles(await SimSystem.open(pristine));
      const applied = await copyOf(pristine, path.join(work, 'applied'));
      await engineFor(await SimSystem.open(applied)).apply(everyTask());
      // Room for part of what the apply adds: over the whole tree (the journal's writes), over the backup
      // directory alone (the backups), over /boot alone (dracut's and grub2-mkconfig's in-place writes).
      const backups = 'var/lib/qubes-stateless/backups';
      await fs.mkdir(path.join(pristine, 'root', backups), { recursive: true, mode: 0o700 });
      const layouts: { under?: string; share: number }[] = [
        ...[0.05, 0.3, 0.55, 0.8].map((share) => ({ share })),
        { under: backups, share: 0.5 },
        { under: 'boot', share: 0.5 },
      ];
      for (const { under, share } of layouts) {
        const before = await tmpfsBytes(path.join(pristine, under ? `root/${under}` : ''));
        const after = await tmpfsBytes(path.join(applied, under ? `root/${under}` : ''));
        expect(after, `the apply adds to ${under ?? 'the tree'}`).toBeGreaterThan(before);
        const size = Math.ceil((before + share * (after - before)) / 4096) * 4096 + (under ? 0 : 64 * 1024);
        const tag = `${under ?? 'all'}-${share}`;
        const out = path.join(work, `out-${tag}`);
        const spec = {
          src: pristine,
          mountDir: path.join(work, `mnt-${tag}`),
          ...(under ? { under } : {}),
          sizeBytes: size,
          out,
          assetsDir: testAssetsDir(),
          choices: everyTask(),
        };
        const { stdout } = await run(
          '/usr/bin/unshare',
          ['-m', process.execPath, child, JSON.stringify(spec)],
          {
            maxBuffer: 16 << 20,
          },
        );
        const { error } = JSON.parse(stdout) as { error: { code: string; message: string } | null };
        const what = `tmpfs of ${size} bytes over ${under ? `/${under}` : 'the whole tree'} (${share} of the apply's growth there)`;
        expect(error, `${what}: the apply must fail`).not.toBeNull();
        expect(error!.message, what).toMatch(/ENOSPC|No space left on device/i);
        const txs = await engineFor(await SimSystem.open(out)).transactions();
        if (error!.code === 'change-interrupted') {
          // The rollback ran out of space too: the message says to finish it, and with room it does.
          // What is left is named (never an empty list), and the recover command once.
          expect(error!.message, what).toMatch(
            /This machine is (partly rolled back \(not undone: [^)]+\)|rolled back, but the journal could not record it); fix the cause, then run "qubes-stateless recover --rollback --yes"$/,
          );
          expect(error!.message.split('recover --rollback').length, what).toBe(2);
          await engineFor(await SimSystem.open(out)).recover('rollback');
        } else if (txs.length === 0) {
          // Out of space at the journal's first write: nothing was touched.
          expect(error!.message, what).toMatch(/nothing was changed\. Fix the cause and apply again/);
        } else {
          expect(error!.message, what).toMatch(/rolled back: this machine is as it was before it/);
          expect(
            txs.map((t) => `${t.kind}:${t.status}`),
            what,
          ).toEqual(['apply:failed', 'rollback:done']);
        }
        const now = await simFiles(await SimSystem.open(out));
        const differ = [...new Set([...now.keys(), ...startFiles.keys()])].filter(
          (k) => now.get(k) !== startFiles.get(k),
        );
        expect(differ, `${what}: ${error!.message}`).toEqual([]);
        expect(await simDigest(await SimSystem.open(out)), what).toBe(startDigest);
        expect(await leftoverTemps(out), what).toEqual([]);
        console.log(`resource failures: ${what}: ${error!.code}: ${error!.message}`);
        cases++;
      }
    },
  );

  it.each([
    ['an undo command', [BIN.qvmPool, 'set']],
    ['the final daemon-reload', [BIN.systemctl, 'daemon-reload']],
  ])('a rollback whose %s fails stops, says what to do, and recovery finishes it', async (_what, prefix) => {
    const pristine = path.join(work, `rb-${prefix.join('-').replace(/\//g, '_')}`);
    const startDigest = await simDigest(await initSim(pristine, 'qubes-4.2'));
    const sim = await SimSystem.open(pristine);
    await engineFor(sim).apply(everyTask());
    await sim.updateState(
      (s) => void s.failures.push({ argvPrefix: prefix, exitCode: 1, stderr: 'simulated failure', times: 1 }),
    );
    const err = await engineFor(sim)
      .rollback({})
      .then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
    expect(err?.code).toBe('change-interrupted');
    expect(err!.message).toMatch(/simulated failure/);
    expect(err!.message).toMatch(/partly rolled back.*recover --rollback --yes/);
    const txs = await engineFor(sim).transactions();
    expect(txs.map((t) => `${t.kind}:${t.status}`)).toEqual(['apply:applied', 'rollback:in-progress']);
    await engineFor(await SimSystem.open(pristine)).recover('rollback');
    expect(await simDigest(await SimSystem.open(pristine))).toBe(startDigest);
    expect(await leftoverTemps(pristine)).toEqual([]);
    cases++;
  });
});
