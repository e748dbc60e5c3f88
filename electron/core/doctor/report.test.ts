import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SystemFacts } from '../../../shared/facts.js';
import { probeFacts } from '../probes/probe-facts.js';
import { initSimFromReport } from '../../sim/sim-from-report.js';
import type { SimSystem } from '../../sim/sim-system.js';
import { engineFor, testAssetsDir } from '../../testing/engine-fixture.js';
import { tempDir, tempSim } from '../../testing/temp-sim.js';
import { buildReport, readReport, writeReport } from './report.js';
import { runDoctor } from './run-doctor.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

async function reportOf(sim: SimSystem, o: { anonymize?: boolean; username?: string } = {}): Promise<string> {
  const run = await runDoctor(sim, { assetsDir: testAssetsDir() });
  const file = path.join(await tempDir('qs-report-'), 'report.json');
  await writeReport(
    file,
    buildReport(run, { anonymize: !!o.anonymize, username: o.username ?? null, kind: sim.kind }),
  );
  return file;
}

/** Rewrite a report's body and give it a valid checksum again (what a careless tool, not damage, would do). */
async function resign(file: string, edit: (body: Record<string, unknown>) => void): Promise<void> {
  const r = JSON.parse(await fs.readFile(file, 'utf8')) as { sha256: string; body: Record<string, unknown> };
  edit(r.body);
  r.sha256 = createHash('sha256').update(JSON.stringify(r.body)).digest('hex');
  await fs.writeFile(file, JSON.stringify(r));
}

/** The facts with every UUID blanked: the report replaces them (consistently), nothing else may differ. */
const withoutUuids = (f: SystemFacts) => JSON.parse(JSON.stringify(f).replace(UUID, 'UUID')) as SystemFacts;

