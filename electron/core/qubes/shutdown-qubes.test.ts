import { describe, expect, it } from 'vitest';
import { createHandlers } from '../api/handlers.js';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { BIN } from '../system/binaries.js';
import { qvmShutdown } from './admin-commands.js';
import { checkGrammar } from './admin-grammar.js';

async function setup(profile = 'qubes-4.2') {
  const sim = await tempSim(profile);
  await sim.updateState((s) => {
    s.qubes.find((q) => q.name === 'work')!.state = 'Running';
  });
  // The main process's own question (handlers' confirm) answered yes: these tests are about what the core does.
  const h = createHandlers({
    system: sim,
    version: '1',
    assetsDir: testAssetsDir(),
    emit: () => undefined,
    confirm: async () => true,
  });
  const shutdowns = async () =>
    (await sim.commandLog()).filter((c) => c.argv.includes(BIN.qvmShutdown)).map((c) => c.argv);
  return { sim, h, shutdowns };
}

describe('qubes:shutdown', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])(
    'shuts a running qube down with qvm-shutdown --wait on %s',
    async (p) => {
      const { sim, h, shutdowns } = await setup(p);
      expect(await h['qubes:shutdown']({ qubes: ['work'] })).toEqual({
        ok: true,
        value: { halted: ['work'] },
      });
      expect(sim.snapshotState().qubes.find((q) => q.name === 'work')?.state).toBe('Halted');
      // Unprivileged (no sudo), one argv, as qvm_shutdown.py parses it.
      expect(await shutdowns()).toEqual([[BIN.qvmShutdown, '--wait', '--timeout', '60', 'work']]);
    },
  );

  it.each([
    ['a name qubesd would refuse', ['-rf']],
    ['an option in disguise', ['--all']],
    ['a qube that does not exist', ['nosuchqube']],
    ['dom0', ['dom0']],
    ['a bad name among good ones', ['work', 'bad name']],
  ])('refuses %s and runs nothing', async (_what, qubes) => {
    const { sim, h, shutdowns } = await setup();
    const before = await simDigest(sim);
    const r = await h['qubes:shutdown']({ qubes });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['invalid-qube-name', 'invalid-choice']).toContain(r.error.code);
    expect(await shutdowns()).toEqual([]);
    expect(await simDigest(sim)).toBe(before);
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'refuses a paused qube (qubesd does not shut it down, qvm-shutdown --wait would kill it) and runs nothing on %s',
    async (p) => {
      const { sim, h, shutdowns } = await setup(p);
      await sim.updateState((s) => {
        s.qubes.find((q) => q.name === 'work')!.state = 'Paused';
      });
      const before = await simDigest(sim);
      expect(await h['qubes:shutdown']({ qubes: ['work'] })).toMatchObject({
        ok: false,
        error: {
          code: 'invalid-choice',
          message: 'work is Paused, not running: unpause it or shut it down in the Qube Manager',
          params: { reason: 'shutdown.problem.paused', field: 'work', state: 'Paused' },
        },
      });
      expect(await shutdowns()).toEqual([]);
      expect(await simDigest(sim)).toBe(before);
    },
  );

  it('refuses a qube in any other state than Running or Halted, even beside a running one, and runs nothing', async () => {
    const { sim, h, shutdowns } = await setup();
    await sim.updateState((s) => {
      s.qubes.find((q) => q.name === 'untrusted')!.state = 'Transient';
    });
    expect(await h['qubes:shutdown']({ qubes: ['work', 'untrusted'] })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-choice',
        params: { reason: 'shutdown.problem.notRunning', field: 'untrusted', state: 'Transient' },
      },
    });
    expect(await shutdowns()).toEqual([]);
  });

  it('refuses malformed requests before anything runs', async () => {
    const { h, shutdowns } = await setup();
    for (const payload of [{}, { qubes: [] }, { qubes: 'work' }, { qubes: ['work'], force: true }])
      expect(await h['qubes:shutdown'](payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    expect(await shutdowns()).toEqual([]);
  });

  it('refuses a running qube the wizard does not offer (no root volume of its own to choose) and runs nothing', async () => {
    const { sim, h, shutdowns } = await setup();
    await sim.updateState((s) => {
      delete s.qubes.find((q) => q.name === 'work')!.volumes.root;
    });
    expect(await h['qubes:shutdown']({ qubes: ['work'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-choice', params: { reason: 'shutdown.problem.notOffered' } },
    });
    expect(await shutdowns()).toEqual([]);
  });

  it('runs nothing for a qube already halted, and says so', async () => {
    const { h, shutdowns } = await setup();
    expect(await h['qubes:shutdown']({ qubes: ['vault'] })).toEqual({
      ok: true,
      value: { halted: ['vault'] },
    });
    expect(await shutdowns()).toEqual([]);
  });

  it('passes on what qvm-shutdown says when it fails (a qube others are connected to), as a command failure', async () => {
    const { sim, h } = await setup();
    const r = await h['qubes:shutdown']({ qubes: ['sys-firewall'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'command-failed' } });
    if (!r.ok) expect(r.error.message).toContain('Failed to shut down: sys-firewall');
    expect(sim.snapshotState().qubes.find((q) => q.name === 'sys-firewall')?.state).toBe('Running');
  });

  it('fails like the simulator was told to (a scripted failure), leaving the qube running', async () => {
    const { sim, h } = await setup();
    await sim.updateState(
      (s) =>
        void s.failures.push({
          argvPrefix: [BIN.qvmShutdown],
          exitCode: 1,
          stderr: 'qvm-shutdown: error: Got empty response from qubesd',
          times: 1,
        }),
    );
    const r = await h['qubes:shutdown']({ qubes: ['work'] });
    expect(r).toMatchObject({ ok: false, error: { code: 'command-failed' } });
    expect(sim.snapshotState().qubes.find((q) => q.name === 'work')?.state).toBe('Running');
  });

  it('builds an argv the recorded qvm-shutdown grammar of both releases accepts', () => {
    for (const r of ['4.2', '4.3'] as const) {
      const c = qvmShutdown(['work', 'personal'], r);
      expect(() => checkGrammar('qvm-shutdown', c.args, r)).not.toThrow();
      expect(() => qvmShutdown(['--all'], r)).toThrow(/not a valid qube name/);
    }
  });
});
