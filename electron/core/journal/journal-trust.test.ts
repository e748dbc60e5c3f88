import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing-cli.js';
import type { SimSystem } from '../../sim/sim-system.js';
import { engineFor } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { BIN } from '../system/binaries.js';
import { PATHS } from '../tasks/paths.js';
import { TX_DIR } from './journal-store.js';
import type { ApplyTransaction, RollbackTransaction, Transaction } from './transaction.js';

const CHOICES = { dom0: { mode: 'overlay' }, swap: 'disable' } as const;

async function installed(profile = 'qubes-4.2'): Promise<{ sim: SimSystem; id: string; start: string }> {
  const sim = await tempSim(profile);
  const start = await simDigest(sim);
  const r = await engineFor(sim).apply(CHOICES);
  return { sim, id: r.transaction.id, start };
}

/** Edit a journal file in place, as someone with write access to it would (its mode and owner stay). */
async function tamper<T extends Transaction>(
  sim: SimSystem,
  id: string,
  edit: (tx: T) => void,
): Promise<string> {
  const file = `${TX_DIR}/${id}.json`;
  const tx = JSON.parse(await readFile(sim.tree.hostPath(file), 'utf8')) as T;
  edit(tx);
  await writeFile(sim.tree.hostPath(file), `${JSON.stringify(tx, null, 1)}\n`);
  return file;
}

const swapOps = (tx: ApplyTransaction) => tx.plan.tasks.find((t) => t.id === 'swap')!.operations;

/** The CLI refuses with journal-untrusted; its message names the journal file, the entry and the reason. */
async function expectCliRefused(
  sim: SimSystem,
  argv: string[],
  want: { file: string; entry: string; reason: RegExp },
): Promise<void> {
  const before = await simDigest(sim, { includeJournal: true });
  const r = await runCli('--sim', path.dirname(sim.tree.root), '--json', ...argv);
  expect(r.code).not.toBe(0);
  const err = JSON.parse(r.out) as { error: { code: string; message: string } };
  expect(err.error.code).toBe('journal-untrusted');
  expect(err.error.message).toContain(want.file);
  expect(err.error.message).toContain(want.entry);
  expect(err.error.message).toMatch(want.reason);
  expect(await simDigest(sim, { includeJournal: true })).toBe(before);
}

