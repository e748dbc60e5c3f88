import { describe, expect, it } from 'vitest';
import { displayArgv } from '../../../shared/command-line.js';
import type { OperationKind } from '../../../shared/plan.js';
import { BIN } from '../system/binaries.js';
import { PATHS } from '../tasks/paths.js';
import { opOf } from '../tasks/steps.js';
import { findConflicts, newRollbackTransaction } from '../tasks/undo.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { JOURNAL_DIR } from './journal-store.js';
import type { ApplyTransaction } from './transaction.js';

const txFile = (id: string) => `${JOURNAL_DIR}/transactions/${id}.json`;

async function installed() {
  const sim = await tempSim();
  await engineFor(sim).apply(everyTask());
  const [tx] = (await engineFor(sim).transactions()) as ApplyTransaction[];
  return { sim, tx: tx! };
}

describe('journal steps, one record type per operation kind', () => {
  it('records, for every step of a full install, a before and an after of its operation’s own kind', async () => {
    const { tx } = await installed();
    const kinds = new Set<OperationKind>();
    for (const step of tx.steps) {
      const op = opOf(tx, step);
      kinds.add(op.kind);
      expect(step.before?.kind, `${step.task}#${step.index}`).toBe(op.kind);
      expect(step.after?.kind, `${step.task}#${step.index}`).toBe(op.kind);
    }
    expect([...kinds].sort()).toEqual(['command', 'generate', 'mkdir', 'setting', 'write']);
  });

  it('refuses a journal written with the old "run" operations as damaged, and changes nothing', async () => {
    const { sim, tx } = await installed();
    const old = structuredClone(tx) as unknown as {
      plan: { tasks: { operations: Record<string, unknown>[] }[] };
    };
    const op = old.plan.tasks.flatMap((t) => t.operations).find((o) => o.kind === 'generate')!;
    const { command } = op as { command: { bin: string; args: string[]; privileged: boolean } };
    for (const k of Object.keys(op)) delete op[k];
    Object.assign(op, {
      kind: 'run',
      argv: displayArgv(command),
      command,
      undoArgv: null,
      outputs: [PATHS.grubCfg],
      undoAtEnd: false,
      setting: null,
      labelKey: 'ops.grubMkconfig',
    });
    const body = `${JSON.stringify(old, null, 1)}\n`;
    await sim.tree.writeAtomic(txFile(tx.id), body);
    await expect(engineFor(sim).transactions()).rejects.toMatchObject({
      code: 'journal-corrupt',
      message: expect.stringMatching(new RegExp(`${tx.id}\\.json is damaged`)),
    });
    await expect(engineFor(sim).rollback({})).rejects.toMatchObject({ code: 'journal-corrupt' });
    expect(await sim.readText(txFile(tx.id))).toBe(body);
  });

  it('refuses to undo a step whose record is of another kind than its operation', async () => {
    const { sim, tx } = await installed();
    const i = tx.steps.findIndex((s) => opOf(tx, s).kind === 'write');
    const bad = structuredClone(tx);
    bad.steps[i] = { ...bad.steps[i]!, after: { kind: 'mkdir' } };
    await sim.tree.writeAtomic(txFile(tx.id), `${JSON.stringify(bad, null, 1)}\n`);
    // The trust check (journal-trust.ts) runs before anything reads the records: refused as untrusted, not drift.
    await expect(engineFor(sim).rollbackPreview()).rejects.toMatchObject({
      code: 'journal-untrusted',
      message: expect.stringContaining('a mkdir record for a write operation'),
    });
  });

  it('runs the final undos once each (daemon-reload), then the regenerations chosen for conflicts', async () => {
    const { sim, tx } = await installed();
    await sim.tree.writeAtomic(PATHS.grubCfg, `${await sim.readText(PATHS.grubCfg)}# a kernel update\n`);
    const conflicts = await findConflicts(sim, tx);
    expect(conflicts.map((c) => [c.subject, c.recommended])).toEqual([[PATHS.grubCfg, 'regenerate']]);
    const resolutions = Object.fromEntries(conflicts.map((c) => [c.id, c.recommended]));
    const rtx = newRollbackTransaction(tx, 'r', new Date(0), conflicts, resolutions);
    expect(rtx.final).toEqual([
      { bin: BIN.systemctl, args: ['daemon-reload'], privileged: true },
      { bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg], privileged: true },
    ]);
  });
});
