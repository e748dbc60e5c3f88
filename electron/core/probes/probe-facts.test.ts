import { describe, expect, it } from 'vitest';
import { SystemFactsSchema } from '../../../shared/facts.js';
import { BALLOON_CURRENT_KB } from '../ram/dom0-memory.js';
import { bootSim } from '../../sim/sim-boot.js';
import { BIN } from '../system/binaries.js';
import { tempSim } from '../../testing/temp-sim.js';
import { detectBootMode, probeFacts } from './probe-facts.js';

describe('probeFacts over the simulated dom0', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])('reads every fact of %s through the real parsers', async (profile) => {
    const sim = await tempSim(profile);
    const facts = SystemFactsSchema.parse(await probeFacts(sim));
    const state = sim.snapshotState();
    expect(facts.simulated).toBe(true);
    expect(facts.qubesRelease).toBe(profile.slice(-3));
    expect(facts.memory).toMatchObject({
      totalMiB: state.host.totalMiB,
      dom0: { minMiB: 1024, maxMiB: 4096, currentMiB: 4095 },
    });
    expect(facts.rootFs.source).toBe('/dev/mapper/qubes_dom0-root');
    expect(facts.qubes.map((q) => q.name)).toEqual(state.qubes.map((q) => q.name));
    const sysNet = facts.qubes.find((q) => q.name === 'sys-net')!;
    expect(sysNet).toMatchObject({ memoryMiB: 425, maxmemMiB: 0, autostart: true, klass: 'AppVM' });
    expect(sysNet.volumes.private).toMatchObject({ pool: 'vm-pool', sizeMiB: 2048, usageMiB: 120 });
    expect(facts.pools.find((p) => p.name === 'vm-pool')).toEqual({
      name: 'vm-pool',
      driver: 'lvm_thin',
      options: {
        ephemeral_volatile: 'False',
        revisions_to_keep: '2',
        thin_pool: 'vm-pool',
        volume_group: 'qubes_dom0',
      },
    });
    expect(facts.kernels.every((k) => k.xenDom0 && k.initramfs)).toBe(true);
    expect(facts.swap.some((s) => s.device === '/dev/zram0')).toBe(profile === 'qubes-4.3');
    expect(facts.prefs.default_pool).toBe('vm-pool');
  });

  it('4.3: a RemoteVM (no memory property) is listed with no memory, and its memory is never asked for', async () => {
    const sim = await tempSim('qubes-4.3');
    // qvm_prefs.py process_actions: an unknown property is parser.error (exit 2); the probe must not ask.
    const asked = await sim.run({ bin: BIN.qvmPrefs, args: ['remote-vault', 'memory'], expectExit: [2] });
    expect(asked.stderr.trimEnd().split('\n').pop()).toBe("qvm-prefs: error: no such property: 'memory'");
    const facts = await probeFacts(sim);
    expect(facts.qubes.find((q) => q.name === 'remote-vault')).toMatchObject({
      klass: 'RemoteVM',
      state: 'Running',
      memoryMiB: null,
      maxmemMiB: null,
      autostart: false,
      volumes: {},
    });
    const prefsCalls = (await sim.commandLog())
      .filter((c) => c.argv[0] === BIN.qvmPrefs)
      .map((c) => c.argv[1]);
    expect(prefsCalls.filter((n) => n === 'remote-vault')).toEqual(['remote-vault']); // only the one above
    expect(prefsCalls).not.toContain('dom0');
    // A reboot leaves it Running (remotevm.py get_power_state), and the balloon's current_kb follows dom0's size.
    await bootSim(sim, 'normal');
    expect(sim.snapshotState().qubes.find((q) => q.name === 'remote-vault')?.state).toBe('Running');
    expect(Number((await sim.readText(BALLOON_CURRENT_KB)).trim())).toBe(
      sim.snapshotState().dom0.currentMiB * 1024,
    );
  });

  it('asks `qvm-pool info` one pool at a time, and reads every pool', async () => {
    const sim = await tempSim();
    const facts = await probeFacts(sim);
    const infos = (await sim.commandLog()).filter((c) => c.argv[0] === BIN.qvmPool && c.argv[1] === 'info');
    expect(infos.map((c) => c.argv.slice(2)).sort()).toEqual([
      ['linux-kernel'],
      ['varlibqubes'],
      ['vm-pool'],
    ]);
    expect(facts.pools.map((p) => p.name)).toEqual(['linux-kernel', 'varlibqubes', 'vm-pool']);
  });

  it('names the missing file when the tree is broken', async () => {
    const sim = await tempSim();
    await sim.tree.remove('/etc/qubes-release');
    await expect(probeFacts(sim)).rejects.toMatchObject({ code: 'not-qubes' });
  });

  it('names the garbled file', async () => {
    const sim = await tempSim();
    await sim.tree.writeAtomic('/proc/swaps', 'not a swaps file\n');
    await expect(probeFacts(sim)).rejects.toMatchObject({
      code: 'parse-error',
      params: { source: '/proc/swaps' },
    });
  });
});

describe('boot mode', () => {
  const fs = (fsType: string, source: string) => ({
    target: '/',
    source,
    fsType,
    options: '',
    sizeBytes: 1,
    usedBytes: 1,
    availBytes: 0,
  });
  it('is decided by what / really is', () => {
    expect(detectBootMode('rd.qubes.stateless=zram', fs('ext4', '/dev/mapper/qubes_dom0-root'))).toEqual({
      kind: 'persistent',
    });
    expect(detectBootMode('rd.qubes.stateless=zram', fs('ext2', '/dev/zram1'))).toEqual({
      kind: 'stateless',
      mode: 'zram',
      viaQubesStateless: true,
    });
    expect(detectBootMode('ro quiet', fs('tmpfs', 'none'))).toEqual({
      kind: 'stateless',
      mode: 'tmpfs',
      viaQubesStateless: false,
    });
    expect(detectBootMode('rd.qubes.stateless=overlay', fs('overlay', 'qubes-stateless'))).toMatchObject({
      mode: 'overlay',
      viaQubesStateless: true,
    });
  });
});
