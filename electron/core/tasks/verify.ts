import type { TaskCheck } from '../../../shared/plan.js';
import type { AssetBundle } from '../assets/asset-bundle.js';
import type { JournalStore } from '../journal/journal-store.js';
import type { ApplyTransaction } from '../journal/transaction.js';
import { BIN } from '../system/binaries.js';
import type { System } from '../system/system.js';
import { PATHS, entryTitle } from './paths.js';
import { sha256Text, stockXenSection } from './pending-grub.js';
import { describeSetting, readSetting, sameSetting } from './settings.js';

export { stockXenSection };

/**
 * What each task promised, checked on the machine after apply (beyond the per-operation read-backs):
 * installed files match the manifest, every image carries the module, the stateless entry exists and the
 * stock entries did not change.
 */
export async function verifyTasks(
  sys: System,
  tx: ApplyTransaction,
  assets: AssetBundle,
  journal: JournalStore,
): Promise<TaskCheck[]> {
  const checks: TaskCheck[] = [];
  const ids = new Set(tx.plan.tasks.map((t) => t.id));
  if (ids.has('dracut-module')) {
    const bad = [];
    for (const f of [
      ...assets.under(PATHS.dracutModuleDir),
      ...assets.files.filter((x) => x.installPath === PATHS.dracutConf),
    ]) {
      if ((await sys.sha256(f.installPath)) !== f.sha256) bad.push(f.installPath);
    }
    checks.push({
      task: 'dracut-module',
      ok: bad.length === 0,
      detail: bad.length
        ? `differs from the manifest: ${bad.join(', ')}`
        : 'installed files match the manifest',
    });
  }
  if (ids.has('initramfs')) {
    for (const op of tx.plan.tasks.find((t) => t.id === 'initramfs')!.operations) {
      if (op.kind !== 'generate') continue;
      const image = op.outputs[0]!;
      const listed = await sys.run({ bin: BIN.lsinitrd, args: ['-m', image], privileged: true }).then(
        (r) => r.stdout,
        () => '',
      );
      const ok = /^qubes-stateless$/m.test(listed);
      checks.push({
        task: 'initramfs',
        ok,
        detail: `${image}: ${ok ? 'includes' : 'lacks'} the qubes-stateless module`,
      });
    }
  }
  // Tasks made of settings: every one must read back as planned (each was also checked right after its step).
  for (const task of tx.plan.tasks) {
    if (!['swap', 'ram-pool', 'ephemeral-volatile', 'read-only-root', 'save-vault'].includes(task.id))
      continue;
    const wrong: string[] = [];
    for (const op of task.operations) {
      if (op.kind === 'setting' && !sameSetting(await readSetting(sys, op.ref, tx.plan.release), op.to))
        wrong.push(describeSetting(op.ref));
      if (op.kind === 'write' && (await sys.sha256(op.path)) !== op.sha256) wrong.push(op.path);
    }
    checks.push({
      task: task.id,
      ok: wrong.length === 0,
      detail: wrong.length
        ? `not as planned: ${wrong.join(', ')}`
        : `${task.operations.length} change(s) in place`,
    });
  }
  if (ids.has('boot-entries')) {
    const cfg = await sys.readText(PATHS.grubCfg);
    const mode = tx.plan.choices.dom0.mode;
    const hasEntry =
      cfg.includes(`menuentry '${entryTitle(mode)}'`) && cfg.includes(`rd.qubes.stateless=${mode}`);
    const oldSha =
      tx.steps
        .flatMap((s) => (s.before?.kind === 'generate' ? s.before.files : []))
        .find((f) => f.path === PATHS.grubCfg)?.sha256 ?? null;
    const oldCfg = oldSha ? await journal.readBackup(oldSha) : null;
    const stock = stockXenSection(cfg);
    // A pending /etc/default/grub edit the user chose to include: the stock entries are the previewed ones.
    const pending = tx.plan.choices.acceptPendingGrub
      ? tx.plan.pendingGrub.find((p) => p.path === PATHS.grubCfg)
      : undefined;
    const stockSame = pending
      ? stock !== null && sha256Text(stock) === pending.stockSha256
      : oldCfg === null || stockXenSection(oldCfg) === stock;
    const changed = pending
      ? 'the stock Xen entries are not the ones the plan previewed'
      : 'the stock Xen entries changed';
    checks.push({
      task: 'boot-entries',
      ok: hasEntry && stockSame,
      detail: !hasEntry
        ? `grub.cfg has no "${entryTitle(mode)}" entry`
        : stockSame
          ? `"${entryTitle(mode)}" added; stock entries ${pending ? 'as previewed (pending edit included)' : 'unchanged'}`
          : changed,
    });
  }
  return checks;
}
