import { describe, expect, it } from 'vitest';
import { probeFacts } from '../core/probes/probe-facts.js';
import { PATHS } from '../core/tasks/paths.js';
import { engineFor, everyTask } from '../testing/engine-fixture.js';
import { simDigest } from '../testing/sim-digest.js';
import { tempSim } from '../testing/temp-sim.js';
import { bootSim } from './sim-boot.js';

describe('rebooting the simulated dom0', () => {
  it('refuses a stateless boot before anything is installed; normal boots stop what is not autostarted', async () => {
    const sim = await tempSim();
    await expect(bootSim(sim, 'stateless')).rejects.toMatchObject({ code: 'invalid-choice' });
    await bootSim(sim, 'normal');
    expect(sim.snapshotState().qubes.find((q) => q.name === 'personal')?.state).toBe('Halted');
    const before = await simDigest(sim);
    await bootSim(sim, 'normal');
    expect(await simDigest(sim)).toBe(before);
  });

  it('boots the installed entry into RAM, runs the session, and forgets the session at the next boot', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    await bootSim(sim, 'normal');
    const installed = await simDigest(sim);
    const report = await bootSim(sim, 'stateless');
    expect(report).toMatchObject({ result: 'active', session: { ran: true, problems: [] } });
    const facts = await probeFacts(sim);
    expect(facts.bootMode).toEqual({ kind: 'stateless', mode: 'zram', viaQubesStateless: true });
    expect(facts.statelessStatus).toMatchObject({ result: 'active', mode: 'zram' });
    expect(facts.swap.map((s) => s.device)).toEqual([]);
    expect(facts.memory.dom0.maxMiB).toBeGreaterThan(4096);
    expect(facts.qubes.map((q) => q.name)).toContain('debian-12-xfce-ram-dvm');
    // Installing or rolling back from here is refused.
    await expect(engineFor(sim).rollback({})).rejects.toMatchObject({ code: 'precondition-failed' });

    await bootSim(sim, 'normal');
    expect(await simDigest(sim)).toBe(installed);
    expect((await probeFacts(sim)).qubes.map((q) => q.name)).not.toContain('debian-12-xfce-ram-dvm');
  });

  /** A simulated dom0 with a stateless entry for `mode` that booted into RAM once, now back in a normal boot. */
  async function installedAndTried(mode: 'tmpfs' | 'overlay') {
    const sim = await tempSim();
    await engineFor(sim).apply({ dom0: { mode } });
    expect((await bootSim(sim, 'stateless')).result).toBe('active');
    await bootSim(sim, 'normal');
    return sim;
  }

  /** The stateless entry falls back for `reason`, boots persistent, and the status file says why. */
  async function expectFallback(sim: Awaited<ReturnType<typeof tempSim>>, reason: string) {
    expect(await bootSim(sim, 'stateless')).toMatchObject({ result: 'fallback', reason });
    const facts = await probeFacts(sim);
    expect(facts.bootMode.kind).toBe('persistent');
    expect(facts.statelessStatus).toMatchObject({ result: 'fallback', reason });
  }

  it('falls back to persistent when the root has outgrown the entry, and says so', async () => {
    const sim = await installedAndTried('tmpfs');
    // Months later the root holds twice as much; the entry's dom0_mem=max was sized for the old root.
    await sim.updateState(
      (s) => void (s.mounts.find((m) => m.target === '/')!.baseUsedBytes = 15 * 1024 ** 3),
    );
    // The boot kit (its qubes-stateless-setup.sh, run for real) checks the entry's size cap before RAM.
    await expectFallback(sim, 'size-too-small');
  });

  it('falls back to persistent when dom0 gets less RAM than the entry was sized for, and says so', async () => {
    const sim = await installedAndTried('tmpfs');
    // A memory module removed: Xen gives dom0 less than the entry's dom0_mem=max.
    await sim.updateState((s) => void (s.host.totalMiB = 4 * 1024));
    await expectFallback(sim, 'not-enough-ram');
  });

  it("decides with the installed boot kit's own constants: an edit to the script changes the verdict", async () => {
    const sim = await installedAndTried('overlay');
    const setup = `${PATHS.dracutModuleDir}/qubes-stateless-setup.sh`;
    const script = (await sim.tree.read(setup)).toString();
    expect(script).toMatch(/^QS_OVERLAY_MIN_MIB=64$/m);
    // The overlay's least upper layer raised past what dom0 has: the same entry now falls back.
    const edited = script.replace(/^QS_OVERLAY_MIN_MIB=64$/m, 'QS_OVERLAY_MIN_MIB=999999');
    await sim.tree.writeAtomic(setup, edited, { mode: 0o755 });
    await expectFallback(sim, 'not-enough-ram');
  });
});
