import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoctorResultSchema } from '../../../shared/doctor.js';
import { tempDir } from '../../testing/temp-sim.js';
import { runCli as cli } from '../testing-cli.js';

describe('qubes-stateless doctor', () => {
  it('prints one line per check with the exact command and exit status, and --json in the documented shape', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir, '--profile', 'qubes-4.3')).code).toBe(0);
    const t = await cli('--sim', dir, 'doctor');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^doctor: SIMULATED simulated dom0 at .*: \d+ ok, 0 warnings, 0 problems/);
    expect(t.out).toContain('  ok      sudo      /usr/bin/sudo -n -- /usr/bin/true → exit 0\n');
    expect(t.out).toMatch(/ok {6}probes {4}\/usr\/bin\/qvm-prefs work memory → exit 0/);
    expect(t.out).toMatch(/ok {6}plan {6}Administrator rights/);
    const j = await cli('--sim', dir, 'doctor', '--json');
    const r = DoctorResultSchema.parse(JSON.parse(j.out));
    expect(r.checks.length).toBe(t.out.trim().split('\n').length - 2);
  });

  it('exits 1 with a problem and what to do; --report writes the report; sim init --from-report reads it', async () => {
    const base = await tempDir();
    const dir = path.join(base, 'dom0');
    await cli('sim', 'init', dir);
    const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as { sudo: string };
    state.sudo = 'refused';
    await fs.writeFile(path.join(dir, 'state.json'), JSON.stringify(state));
    const report = path.join(base, 'r.json');
    const t = await cli('--sim', dir, 'doctor', '--report', report, '--anonymize');
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/PROBLEM sudo {6}\/usr\/bin\/sudo -n -- \/usr\/bin\/true → exit 1/);
    expect(t.out).toContain('→ Run the app as the dom0 user that may use sudo without a password');
    expect(t.err).toMatch(/wrote the report to .*r\.json/);
    expect((await fs.stat(report)).mode & 0o777).toBe(0o600);
    // A machine whose probes failed cannot be reproduced: the import says so and creates nothing.
    const bad = await cli('sim', 'init', path.join(base, 'copy'), '--from-report', report);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot be turned into a simulated dom0/);
    expect(await fs.readdir(base)).not.toContain('copy');
  });

  it('rejects misuse', async () => {
    expect((await cli('doctor', 'extra')).code).toBe(2);
    expect((await cli('doctor', '--anonymize')).code).toBe(2);
    const dir = path.join(await tempDir(), 'x');
    expect(
      (await cli('sim', 'init', dir, '--profile', 'qubes-4.3', '--from-report', '/nonexistent')).code,
    ).toBe(2);
  });
});
