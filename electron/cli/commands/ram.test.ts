import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RamEstimateSchema } from '../../../shared/ram/ram-estimate.js';
import { tempDir } from '../../testing/temp-sim.js';
import { runCli as cli } from '../testing-cli.js';

describe('qubes-stateless ram', () => {
  it('prints the estimate as JSON and as text, on the simulated dom0', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir, '--profile', 'qubes-4.3')).code).toBe(0);
    const j = await cli('--sim', dir, 'ram', '--mode', 'tmpfs', '--json');
    expect(j.code).toBe(0);
    expect(j.err).toMatch(/simulated/);
    const e = RamEstimateSchema.parse(JSON.parse(j.out));
    expect(e.model.mode).toBe('tmpfs');
    expect(e.input.release).toBe('4.3');
    const t = await cli(
      '--sim',
      dir,
      'ram',
      '--mode',
      'zram',
      '--compressor',
      'lz4',
      '--template',
      'fedora-42-xfce',
    );
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^SIMULATED RAM estimate for a stateless dom0: mode zram, lz4/);
    expect(t.out).toMatch(/^verdict: +Fits: [\d,]+ MiB left for qubes/m);
    expect(t.out).toMatch(
      /rd\.qubes\.stateless=zram rd\.qubes\.stateless\.comp=lz4 rd\.qubes\.stateless\.size=\d+ rd\.qubes\.stateless\.reserve=\d+/,
    );
    expect(t.out).toMatch(/dom0_mem=max:\d+M/);
    expect(t.out).toMatch(/RAM pool: +[\d,]+ MiB \(clones 5,222 MiB\)/);
  });

  it('rejects bad choices with the usage text', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    await cli('sim', 'init', dir);
    const r = await cli('--sim', dir, 'ram', '--mode', 'squashfs');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^qubes-stateless: error: invalid choice --mode: must be one of overlay, zram, tmpfs\.$/m,
    );
    expect((await cli('--sim', dir, 'ram', '--time-budget', 'soon')).code).toBe(2);
  });
});
