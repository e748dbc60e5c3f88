import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FilesystemFact } from '../../../shared/facts.js';
import { main } from '../../cli/main.js';
import { initSim } from '../../sim/init-sim.js';
import { engineFor } from '../../testing/engine-fixture.js';
import { tempDir } from '../../testing/temp-sim.js';
import { probeFacts } from './probe-facts.js';
import { classifyLayout, fstabMountAbove } from './probe-layout.js';

const fs = (target: string, source: string, fsType: string): FilesystemFact => ({
  target,
  source,
  fsType,
  options: 'rw',
  sizeBytes: 1,
  usedBytes: 0,
  availBytes: 1,
});
const sim = async (layout: string, profile = 'qubes-4.2') =>
  initSim(path.join(await tempDir('qs-layout-'), 'dom0'), profile, layout);

describe('disk layout detection', () => {
  it('reads fstab mount points at or above /var/lib/qubes, never swap, comments or /', () => {
    expect(
      fstabMountAbove(
        '/dev/mapper/luks-a  /  ext4 defaults 1 1\n/dev/mapper/luks-b /var/lib/qubes xfs defaults 0 0\n',
      ),
    ).toBe('/var/lib/qubes');
    expect(fstabMountAbove('UUID=x /var ext4 defaults 0 0\n')).toBe('/var');
    expect(
      fstabMountAbove(
        '#/dev/sdb1 /var/lib/qubes xfs defaults 0 0\n/dev/sdb2 none swap defaults 0 0\n/dev/sdc1 /var/lib/qubes-backup xfs defaults 0 0\n',
      ),
    ).toBeNull();
  });

  it('classifies by what holds /var/lib/qubes and the root', () => {
    const lvm = fs('/', '/dev/mapper/qubes_dom0-root', 'ext4');
    expect(classifyLayout(lvm, lvm, null)).toBe('lvm-thin');
    expect(classifyLayout(lvm, fs('/var/lib/qubes', '/dev/mapper/luks-b', 'xfs'), '/var/lib/qubes')).toBe(
      'plain',
    );
    // A stateless session on the plain layout: fstab still says so.
    expect(classifyLayout(fs('/', 'none', 'tmpfs'), fs('/', 'none', 'tmpfs'), '/var/lib/qubes')).toBe(
      'plain',
    );
    const b = fs('/', '/dev/mapper/luks-a', 'btrfs');
    expect(classifyLayout(b, b, null)).toBe('btrfs');
    const other = fs('/', '/dev/sda3', 'ext4');
    expect(classifyLayout(other, other, null)).toBe('other');
  });

  it.each(['lvm-thin', 'plain', 'btrfs'] as const)(
    'finds the %s layout in the simulated dom0 of that layout',
    async (layout) => {
      const facts = await probeFacts(await sim(layout));
      expect(facts.layout.kind).toBe(layout);
      if (layout === 'plain')
        expect(facts.layout).toMatchObject({
          varLibQubes: { target: '/var/lib/qubes', fsType: 'xfs' },
          fstabMount: '/var/lib/qubes',
        });
      else expect(facts.layout).toMatchObject({ varLibQubes: { target: '/' }, fstabMount: null });
      if (layout !== 'lvm-thin')
        expect(facts.pools.find((p) => p.name === 'varlibqubes')?.driver).toBe('file-reflink');
    },
  );
});

describe('planning on each layout', () => {
  it('refuses the plain layout, with the reason and what to do', async () => {
    const { plan } = await engineFor(await sim('plain')).plan({ dom0: { mode: 'zram' } });
    expect(plan.preconditions.find((p) => p.id === 'disk-layout')).toMatchObject({
      ok: false,
      params: { target: '/var/lib/qubes', fsType: 'xfs' },
    });
    await expect(
      engineFor(await sim('plain', 'qubes-4.3')).apply({ dom0: { mode: 'overlay' } }),
    ).rejects.toMatchObject({
      code: 'precondition-failed',
      message: expect.stringMatching(/cannot apply: disk-layout/),
      params: expect.objectContaining({
        'disk-layout.target': '/var/lib/qubes',
        'disk-layout.fsType': 'xfs',
      }),
    });
  });

  it('on btrfs, warns that overlay copies qube images into RAM at their first start, and that zram copies them all at boot', async () => {
    const s = await sim('btrfs', 'qubes-4.3');
    const overlay = (await engineFor(s).plan({ dom0: { mode: 'overlay' } })).plan;
    expect(overlay.preconditions.find((p) => p.id === 'disk-layout')).toMatchObject({ ok: true });
    const w = overlay.warnings.find((x) => x.key === 'warnings.btrfsOverlayCopiesImages');
    expect(w?.params).toMatchObject({ pools: 'varlibqubes' });
    expect(Number(w?.params.usageMiB)).toBeGreaterThan(20_000);
    const zram = (await engineFor(s).plan({ dom0: { mode: 'zram' } })).plan;
    expect(zram.warnings.map((x) => x.key)).toContain('warnings.btrfsImagesInRam');
    expect(zram.warnings.map((x) => x.key)).not.toContain('warnings.btrfsOverlayCopiesImages');
  });

  it('gives the default layout neither', async () => {
    const { plan } = await engineFor(await sim('lvm-thin')).plan({ dom0: { mode: 'overlay' } });
    expect(plan.preconditions.find((p) => p.id === 'disk-layout')).toMatchObject({ ok: true });
    expect(plan.warnings.map((x) => x.key).filter((k) => /btrfs|layout/i.test(k))).toEqual([]);
  });

  it('says so on the CLI: sim init --layout, plan FAIL with the reason, the btrfs warning; an unknown layout creates nothing', async () => {
    let out = '';
    let err = '';
    const cli = async (...argv: string[]) => {
      out = '';
      err = '';
      return main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    };
    const base = await tempDir();
    expect(
      await cli('sim', 'init', path.join(base, 'plain'), '--profile', 'qubes-4.2', '--layout', 'plain'),
    ).toBe(0);
    expect(out).toMatch(/layout plain/);
    expect(await cli('--sim', path.join(base, 'plain'), 'plan', '--mode', 'zram', '--no-sample')).toBe(1);
    expect(out).toMatch(
      /^ {2}FAIL \/var\/lib\/qubes is a filesystem of its own \(xfs on \/dev\/mapper\/luks-\S+, the installer's "plain" layout\)/m,
    );
    expect(await cli('sim', 'init', path.join(base, 'btrfs'), '--layout', 'btrfs')).toBe(0);
    await cli('--sim', path.join(base, 'btrfs'), 'plan', '--mode', 'overlay', '--no-sample');
    expect(out).toMatch(
      /\nWarnings:\n(?: {2}.*\n)* {2}The root is btrfs and holds the qube images \(volumes: \d+, [\d,]+ MiB, pool varlibqubes\)\. In an overlay session/,
    );
    expect(await cli('sim', 'init', path.join(base, 'bad'), '--layout', 'zfs')).toBe(1);
    expect(err).toMatch(/unknown layout "zfs" \(known: lvm-thin, plain, btrfs\)/);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(base)).sort()).toEqual(['btrfs', 'plain']);
  });
});
