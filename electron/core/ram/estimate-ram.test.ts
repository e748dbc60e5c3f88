import { describe, expect, it } from 'vitest';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import { RamEstimateSchema } from '../../../shared/ram/ram-estimate.js';
import { probeFacts } from '../probes/probe-facts.js';
import { BIN } from '../system/binaries.js';
import { tempSim } from '../../testing/temp-sim.js';
import { parseCurrentKb, parseMeminfo, parseQmemmanConf, usedMiBFromMeminfo } from './dom0-memory.js';
import { estimateRam } from './estimate-ram.js';
import { duBytesArgs, duInodesArgs, parseDu, probeRootUsage } from './root-usage.js';

const choices = (mode: 'overlay' | 'zram' | 'tmpfs', extra: object = {}) =>
  WizardChoicesSchema.parse({ dom0: { mode }, ...extra });

describe('root usage through du', () => {
  it('parses du and rejects what is not du', () => {
    expect([...parseDu('4096\t/boot\n123\t/usr\n130\t/\n')]).toEqual([
      ['/boot', 4096],
      ['/usr', 123],
      ['/', 130],
    ]);
    expect(() => parseDu('garbage\n')).toThrow(/cannot parse du/);
    expect(() => parseDu('12\t/usr\n')).toThrow(/no total/);
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'the simulated du of %s adds up to what findmnt says is used',
    async (profile) => {
      const sim = await tempSim(profile);
      const facts = await probeFacts(sim);
      const bytes = parseDu((await sim.run({ bin: BIN.du, args: duBytesArgs, privileged: true })).stdout);
      const parts = [...bytes].filter(([p]) => p !== '/').reduce((s, [, v]) => s + v, 0);
      expect(parts).toBe(bytes.get('/'));
      expect(bytes.get('/')).toBe(facts.rootFs.usedBytes);
      const inodes = parseDu((await sim.run({ bin: BIN.du, args: duInodesArgs, privileged: true })).stdout);
      expect([...inodes].filter(([p]) => p !== '/').reduce((s, [, v]) => s + v, 0)).toBe(inodes.get('/'));
      const usage = await probeRootUsage(sim, facts.rootFs);
      expect(usage).toMatchObject({ source: 'du', usedMiB: Math.ceil(facts.rootFs.usedBytes / 2 ** 20) });
      expect(usage.breakdown[0]?.path).toBe('/usr');
      expect(usage.breakdown.some((d) => d.path === '/boot')).toBe(false);
      expect(
        (await sim.commandLog()).filter((c) => c.argv.includes(BIN.du)).every((c) => c.argv[0] === BIN.sudo),
      ).toBe(true);
    },
  );

  it('falls back to findmnt when sudo is refused', async () => {
    const sim = await tempSim();
    const facts = await probeFacts(sim);
    await sim.updateState((s) => void (s.sudo = 'refused'));
    expect(await probeRootUsage(sim, facts.rootFs)).toEqual({
      usedMiB: Math.ceil(facts.rootFs.usedBytes / 2 ** 20),
      inodes: null,
      breakdown: [],
      source: 'findmnt',
    });
  });
});

describe('dom0 memory and qmemman settings', () => {
  it("computes meminfo-writer's used figure", () => {
    const info = parseMeminfo(
      'MemTotal: 4000000 kB\nMemFree: 1000000 kB\nBuffers: 100000 kB\nCached: 1500000 kB\nSwapTotal: 1000 kB\nSwapFree: 0 kB\n',
    );
    expect(usedMiBFromMeminfo(info)).toBe(Math.ceil((4000000 - 1000000 - 100000 - 1500000 + 1000) / 1024));
    expect(usedMiBFromMeminfo(parseMeminfo('MemTotal: 1 kB\n'))).toBeNull();
    // meminfo-writer.c: the balloon's current_kb (whole allocation, kernel-reserved pages included) replaces
    // MemTotal when it reads non-zero.
    expect(usedMiBFromMeminfo(info, 4_194_304)).toBe(
      Math.ceil((4_194_304 - 1000000 - 100000 - 1500000 + 1000) / 1024),
    );
    expect(usedMiBFromMeminfo(info, 0)).toBe(usedMiBFromMeminfo(info));
    expect(parseCurrentKb('4193280\n')).toBe(4193280);
    expect(parseCurrentKb('')).toBeNull();
  });

  it('reads qmemman.conf, keeping defaults for what it lacks', () => {
    expect(
      parseQmemmanConf('[global]\nvm-min-mem = 300M\ndom0-mem-boost = 1G\ncache-margin-factor = 1.5\n'),
    ).toEqual({ vmMinMemMiB: 300, dom0MemBoostMiB: 1024, cacheMarginFactor: 1.5, source: 'file' });
    expect(parseQmemmanConf('[other]\ndom0-mem-boost = 1G\n')).toMatchObject({
      dom0MemBoostMiB: 350,
      cacheMarginFactor: 1.3,
    });
  });
});

describe('estimateRam over the simulated dom0', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])(
    '%s: measures, says the tiny tree gives typical ratios, and fits on 32 GiB',
    async (profile) => {
      const sim = await tempSim(profile);
      const facts = await probeFacts(sim);
      const progress: string[] = [];
      const e = RamEstimateSchema.parse(
        await estimateRam(
          sim,
          facts,
          choices('zram', {
            templates: [{ template: profile === 'qubes-4.2' ? 'fedora-40-xfce' : 'fedora-42-xfce' }],
            ramPool: { enabled: true },
          }),
          { onProgress: (p) => progress.push(p.phase) },
        ),
      );
      expect(e.simulated).toBe(true);
      expect(e.measurements.ratioNote).toBe('ram.ratio.sampleTooSmall');
      expect(e.input.ratio).toMatchObject({ compressor: 'zstd', source: 'typical' });
      // The profile's /proc/meminfo with current_kb = 4095 MiB for MemTotal: (4193280 − 402112 − 61244 − 2104500) KiB.
      expect(e.measurements.dom0UsedMiB).toBe(Math.ceil((4095 * 1024 - 402_112 - 61_244 - 2_104_500) / 1024));
      expect(e.measurements.qmemman.source).toBe('file');
      expect(e.model.ramPool?.clonesMiB).toBe(Math.ceil(5.1 * 1024) - 1);
      expect(e.model.verdict.kind).toBe('fits');
      expect(e.model.autostart.qubes.map((q) => q.name)).toEqual([
        'sys-firewall',
        'sys-net',
        'sys-usb',
        'sys-whonix',
      ]);
      expect(progress).toEqual(expect.arrayContaining(['root-usage', 'walk', 'compress']));
      expect(e.model.warnings.map((w) => w.key)).toContain(
        profile === 'qubes-4.3' ? 'ram.warning.zramSwapRemains' : 'ram.warning.noSwap',
      );
    },
  );

  it('without sampling, reads no file of the root', async () => {
    const sim = await tempSim();
    const facts = await probeFacts(sim);
    const e = await estimateRam(sim, facts, choices('tmpfs'), { sample: false });
    expect(e.measurements.sample).toBeNull();
    expect(e.measurements.ratioNote).toBe('ram.ratio.notSampled');
    expect(e.model.mode).toBe('tmpfs');
  });
});
