import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATHS } from '../tasks/paths.js';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { tempDir, tempSim } from '../../testing/temp-sim.js';
import type { ChangeConfirmation } from './confirm-change.js';
import { createHandlers } from './handlers.js';

const choices = { dom0: { mode: 'zram' } };
const RACER = path.resolve(import.meta.dirname, '../../testing/lock-holder.ts');
/** What an apply changes first-hand: the GRUB script it installs (absent on a fresh simulated dom0). */
const grubInstalled = async (sim: Awaited<ReturnType<typeof tempSim>>) =>
  (await sim.stat(PATHS.grubScript)) !== null;

describe('the guards in front of changes to dom0', () => {
  it('refuses apply, rollback and recover when the shell cannot ask the user, and changes nothing', async () => {
    const sim = await tempSim();
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
    });
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    const before = await grubInstalled(sim);
    expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed', kind: 'cancelled' },
    });
    expect(await h['rollback:run']({ resolutions: {} })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    expect(await h['recover:run']({ action: 'rollback' })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    // Shutting down a qube closes its programs: asked by the main process too, refused without a way to ask.
    await sim.updateState((s) => void (s.qubes.find((q) => q.name === 'work')!.state = 'Running'));
    expect(await h['qubes:shutdown']({ qubes: ['work'] })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    expect(sim.snapshotState().qubes.find((q) => q.name === 'work')?.state).toBe('Running');
    expect(await grubInstalled(sim)).toEqual(before);
    expect(await h['journal:status']({})).toMatchObject({ ok: true, value: { transactions: [] } });
  });

  it('asks before applying, with what is about to happen, and does nothing when the user says no', async () => {
    const sim = await tempSim();
    const asked: ChangeConfirmation[] = [];
    let answer = false;
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async (r) => (asked.push(r), answer),
    });
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    const before = await grubInstalled(sim);
    expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    expect(asked).toEqual([
      {
        action: 'apply',
        params: { system: sim.description, mode: 'zram', digest: planned.value.digest.slice(0, 12) },
      },
    ]);
    expect(await grubInstalled(sim)).toEqual(before);
    answer = true;
    expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({ ok: true });
    expect(await grubInstalled(sim)).not.toEqual(before);
    expect(await h['rollback:run']({ resolutions: {} })).toMatchObject({ ok: true });
    expect(asked.map((a) => a.action)).toEqual(['apply', 'apply', 'rollback']);
  });

  it('does not ask at all for a request that fails validation', async () => {
    const sim = await tempSim();
    let asked = 0;
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => (asked++, true),
    });
    expect(await h['plan:apply']({ choices, digest: 'not-a-digest' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(asked).toBe(0);
  });

  it('refuses changes and fresh reads of dom0 while a change runs, and joins a refresh already running', async () => {
    const sim = await tempSim();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => (await gate, true),
    });
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    const applying = h['plan:apply']({ choices, digest: planned.value.digest });
    for (const call of [
      h['plan:apply']({ choices, digest: planned.value.digest }),
      h['rollback:run']({ resolutions: {} }),
      h['facts:get']({ refresh: true }),
      h['ram:measure']({ refresh: true }),
      h['plan:create']({ choices }),
    ]) {
      expect(await call).toMatchObject({ ok: false, error: { code: 'busy' } });
    }
    expect(await h['journal:status']({})).toMatchObject({ ok: true });
    release();
    expect(await applying).toMatchObject({ ok: true });
    // Two refreshes at once: one probe of dom0, not two.
    const commands = (await sim.commandLog()).length;
    const [a, b] = await Promise.all([h['facts:get']({ refresh: true }), h['facts:get']({ refresh: true })]);
    expect(a).toEqual(b);
    const once = (await sim.commandLog()).length - commands;
    await h['facts:get']({ refresh: true });
    expect((await sim.commandLog()).length - commands).toBe(2 * once);
  });

  it('refuses an apply while another process (the CLI) holds the change lock, and changes nothing', async () => {
    const sim = await tempSim();
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => true,
    });
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    const before = await grubInstalled(sim);
    // Another process holding the lock, as a CLI apply would (the lock's own race test runs the same fixture).
    const out = await tempDir();
    const other = spawn(process.execPath, ['--import', 'tsx', RACER, sim.dir, out, '30000'], {
      stdio: 'ignore',
    });
    try {
      await expect
        .poll(async () => readFile(path.join(out, 'changes'), 'utf8').catch(() => ''), { timeout: 20_000 })
        .toContain(String(other.pid));
      expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({
        ok: false,
        error: { code: 'busy', params: { lock: sim.dir } },
      });
      expect(await grubInstalled(sim)).toEqual(before);
      expect(await h['journal:status']({})).toMatchObject({ ok: true, value: { transactions: [] } });
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.once('exit', r));
    expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({ ok: true });
  });
});
