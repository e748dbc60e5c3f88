import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineFor } from '../testing/engine-fixture.js';
import { simDigest } from '../testing/sim-digest.js';
import { tempSim } from '../testing/temp-sim.js';
import { runCli } from './testing-cli.js';

const SUDO = '/usr/bin/sudo -n --';

describe('the rollback and recovery previews list every command they will run', () => {
  it('rollback without --yes: the rebuilt swapon undo and the final daemon-reload, and nothing changes', async () => {
    const sim = await tempSim('qubes-4.2');
    await engineFor(sim).apply({ dom0: { mode: 'overlay' }, swap: 'disable' });
    const before = await simDigest(sim, { includeJournal: true });
    const r = await runCli('--sim', path.dirname(sim.tree.root), 'rollback');
    expect(r.code).toBe(2);
    // Undo of swapoff: swapon back on the device swapoff turned off (rebuilt from the recorded value "on").
    expect(r.out).toMatch(new RegExp(`^  \\[undo \\] ${SUDO} /usr/sbin/swapon -- /dev/\\S+$`, 'm'));
    expect(r.out).toContain(`  [final] ${SUDO} /usr/bin/systemctl daemon-reload\n`);
    // daemon-reload runs once at the end however many steps asked for it.
    expect(r.out.split('daemon-reload').length).toBe(2);
    expect(await simDigest(sim, { includeJournal: true })).toBe(before);
  });

  it('rollback without --yes after a kernel update: the regeneration a conflict may add is marked as such', async () => {
    const sim = await tempSim('qubes-4.2');
    await engineFor(sim).apply({ dom0: { mode: 'overlay' } });
    await sim.writeFileAtomic(
      '/boot/grub2/grub.cfg',
      `${await sim.readText('/boot/grub2/grub.cfg')}# changed\n`,
    );
    const r = await runCli('--sim', path.dirname(sim.tree.root), 'rollback');
    expect(r.out).toMatch(
      /^ {2}\[final\] \/usr\/bin\/sudo -n -- \/usr\/sbin\/grub2-mkconfig -o \/boot\/grub2\/grub\.cfg {3}\(only if step-\d+:\/boot\/grub2\/grub\.cfg is regenerated\)$/m,
    );
  });

  it('recover without --yes shows an interrupted rollback’s remaining commands and changes nothing', async () => {
    const sim = await tempSim('qubes-4.2');
    await engineFor(sim).apply({ dom0: { mode: 'overlay' }, swap: 'disable' });
    await engineFor(sim, (label) => {
      if (label === 'undo:0:performed') throw new Error('killed');
    })
      .rollback({})
      .catch(() => undefined);
    const before = await simDigest(sim, { includeJournal: true });
    const r = await runCli('--sim', path.dirname(sim.tree.root), 'recover', '--rollback');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^This finishes the interrupted rollback \d/m);
    expect(r.out).toContain(`  [final] ${SUDO} /usr/bin/systemctl daemon-reload\n`);
    expect(r.out).toMatch(new RegExp(`^  \\[undo \\] ${SUDO} /usr/sbin/swapon -- /dev/\\S+$`, 'm'));
    expect(await simDigest(sim, { includeJournal: true })).toBe(before);
  });
});
