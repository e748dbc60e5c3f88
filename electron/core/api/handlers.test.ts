import { describe, expect, it } from 'vitest';
import { tempSim } from '../testing/temp-sim.js';
import { createHandlers } from './handlers.js';

describe('main-process handlers', () => {
  it('validates payloads and wraps results in envelopes', async () => {
    const sim = await tempSim();
    const h = createHandlers({ system: sim, version: '1.2.3', emit: () => undefined });
    expect(await h['app:info']({})).toEqual({ ok: true, value: { version: '1.2.3', system: { kind: 'simulated', description: sim.description } } });
    expect(await h['app:info']({ path: '/etc/shadow' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await h['facts:get']({ refresh: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid-request', params: { channel: 'facts:get' } } });
    const facts = await h['facts:get']({});
    expect(facts.ok && facts.value.qubesRelease).toBe('4.2');
  });

  it('caches facts until asked to refresh, and serializes failures with their code', async () => {
    const sim = await tempSim();
    const h = createHandlers({ system: sim, version: '1', emit: () => undefined });
    await h['facts:get']({});
    const commands = (await sim.commandLog()).length;
    await h['facts:get']({});
    expect((await sim.commandLog()).length).toBe(commands);
    await sim.tree.writeAtomic('/proc/swaps', 'junk\n');
    expect(await h['facts:get']({ refresh: true })).toMatchObject({ ok: false, error: { code: 'parse-error', kind: 'internal', params: { source: '/proc/swaps' } } });
  });
});
