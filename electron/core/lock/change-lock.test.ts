import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { tempDir, tempSim } from '../../testing/temp-sim.js';
import { FLOCK, acquireChangeLock, withChangeLock } from './change-lock.js';

const run = promisify(execFile);
const FIXTURE = path.resolve(import.meta.dirname, '../../testing/lock-holder.ts');

describe('the change lock', () => {
  it('is exclusive within one process and free again once released', async () => {
    const sim = await tempSim();
    const first = await acquireChangeLock(sim);
    await expect(acquireChangeLock(sim)).rejects.toMatchObject({ code: 'busy', kind: 'user' });
    first.release();
    first.release(); // twice is harmless
    const again = await acquireChangeLock(sim);
    again.release();
  });

  it('is released when the work fails', async () => {
    const sim = await tempSim();
    await expect(
      withChangeLock(sim, async () => Promise.reject(new AppError('internal', 'internal', 'boom'))),
    ).rejects.toThrow('boom');
    expect(await withChangeLock(sim, async () => 'ran')).toBe('ran');
  });

  it('is seen by another process (flock(1) on the same directory), and dies with its holder', async () => {
    const sim = await tempSim();
    const lock = await acquireChangeLock(sim);
    const other = await run(FLOCK, ['--nonblock', '--conflict-exit-code', '75', sim.dir, '/bin/true']).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(other).toBe(75);
    lock.release();
    await run(FLOCK, ['--nonblock', sim.dir, '/bin/true']);
  });

  it('is not left behind by a holder that is killed (SIGKILL, no cleanup)', async () => {
    const sim = await tempSim();
    const out = await tempDir();
    const holder = spawn(process.execPath, ['--import', 'tsx', FIXTURE, sim.dir, out, '60000'], {
      stdio: 'ignore',
    });
    await expect
      .poll(async () => readFile(path.join(out, 'changes'), 'utf8').catch(() => ''), { timeout: 20_000 })
      .toContain(String(holder.pid));
    await expect(acquireChangeLock(sim)).rejects.toMatchObject({ code: 'busy' });
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const lock = await acquireChangeLock(sim);
    lock.release();
  });

  it('lets exactly one of two racing processes change dom0; the other is told why and changes nothing', async () => {
    const sim = await tempSim();
    const out = await tempDir();
    const racer = () =>
      new Promise<{ won: boolean; error?: { code: string; message: string } }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, sim.dir, out, '1500'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(JSON.parse(stdout) as { won: boolean }));
      });
    const results = await Promise.all([racer(), racer()]);
    expect(results.filter((r) => r.won)).toHaveLength(1);
    const loser = results.find((r) => !r.won)!;
    expect(loser.error).toMatchObject({ code: 'busy' });
    expect(loser.error!.message).toMatch(/another qubes-stateless change .* is running/);
    expect((await readFile(path.join(out, 'changes'), 'utf8')).trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