describe('doctor --report → sim init --from-report', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])(
    'reproduces a %s dom0: the imported status equals the original',
    async (profile) => {
      const original = await tempSim(profile);
      const file = await reportOf(original);
      const dir = path.join(await tempDir(), 'imported');
      const imported = await initSimFromReport(dir, file, testAssetsDir());
      const a = await probeFacts(original);
      const b = await probeFacts(imported);
      expect(withoutUuids(b)).toEqual(withoutUuids(a));
      // …and the UUIDs are the report's placeholders, not the machine's.
      const originalUuids = [...JSON.stringify(a).matchAll(UUID)].map((m) => m[0]);
      expect(originalUuids.length).toBeGreaterThan(0);
      for (const u of originalUuids) expect(JSON.stringify(b)).not.toContain(u);
      // The imported machine plans like the original.
      const planA = (await runDoctor(original, { assetsDir: testAssetsDir() })).result.checks.filter(
        (c) => c.group === 'plan' && !c.command,
      );
      const planB = (await runDoctor(imported, { assetsDir: testAssetsDir() })).result.checks.filter(
        (c) => c.group === 'plan' && !c.command,
      );
      expect(planB.map((c) => [c.id, c.status])).toEqual(planA.map((c) => [c.id, c.status]));
    },
  );

  it('reproduces a dom0 where qubes-stateless is installed (its files and journal come along)', async () => {
    const original = await tempSim('qubes-4.3');
    const { plan, digest } = await engineFor(original).plan({ dom0: { mode: 'zram' }, swap: 'disable' });
    expect(plan.tasks.length).toBeGreaterThan(2);
    await engineFor(original).apply({ dom0: { mode: 'zram' }, swap: 'disable' }, { expectedDigest: digest });
    const imported = await initSimFromReport(
      path.join(await tempDir(), 'imported'),
      await reportOf(original),
      testAssetsDir(),
    );
    expect(withoutUuids(await probeFacts(imported))).toEqual(withoutUuids(await probeFacts(original)));
    expect((await engineFor(imported).transactions()).map((t) => [t.kind, t.status])).toEqual([
      ['apply', 'applied'],
    ]);
    // The edited fstab came along (its UUIDs redacted).
    const ids = (t: string) => t.replace(UUID, 'UUID').replace(/UUID=[0-9A-F]{4}-[0-9A-F]{4}/g, 'UUID=FAT');
    expect(ids(await imported.readText('/etc/fstab'))).toBe(ids(await original.readText('/etc/fstab')));
    expect(await imported.readText('/etc/fstab')).not.toBe(await original.readText('/etc/fstab'));
  });

  it('is written 0600, atomically, with a checksum that holds', async () => {
    const file = await reportOf(await tempSim('qubes-4.3'));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(file))).toEqual(['report.json']);
    const body = await readReport(file);
    expect(body.events.some((e) => e.op === 'run' && e.args[0] === 'info')).toBe(true);
    expect(
      body.events.some(
        (e) => e.op === 'read' && e.path === '/etc/default/grub' && e.text?.includes('GRUB_CMDLINE_LINUX'),
      ),
    ).toBe(true);
  });

  it('redacts user data, and with --anonymize replaces qube names consistently', async () => {
    const sim = await tempSim('qubes-4.3');
    await sim.updateState((s) => {
      s.host.hostname = 'alices-laptop';
      const work = s.qubes.find((q) => q.name === 'work')!;
      s.qubes.push({
        ...structuredClone(work),
        name: 'alice-taxes',
        volumes: {
          ...structuredClone(work.volumes),
          private: { ...work.volumes.private!, vid: 'qubes_dom0/vm-alice-taxes-private' },
        },
      });
    });
    const cmdline = (await sim.readText('/proc/cmdline')).trim();
    await sim.tree.writeAtomic(
      '/proc/cmdline',
      `${cmdline} ip=10.1.2.3::10.1.2.1:255.255.255.0::eth0:off ipv6=fe80::1ff:fe23:4567:890a mac=aa:bb:cc:dd:ee:ff\n`,
    );
    const fstab =
      (await sim.readText('/etc/fstab')) +
      'LABEL=AliceBackup /home/alice/backup ext4 defaults 0 0\n/dev/disk/by-id/nvme-Samsung_SSD_970_S4EWNX0M123456-part3 none swap defaults 0 0\n';
    await sim.tree.writeAtomic('/etc/fstab', fstab);
    const user = 'alice';
    const plain = await fs.readFile(await reportOf(sim, { username: user }), 'utf8');
    for (const secret of [
      'alices-laptop',
      '10.1.2.3',
      '10.1.2.1',
      'fe80::1ff:fe23:4567:890a',
      'aa:bb:cc:dd:ee:ff',
      'AliceBackup',
      '/home/alice',
      'S4EWNX0M123456',
      '6d3f1f7e-2b0c-4f55-9a8e-1c2d3e4f5a6b',
      '5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60',
      'A1B2-C3D4',
    ]) {
      expect(plain, secret).not.toContain(secret);
    }
    // The data was there and was replaced by placeholders of the same kind.
    for (const placeholder of [
      'redacted-host',
      '192.0.2.',
      '2001:db8::',
      '02:00:00:00:',
      'LABEL=label-1',
      '/home/user/backup',
      '/dev/disk/by-id/disk-1',
      'luks-00000000-0000-4000-8000-',
      'UUID=0000-0001',
    ]) {
      expect(plain, placeholder).toContain(placeholder);
    }
    // Qube names stay unless asked…
    expect(plain).toContain('alice-taxes');
    // …and with --anonymize become one placeholder everywhere, while the installer's names stay.
    const anonFile = await reportOf(sim, { username: user, anonymize: true });
    const anon = await fs.readFile(anonFile, 'utf8');
    expect(anon).not.toMatch(/alice/i);
    expect(anon).toContain('sys-firewall');
    const body = await readReport(anonFile);
    const ls = body.events.find((e) => e.op === 'run' && e.bin.endsWith('qvm-ls'));
    const placeholder = /^(qube-\d+)\|AppVM/m.exec(ls?.op === 'run' ? ls.stdout : '')?.[1];
    expect(placeholder).toMatch(/^qube-\d+$/);
    expect(
      body.events.some((e) => e.op === 'run' && e.bin.endsWith('qvm-prefs') && e.args[0] === placeholder),
    ).toBe(true);
    expect(anon).toContain(`qubes_dom0/vm-${placeholder}-private`);
    // The anonymized report still makes a simulated dom0 with the same qubes under the new name.
    const imported = await initSimFromReport(path.join(await tempDir(), 'anon'), anonFile, testAssetsDir());
    const names = (await probeFacts(imported)).qubes.map((q) => q.name);
    expect(names).toContain(placeholder);
    expect(names.length).toBe((await probeFacts(sim)).qubes.length);
  });
});