describe('a tampered journal is refused and nothing changes', () => {
  it("the reviewer's attack: fstab's write redirected to /etc/qubes-release, rollback --yes --on-conflict restore", async () => {
    const { sim, id } = await installed();
    const release = await sim.readText('/etc/qubes-release');
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      const op = swapOps(tx)[0]!;
      expect(op).toMatchObject({ kind: 'write', path: PATHS.fstab });
      if (op.kind === 'write') op.path = '/etc/qubes-release';
    });
    const want = {
      file,
      entry: 'task swap operation 0 (write)',
      reason: /\/etc\/qubes-release is not a file the planner writes/,
    };
    await expectCliRefused(sim, ['rollback', '--yes', '--on-conflict', 'restore'], want);
    // Without --yes the preview is refused too: the tampered path is never offered as a conflict to restore.
    await expectCliRefused(sim, ['rollback'], want);
    await expect(engineFor(sim).rollbackPreview()).rejects.toMatchObject({ code: 'journal-untrusted' });
    expect(await sim.readText('/etc/qubes-release')).toBe(release);
  });

  it('a tampered undo command (daemon-reload undone by rm -rf /)', async () => {
    const { sim, id } = await installed();
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      const op = swapOps(tx)[1]!;
      expect(op.kind).toBe('command');
      if (op.kind === 'command') op.undo = { bin: BIN.rm, args: ['-rf', '--', '/'], privileged: true };
    });
    await expectCliRefused(sim, ['rollback', '--yes'], {
      file,
      entry: 'task swap operation 1 (command)',
      reason: /only plain command the planner runs is systemctl daemon-reload/,
    });
  });

  it("a setting's setter changed (its undo is rebuilt, so only the forward command could carry an attack)", async () => {
    const { sim, id } = await installed();
    let index = -1;
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      index = swapOps(tx).findIndex((o) => o.kind === 'setting');
      const op = swapOps(tx)[index]!;
      if (op.kind === 'setting') op.command = { ...op.command, args: ['--', '/dev/sda1'] };
    });
    expect(index).toBeGreaterThan(0);
    await expectCliRefused(sim, ['rollback', '--yes'], {
      file,
      entry: `task swap operation ${index} (setting)`,
      reason: /its command is not the setter the planner builds for swap-active/,
    });
  });

  it('a backup named outside the backup directory', async () => {
    const { sim, id } = await installed();
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      const k = tx.steps.findIndex((s) => s.task === 'swap' && s.index === 0);
      tx.steps[k]!.before = { kind: 'write', sha256: '../../../../etc/shadow' };
    });
    const k = JSON.parse(await readFile(sim.tree.hostPath(file), 'utf8')).steps.findIndex(
      (s: { task: string; index: number }) => s.task === 'swap' && s.index === 0,
    ) as number;
    await expectCliRefused(sim, ['rollback', '--yes', '--on-conflict', 'restore'], {
      file,
      entry: `step ${k} (swap#0)`,
      reason:
        /backup "..\/..\/..\/..\/etc\/shadow" is not a hash: it would name a file outside the backup directory/,
    });
  });

  it("a write's 'before' recorded as absent (rollback would delete fstab): the plan read a file there", async () => {
    const { sim, id } = await installed();
    const fstab = await sim.readText(PATHS.fstab);
    let k = -1;
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      k = tx.steps.findIndex((s) => s.task === 'swap' && s.index === 0);
      tx.steps[k]!.before = { kind: 'write', sha256: null };
    });
    await expectCliRefused(sim, ['rollback', '--yes', '--on-conflict', 'restore'], {
      file,
      entry: `step ${k} (swap#0)`,
      reason: /it records no file before the write, the plan read [0-9a-f]{64}/,
    });
    expect(await sim.readText(PATHS.fstab)).toBe(fstab);
  });

  it('the plan itself says fstab was absent (both records agree): fstab is edited, never created', async () => {
    const { sim, id } = await installed();
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      const op = swapOps(tx)[0]!;
      if (op.kind === 'write') op.beforeSha256 = null;
      const k = tx.steps.findIndex((s) => s.task === 'swap' && s.index === 0);
      tx.steps[k]!.before = { kind: 'write', sha256: null };
    });
    await expectCliRefused(sim, ['rollback', '--yes'], {
      file,
      entry: 'task swap operation 0 (write)',
      reason: /\/etc\/fstab is edited, never created/,
    });
  });

  it('a regenerated image recorded as absent before (rollback would delete what the machine boots)', async () => {
    const { sim, id } = await installed();
    let k = -1;
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      k = tx.steps.findIndex((s) => s.task === 'initramfs');
      const b = tx.steps[k]!.before;
      if (b?.kind === 'generate') b.files = b.files.map((f) => ({ ...f, sha256: null }));
    });
    expect(k).toBeGreaterThanOrEqual(0);
    await expectCliRefused(sim, ['rollback', '--yes', '--on-conflict', 'restore'], {
      file,
      entry: `step ${k} (initramfs#0)`,
      reason: /it records \/boot\/initramfs-.*\.img as absent before it was regenerated/,
    });
  });

  it('a tampered unfinished apply: recover --resume refuses to perform its writes', async () => {
    const { sim, id } = await installed();
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      tx.status = 'in-progress';
      // The crash left the swap task's steps undone; the attacker points its write elsewhere.
      for (const s of tx.steps)
        if (s.task === 'swap') Object.assign(s, { state: 'pending', before: null, after: null });
      const op = swapOps(tx)[0]!;
      if (op.kind === 'write') op.path = '/etc/sudoers';
    });
    const want = {
      file,
      entry: 'task swap operation 0 (write)',
      reason: /\/etc\/sudoers is not a file the planner writes/,
    };
    await expectCliRefused(sim, ['recover', '--resume', '--yes'], want);
    await expectCliRefused(sim, ['recover', '--rollback', '--yes'], want);
  });

  it("an unfinished apply whose bundled file's content was changed: resume refuses it, it is not the bundle's", async () => {
    const { sim, id } = await installed();
    const file = await tamper<ApplyTransaction>(sim, id, (tx) => {
      tx.status = 'in-progress';
      const task = tx.plan.tasks.find((t) => t.id === 'boot-entries')!;
      const op = task.operations.find((o) => o.kind === 'write' && o.path === PATHS.grubScript)!;
      if (op.kind === 'write') {
        op.content += 'echo owned\n';
        op.sha256 = createHash('sha256').update(op.content).digest('hex');
      }
    });
    await expectCliRefused(sim, ['recover', '--resume', '--yes'], {
      file,
      entry: 'task boot-entries operation',
      reason: /its content is not the bundled grub\.d\/21_qubes_stateless/,
    });
  });

  it('an unfinished rollback whose final command was changed: recover refuses to run it', async () => {
    const { sim } = await installed();
    const rtx = (await engineFor(sim).transactions()).find((t) => t.kind === 'apply')!;
    // A rollback that died after its first step: recover would carry it on and run its final commands.
    await engineFor(sim, (label) => {
      if (label === 'undo:0:performed') throw new Error('killed');
    })
      .rollback({})
      .catch(() => undefined);
    const rid = (await engineFor(sim).transactions()).find((t) => t.kind === 'rollback')!.id;
    expect(rtx.id).not.toBe(rid);
    const file = await tamper<RollbackTransaction>(sim, rid, (tx) => {
      expect(tx.final.length).toBeGreaterThan(0);
      tx.final[0] = { bin: BIN.rm, args: ['-f', '--', '/etc/qubes-release'], privileged: true };
    });
    await expectCliRefused(sim, ['recover', '--rollback', '--yes'], {
      file,
      entry: 'final commands',
      reason: /not the ones a rollback of/,
    });
    expect(await sim.stat('/etc/qubes-release')).not.toBeNull();
  });

  it('an untouched unfinished rollback is trusted and recovered', async () => {
    const { sim, start } = await installed();
    await engineFor(sim, (label) => {
      if (label === 'undo:0:performed') throw new Error('killed');
    })
      .rollback({})
      .catch(() => undefined);
    await engineFor(sim).recover('rollback');
    expect(await simDigest(sim)).toBe(start);
  });
});
