import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemFactsSchema } from '../../shared/facts.js';
import { SimSystem } from '../sim/sim-system.js';
import { tempDir } from '../testing/temp-sim.js';
import { runCli as cli } from './testing-cli.js';

/** Every file below a directory with its bytes, to prove a failed command wrote nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(dir, p)] = (await readFile(p)).toString('base64');
    }
  };
  await walk(dir);
  return out;
}

describe('qubes-stateless CLI', () => {
  it('sim init then status --json prints the facts, marked simulated', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir, '--profile', 'qubes-4.2')).code).toBe(0);
    const r = await cli('--sim', dir, 'status', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/simulated/);
    const facts = SystemFactsSchema.parse(JSON.parse(r.out));
    expect(facts).toMatchObject({
      simulated: true,
      qubesRelease: '4.2',
      bootMode: { kind: 'persistent' },
      memory: { totalMiB: 32614 },
    });
    expect(facts.rootFs.fsType).toBe('ext4');
    expect(facts.qubes.length).toBeGreaterThan(10);
    expect(facts.pools.map((p) => p.name)).toEqual(['linux-kernel', 'varlibqubes', 'vm-pool']);
  });

  it('prints a readable status that says SIMULATED', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    await cli('sim', 'init', dir, '--profile', 'qubes-4.3');
    const r = await cli('--sim', dir, 'status');
    expect(r.out).toMatch(/^SIMULATED Qubes release 4\.3\.0/);
    expect(r.out).toMatch(/\/dev\/zram0/);
  });

  it('rejects an unknown profile without creating anything', async () => {
    const base = await tempDir();
    const r = await cli('sim', 'init', path.join(base, 'dom0'), '--profile', 'qubes-5.0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown profile "qubes-5\.0" \(known: qubes-4\.2, qubes-4\.3\)/);
    expect(await readdir(base)).toEqual([]);
  });

  it('refuses to init into a non-empty directory', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'precious'), 'data');
    const r = await cli('sim', 'init', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not empty/);
    expect(await readdir(dir)).toEqual(['precious']);
  });

  it('names a missing --sim dir, a file in its place, a missing state and a garbled state; nothing is written', async () => {
    const base = await tempDir();
    expect(await cli('--sim', path.join(base, 'nope'), 'status')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/nope as a simulated dom0: it does not exist/),
    });
    await writeFile(path.join(base, 'file'), 'x');
    expect(await cli('--sim', path.join(base, 'file'), 'status')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/is not a directory/),
    });
    await mkdir(path.join(base, 'empty'));
    expect(await cli('--sim', path.join(base, 'empty'), 'status')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/state\.json is missing/),
    });

    const dir = path.join(base, 'dom0');
    await cli('sim', 'init', dir);
    await writeFile(path.join(dir, 'state.json'), '{"format": "qubes-stateless-sim/1", "profile": ');
    const before = await snapshot(dir);
    expect(await cli('--sim', dir, 'status')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/state\.json is not valid JSON/),
    });
    await writeFile(
      path.join(dir, 'state.json'),
      JSON.stringify({ format: 'qubes-stateless-sim/1', profile: 'x' }),
    );
    const garbled = await cli('--sim', dir, 'status', '--json');
    expect(garbled.code).toBe(1);
    expect(JSON.parse(garbled.out).error).toMatchObject({ code: 'sim-state-invalid' });
    await writeFile(path.join(dir, 'state.json'), '{"format": "qubes-stateless-sim/1", "profile": ');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('names a garbled file inside the simulated tree', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    await cli('sim', 'init', dir);
    await writeFile(path.join(dir, 'root/etc/qubes-release'), 'Debian GNU/Linux 12\n');
    expect(await cli('--sim', dir, 'status')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/\/etc\/qubes-release: unexpected text/),
    });
    await chmod(path.join(dir, 'root/etc/qubes-release'), 0o644);
  });

  it('plan says why the RAM root does not fit, not only that it does not', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir)).code).toBe(0);
    await (await SimSystem.open(dir)).updateState((s) => void (s.host.totalMiB = 6144));
    const planned = await cli('--sim', dir, 'plan', '--mode', 'tmpfs', '--no-sample');
    expect(planned.code).toBe(1);
    expect(planned.out).toMatch(
      /^ {2}FAIL The RAM root does not fit on this machine \(does not fit: dom0 would need [\d,]+ MiB/m,
    );
  });

  it('answers usage errors with exit 2', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('status', '--bogus')).code).toBe(2);
    expect((await cli('sim', 'init')).code).toBe(2);
    expect((await cli('plan', '--time-budget', 'soon')).code).toBe(2);
    expect((await cli('--help')).code).toBe(0);
  });
});
