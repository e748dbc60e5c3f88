import type { WizardChoices } from '../../../../shared/choices.js';
import { message } from '../../../../shared/message.js';
import type { Operation } from '../../../../shared/plan.js';
import { effectiveValue, setShellVar } from '../../config/default-grub-editor.js';
import { AppError } from '../../errors.js';
import { generateOp } from '../operations.js';
import { grubDefaultCommand, grubMkconfigCommand } from '../planned-commands.js';
import { PATHS, entryId, entryTitle } from '../paths.js';
import { sha256Text, stockXenSection } from '../pending-grub.js';
import type { PlannerContext } from './context.js';
import { forumChangesGrub } from './forum-migration.js';
import type { TaskModule } from './task.js';

/**
 * The stateless GRUB entry: our grub.d script and its config, /etc/default/grub only where the entry would be
 * unreachable, grub2-mkconfig for every config it writes (a pending edit there included when the user chose
 * so), and in prompt mode the entry as the saved default.
 */
export const bootEntries: TaskModule = {
  id: 'boot-entries',
  async plan(ctx, c) {
    const script = ctx.asset(PATHS.grubScript);
    const ops: Operation[] = [
      ...(await ctx.ensureDir(PATHS.configDir)),
      ...(await ctx.writeIfChanged(PATHS.grubConf, ctx.sizing.grubConf, 0o644)),
      ...(await ctx.install(script)),
      ...(await defaultGrubOps(ctx, c)),
    ];
    const inputsChanged = ops.length > 0 || forumChangesGrub(ctx);
    const { configs, pending } = await ctx.grub();
    for (const cfg of configs) {
      // A pending edit the user included is applied by regenerating, even where our own inputs did not change.
      const include = c.acceptPendingGrub && pending.some((p) => p.path === cfg);
      if (inputsChanged || include || !(await ctx.isCurrent(cfg)))
        ops.push(generateOp(grubMkconfigCommand(cfg), { labelKey: 'ops.grubMkconfig', outputs: [cfg] }));
    }
    if (c.dom0.selection === 'prompt') ops.push(...(await promptDefaultOps(ctx, c)));
    return ops;
  },
  /** The entry is in grub.cfg, and the stock entries are as they were (or as previewed, with a pending edit). */
  async verify(ctx, tx) {
    const cfg = await ctx.sys.readText(PATHS.grubCfg);
    const mode = tx.plan.choices.dom0.mode;
    const title = entryTitle(mode);
    const hasEntry = cfg.includes(`menuentry '${title}'`) && cfg.includes(`rd.qubes.stateless=${mode}`);
    const oldSha =
      tx.steps
        .flatMap((s) => (s.before?.kind === 'generate' ? s.before.files : []))
        .find((f) => f.path === PATHS.grubCfg)?.sha256 ?? null;
    const oldCfg = oldSha ? await ctx.journal.readBackup(oldSha) : null;
    const stock = stockXenSection(cfg);
    // A pending /etc/default/grub edit the user chose to include: the stock entries are the previewed ones.
    const pending = tx.plan.choices.acceptPendingGrub
      ? tx.plan.pendingGrub.find((p) => p.path === PATHS.grubCfg)
      : undefined;
    const stockSame = pending
      ? stock !== null && sha256Text(stock) === pending.stockSha256
      : oldCfg === null || stockXenSection(oldCfg) === stock;
    const key = !hasEntry
      ? 'verify.bootEntries.noEntry'
      : stockSame
        ? pending
          ? 'verify.bootEntries.addedAsPreviewed'
          : 'verify.bootEntries.added'
        : pending
          ? 'verify.bootEntries.stockNotPreviewed'
          : 'verify.bootEntries.stockChanged';
    return [{ task: 'boot-entries', ok: hasEntry && stockSame, detail: message(key, { title }) }];
  },
};

/**
 * The stateless entry must be reachable: a menu that never shows (timeout 0 or hidden) would hide it, and
 * prompt mode boots it by default, which GRUB does only with GRUB_DEFAULT=saved (the Qubes default).
 */
async function defaultGrubOps(ctx: PlannerContext, c: WizardChoices): Promise<Operation[]> {
  const original = await ctx.sys.readText(PATHS.defaultGrub);
  let grub = original;
  if (c.dom0.selection === 'entry' && (effectiveValue(grub, 'GRUB_TIMEOUT') ?? '5') === '0')
    grub = setShellVar(grub, 'GRUB_TIMEOUT', '5');
  if (c.dom0.selection === 'entry' && effectiveValue(grub, 'GRUB_TIMEOUT_STYLE') === 'hidden')
    grub = setShellVar(grub, 'GRUB_TIMEOUT_STYLE', 'menu');
  if (c.dom0.selection === 'prompt' && effectiveValue(grub, 'GRUB_DEFAULT') !== 'saved')
    grub = setShellVar(grub, 'GRUB_DEFAULT', 'saved');
  return grub === original ? [] : ctx.writeIfChanged(PATHS.defaultGrub, grub, 0o644);
}

/**
 * Prompt mode: the entry becomes GRUB's saved default, by its stable id and kept there across kernel updates.
 * saved_entry by id, not title: Fedora's 20-grub.install (QubesOS/qubes-grub2 release4.2 and main) sets
 * saved_entry to the new kernel's BLS id when /etc/sysconfig/kernel has UPDATEDEFAULT=yes, an id no Qubes grub.cfg
 * has; our kernel-install plugin (assets/kernel-install/85-qubes-stateless.install) runs after it and puts ours back.
 */
async function promptDefaultOps(ctx: PlannerContext, c: WizardChoices): Promise<Operation[]> {
  const hook = ctx.asset(PATHS.kernelInstallHook);
  // Only an id survives kernel updates (the plugin accepts nothing else): without the stock entry's id there is
  // no id to derive ours from, and a title would silently lose the default at the next kernel update.
  const wanted = entryId(await ctx.sys.readText(PATHS.grubCfg), c.dom0.mode);
  if (!wanted) {
    const detail =
      "no stock Xen entry id ($menuentry_id_option 'xen-gnulinux-simple-…'), so the prompt entry cannot be the default by id";
    throw new AppError('parse-error', 'user', `${PATHS.grubCfg}: ${detail}`, {
      source: PATHS.grubCfg,
      detail,
    });
  }
  const ops: Operation[] = [
    ...(await ctx.writeIfChanged(PATHS.defaultEntry, `${wanted}\n`, 0o644)),
    ...(await ctx.ensureDir('/etc/kernel')),
    ...(await ctx.ensureDir('/etc/kernel/install.d')),
    ...(await ctx.install(hook)),
  ];
  const saved =
    /^saved_entry=(.*)$/m.exec(
      (await ctx.sys.stat(PATHS.grubenv)) ? await ctx.sys.readText(PATHS.grubenv) : '',
    )?.[1] ?? null;
  if (saved !== wanted)
    ops.push(
      generateOp(grubDefaultCommand(wanted), { labelKey: 'ops.grubDefault', outputs: [PATHS.grubenv] }),
    );
  return ops;
}