describe('sim init --from-report refuses bad input and creates nothing', () => {
  async function expectRefused(file: string, code: string, message: RegExp) {
    const parent = await tempDir();
    const dir = path.join(parent, 'dom0');
    await expect(initSimFromReport(dir, file, testAssetsDir())).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect(await fs.readdir(parent)).toEqual([]);
  }

  it('a truncated report', async () => {
    const file = await reportOf(await tempSim());
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    await expectRefused(file, 'report-invalid', /truncated/);
  });

  it('a tampered report', async () => {
    const file = await reportOf(await tempSim());
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('Qubes release 4.2.4', 'Qubes release 4.2.5'));
    await expectRefused(file, 'report-invalid', /checksum does not match/);
  });

  it('an unknown format version', async () => {
    const file = await reportOf(await tempSim());
    const r = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number };
    r.version = 2;
    await fs.writeFile(file, JSON.stringify(r));
    await expectRefused(file, 'report-invalid', /format version 2 is not supported/);
  });

  it('malformed JSON and other files', async () => {
    const file = path.join(await tempDir(), 'r.json');
    await fs.writeFile(file, '{"format": "qubes-stateless-report", ');
    await expectRefused(file, 'report-invalid', /not complete JSON/);
    await fs.writeFile(file, '{"hello": 1}');
    await expectRefused(file, 'report-invalid', /not a qubes-stateless-report file/);
    await expectRefused(
      path.join(path.dirname(file), 'missing.json'),
      'report-invalid',
      /cannot read it \(ENOENT\)/,
    );
  });

  it('a report of the right shape whose records are not what the probes need', async () => {
    const file = await reportOf(await tempSim());
    await resign(file, (b) => {
      (b.events as { op: string }[]).push({ op: 'teleport' });
    });
    await expectRefused(file, 'report-invalid', /events\.\d+/);
    const file2 = await reportOf(await tempSim());
    await resign(file2, (b) => {
      for (const e of b.events as { op: string; bin?: string; stdout?: string }[])
        if (e.op === 'run' && e.bin?.endsWith('qvm-ls')) e.stdout = 'not|qvm-ls|output\n';
    });
    await expectRefused(file2, 'report-unusable', /qvm-ls/);
    const file3 = await reportOf(await tempSim());
    await resign(file3, (b) => {
      b.events = (b.events as { op: string; path?: string }[]).filter((e) => e.path !== '/proc/swaps');
    });
    await expectRefused(file3, 'report-unusable', /no record of reading \/proc\/swaps/);
    const file4 = await reportOf(await tempSim());
    await resign(file4, (b) => {
      for (const e of b.events as { op: string; path?: string; entries?: string[] }[])
        if (e.op === 'list' && e.path === '/boot') e.entries!.push('../../escape');
    });
    await expectRefused(file4, 'report-unusable', /bad entry/);
  });

  it('never runs what a report brings: a sourced line that runs a command is refused, a changed grub.d script loses its execute bits', async () => {
    const marker = path.join(await tempDir(), 'ran');
    type Event = { op: string; path?: string; text?: string | null };
    const file = await reportOf(await tempSim());
    let edits = 0;
    await resign(file, (b) => {
      for (const e of b.events as Event[])
        if (e.op === 'read' && e.path === '/etc/default/grub') {
          e.text += `GRUB_X="$(touch ${marker})"\n`;
          edits++;
        }
    });
    expect(edits).toBeGreaterThan(0);
    await expectRefused(file, 'report-unusable', /\/etc\/default\/grub line \d+ is not a plain assignment/);
    const installed = await tempSim();
    await engineFor(installed).apply({ dom0: { mode: 'overlay' } });
    const file2 = await reportOf(installed);
    edits = 0;
    await resign(file2, (b) => {
      for (const e of b.events as Event[])
        if (e.op === 'read' && e.path === '/etc/grub.d/21_qubes_stateless') {
          e.text += `\ntouch ${marker}\n`;
          edits++;
        }
    });
    expect(edits).toBeGreaterThan(0);
    const imported = await initSimFromReport(path.join(await tempDir(), 'imported'), file2, testAssetsDir());
    expect((await imported.tree.stat('/etc/grub.d/21_qubes_stateless'))!.mode & 0o111).toBe(0);
    await expect(fs.access(marker)).rejects.toThrow();
  });

  it('leaves a directory that is not empty untouched', async () => {
    const file = await reportOf(await tempSim());
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'mine'), 'keep');
    await expect(initSimFromReport(dir, file, testAssetsDir())).rejects.toMatchObject({
      code: 'sim-dir-not-empty',
    });
    expect(await fs.readdir(dir)).toEqual(['mine']);
    expect(await fs.readdir(path.dirname(dir))).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});
