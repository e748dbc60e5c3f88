import { describe, expect, it } from 'vitest';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { createHandlers } from './handlers.js';

describe('main-process handlers', () => {
  it('validates payloads and wraps results in envelopes', async () => {
    const sim = await tempSim();
    const h = createHandlers({
      system: sim,
      version: '1.2.3',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => true,
    });
    expect(await h['app:info']({})).toEqual({
      ok: true,
      value: { version: '1.2.3', system: { kind: 'simulated', description: sim.description } },
    });
    expect(await h['app:info']({ path: '/etc/shadow' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await h['facts:get']({ refresh: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', params: { channel: 'facts:get' } },
    });
    const facts = await h['facts:get']({});
    expect(facts.ok && facts.value.qubesRelease).toBe('4.2');
  });

  it('caches facts until asked to refresh, and serializes failures with their code', async () => {
    const sim = await tempSim();
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => true,
    });
    await h['facts:get']({});
    const commands = (await sim.commandLog()).length;
    await h['facts:get']({});
    expect((await sim.commandLog()).length).toBe(commands);
    await sim.tree.writeAtomic('/proc/swaps', 'junk\n');
    expect(await h['facts:get']({ refresh: true })).toMatchObject({
      ok: false,
      error: { code: 'parse-error', kind: 'internal', params: { source: '/proc/swaps' } },
    });
  });
});

describe('install channels', () => {
  it('plans, applies the reviewed plan with progress events, reports the journal, and rolls back', async () => {
    const sim = await tempSim();
    const events: string[] = [];
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: (e) => void events.push(e.kind),
      confirm: async () => true,
    });
    const choices = { dom0: { mode: 'zram' } };
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(planned.value.plan.ram.mode).toBe('zram');
    expect(await h['plan:apply']({ choices, digest: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'drift-since-plan' },
    });
    const applied = await h['plan:apply']({ choices, digest: planned.value.digest });
    expect(applied).toMatchObject({ ok: true, value: { transaction: { status: 'applied' } } });
    expect(events).toContain('step');
    const status = await h['journal:status']({});
    expect(status.ok && status.value.installed.length).toBe(1);
    expect(await h['rollback:preview']({})).toMatchObject({ ok: true, value: { conflicts: [] } });
    expect(await h['rollback:run']({ resolutions: {} })).toMatchObject({ ok: true, value: { problems: [] } });
    const after = await h['journal:status']({});
    expect(after.ok && after.value.installed).toEqual([]);
  });

  it('runs one change at a time and rejects paths or commands smuggled into choices', async () => {
    const sim = await tempSim();
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => true,
    });
    const choices = { dom0: { mode: 'overlay' } };
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    const [a, b] = await Promise.all([
      h['plan:apply']({ choices, digest: planned.value.digest }),
      h['rollback:run']({ resolutions: {} }),
    ]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(
      await h['plan:create']({
        choices: { dom0: { mode: 'zram' }, grubScript: '/tmp/evil' },
        path: '/etc/shadow',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(
      await h['plan:create']({ choices: { dom0: { mode: 'zram' }, readOnlyRoot: ['$(reboot)'] } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-qube-name' } });
  });
});
