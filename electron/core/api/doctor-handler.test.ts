import { describe, expect, it } from 'vitest';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { createHandlers } from './handlers.js';

describe('doctor:run', () => {
  it("returns doctor's checks to the renderer, validated, and changes nothing — also right after an install", async () => {
    const sim = await tempSim('qubes-4.3');
    const h = createHandlers({
      system: sim,
      version: '1',
      assetsDir: testAssetsDir(),
      emit: () => undefined,
      confirm: async () => true,
    });
    expect(await h['doctor:run']({ verbose: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    const before = await simDigest(sim, { includeJournal: true });
    const r = await h['doctor:run']({});
    if (!r.ok) throw new Error(r.error.message);
    expect(await simDigest(sim, { includeJournal: true })).toBe(before);
    expect(r.value).toMatchObject({ format: 'qubes-stateless-doctor/1', ok: true, simulated: true });
    expect(r.value.checks.find((c) => c.id === 'readiness:release')).toMatchObject({
      status: 'ok',
      key: 'checks.release.ok',
      params: { release: '4.3' },
    });
    // Installed: the plan stage now reads our own files and the journal; still nothing changes.
    const choices = { dom0: { mode: 'overlay' } };
    const planned = await h['plan:create']({ choices });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(await h['plan:apply']({ choices, digest: planned.value.digest })).toMatchObject({ ok: true });
    const installed = await simDigest(sim, { includeJournal: true });
    const again = await h['doctor:run']({});
    expect(again).toMatchObject({ ok: true, value: { ok: true } });
    expect(await simDigest(sim, { includeJournal: true })).toBe(installed);
  });
});
