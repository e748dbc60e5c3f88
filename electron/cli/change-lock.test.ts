import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimSystem } from '../sim/sim-system.js';
import { simDigest } from '../testing/sim-digest.js';
import { tempDir } from '../testing/temp-sim.js';
import { runCli as cli } from './testing-cli.js';

describe('the CLI and the app share one change lock', () => {
  it('a CLI apply while another process holds the lock is refused with the reason, and changes nothing', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir, '--profile', 'qubes-4.3')).code).toBe(0);
    const before = await simDigest(await SimSystem.open(dir), { includeJournal: true });
    const out = await tempDir();
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(import.meta.dirname, '../testing/lock-holder.ts'), dir, out, '30000'],
      { stdio: 'ignore' },
    );
    try {
      await expect
        .poll(async () => readFile(path.join(out, 'changes'), 'utf8').catch(() => ''), { timeout: 20_000 })
        .toContain(String(holder.pid));
      for (const argv of [
        ['apply', '--mode', 'zram', '--no-sample', '--yes'],
        ['recover', '--rollback', '--yes'],
      ]) {
        const r = await cli('--sim', dir, ...argv);
        expect(r.code, argv[0]).toBe(1);
        expect(r.err, argv[0]).toMatch(
          /another qubes-stateless change \(apply, rollback or recover, from the app or the CLI\) is running/,
        );
      }
      expect(await simDigest(await SimSystem.open(dir), { includeJournal: true })).toEqual(before);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((r) => holder.once('exit', r));
    expect((await cli('--sim', dir, 'apply', '--mode', 'zram', '--no-sample', '--yes')).code).toBe(0);
  }, 60_000);
});
