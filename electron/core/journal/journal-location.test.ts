import { chmod, chown, mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing-cli.js';
import type { SimSystem } from '../../sim/sim-system.js';
import { engineFor } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempDir, tempSim } from '../../testing/temp-sim.js';
import { RealSystem } from '../system/real-system.js';
import { JOURNAL_DIR, TX_DIR } from './journal-store.js';
import { locationProblem } from './journal-location.js';

const asRoot = process.getuid?.() === 0;

/** A simulated dom0 with one applied install, and its digest (journal included) before any tampering. */
async function installed(): Promise<{ sim: SimSystem; file: string }> {
  const sim = await tempSim('qubes-4.2');
  const r = await engineFor(sim).apply({ dom0: { mode: 'overlay' }, swap: 'disable' });
  return { sim, file: `${TX_DIR}/${r.transaction.id}.json` };
}

/** The rollback is refused as untrusted, names what and why, and not one byte of the machine or journal changed. */
async function expectRefused(sim: SimSystem, journal: string, reason: RegExp): Promise<void> {
  const before = await simDigest(sim, { includeJournal: true });
  const err = await engineFor(sim)
    .rollback({})
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toMatchObject({ code: 'journal-untrusted', params: { journal } });
  const { message } = err as Error;
  expect(message).toContain(journal);
  expect(message).toMatch(reason);
  // The CLI twin refuses the same way, with the error code, even with every conflict pre-answered.
  const cli = await runCli(
    '--sim',
    path.dirname(sim.tree.root),
    'rollback',
    '--yes',
    '--on-conflict',
    'restore',
  );
  expect(cli.code).not.toBe(0);
  expect(cli.err).toContain(journal);
  expect(await simDigest(sim, { includeJournal: true })).toBe(before);
}

describe('the journal is refused unless only root could have written it (simulated dom0)', () => {
  it('a group-writable transactions directory', async () => {
    const { sim } = await installed();
    await chmod(sim.tree.hostPath(TX_DIR), 0o775);
    await expectRefused(sim, TX_DIR, /mode 0775: group or others may write it/);
  });

  it('an other-writable journal file', async () => {
    const { sim, file } = await installed();
    await chmod(sim.tree.hostPath(file), 0o646);
    await expectRefused(sim, file, /mode 0646/);
  });

  it('a symlinked transactions directory', async () => {
    const { sim } = await installed();
    await rename(sim.tree.hostPath(TX_DIR), sim.tree.hostPath(`${JOURNAL_DIR}/elsewhere`));
    await symlink('elsewhere', sim.tree.hostPath(TX_DIR));
    await expectRefused(sim, TX_DIR, /transactions is a symbolic link/);
  });

  it('a symlink above the journal directory', async () => {
    const { sim } = await installed();
    await rename(sim.tree.hostPath('/var/lib'), sim.tree.hostPath('/var/lib.real'));
    await symlink('lib.real', sim.tree.hostPath('/var/lib'));
    await expectRefused(sim, JOURNAL_DIR, /\/var\/lib is a symbolic link/);
  });

  it('a journal file owned by another user (needs root to chown)', async (ctx) => {
    if (!asRoot) return ctx.skip('not root: only root can give a file another owner');
    const { sim, file } = await installed();
    await chown(sim.tree.hostPath(file), 1234, 1234);
    await expectRefused(sim, file, /owned by uid 1234, not root/);
  });

  it('an untouched journal is trusted: the same rollback goes through', async () => {
    const { sim } = await installed();
    await expect(engineFor(sim).rollback({})).resolves.toMatchObject({ problems: [] });
  });
});

describe('location trust on the real filesystem (RealSystem)', () => {
  it('accepts a root-owned 0755 tree below sticky /tmp, refuses each kind of tampering', async (ctx) => {
    if (!asRoot) return ctx.skip('not root: a root-owned journal tree can only be made as root');
    const sys = new RealSystem();
    const base = await tempDir('qs-journal-');
    await chmod(base, 0o755);
    const tx = path.join(base, 'transactions');
    await mkdir(tx, { mode: 0o755 });
    const file = path.join(tx, 'a.json');
    await writeFile(file, '{}\n', { mode: 0o644 });
    expect(await locationProblem(sys, file, 'file')).toBeNull();

    await chmod(tx, 0o775);
    expect(await locationProblem(sys, file, 'file')).toBe(
      `${tx} has mode 0775: group or others may write it`,
    );
    await chmod(tx, 0o755);
    await chown(file, 1000, 1000);
    expect(await locationProblem(sys, file, 'file')).toBe(`${file} is owned by uid 1000, not root`);
    await chown(file, 0, 0);
    await rename(tx, path.join(base, 'real'));
    await symlink('real', tx);
    expect(await locationProblem(sys, file, 'file')).toBe(`${tx} is a symbolic link`);
    // The sticky bit excuses a writable ancestor only: the journal's own directory may never be writable by others.
    await chmod(path.join(base, 'real'), 0o1777);
    expect(await locationProblem(sys, path.join(base, 'real'), 'dir')).toMatch(/mode 01777/);
  });
});
