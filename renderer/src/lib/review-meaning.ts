import type { Message } from '../../../shared/message.js';
import { message } from '../../../shared/message.js';
import type { Operation, Plan, TaskId } from '../../../shared/plan.js';
import { effectiveNames } from '../../../shared/template-names.js';

/**
 * What a plan means for this machine, in plain sentences, before any of its tasks: what changes, what stays as
 * it is, what the next boot does and how to go back. Derived from the plan (its tasks and their operations) and
 * the choices it was made from, so it can never say more or less than the plan does. Each sentence is a
 * catalogue key (`meaning.*`) with its parameters.
 */
export interface ReviewMeaning {
  readonly changes: readonly Message[];
  readonly stays: readonly Message[];
  readonly nextBoot: readonly Message[];
  readonly goBack: readonly Message[];
}

export type MeaningInput = Pick<Plan, 'choices' | 'tasks' | 'pendingGrub'>;

const list = (items: readonly string[]): string => items.join(', ');

export function reviewMeaning(plan: MeaningInput): ReviewMeaning {
  const c = plan.choices;
  const ops = (id: TaskId): readonly Operation[] => plan.tasks.find((t) => t.id === id)?.operations ?? [];
  const has = (id: TaskId) => ops(id).length > 0;
  const settings = (id: TaskId) => ops(id).flatMap((op) => (op.kind === 'setting' ? [op] : []));
  const mode = c.dom0.mode;
  const prompt = c.dom0.selection === 'prompt';

  const changes: Message[] = [];
  const kernels = ops('initramfs').filter((op) => op.kind === 'generate').length;
  if (kernels > 0) changes.push(message('meaning.changes.images', { count: kernels }));
  else if (has('dracut-module')) changes.push(message('meaning.changes.module'));
  if (has('boot-entries')) {
    changes.push(message('meaning.changes.entry', { mode }));
    if (prompt) changes.push(message('meaning.changes.grubDefault', { mode }));
  }
  // The forum migration (core/tasks/registry/forum-migration.ts): a dracut conf of ours omitting the recipe's
  // modules, its entries cut from a GRUB script (40_custom), its boot-time units disabled.
  const forum = ops('forum-migration');
  const forumWrites = (dir: string) =>
    forum.flatMap((op) => (op.kind === 'write' && op.path.startsWith(dir) ? [op.path] : []));
  const forumUnits = forum.flatMap((op) =>
    op.kind === 'setting' && op.ref.kind === 'unit-enabled' ? [op.ref.unit] : [],
  );
  for (const path of forumWrites('/etc/dracut.conf.d/'))
    changes.push(message('meaning.changes.forumModules', { path }));
  for (const path of forumWrites('/etc/grub.d/'))
    changes.push(message('meaning.changes.forumEntries', { path }));
  if (forumUnits.length > 0)
    changes.push(
      message('meaning.changes.forumUnits', { count: forumUnits.length, units: list(forumUnits) }),
    );
  if (plan.pendingGrub.length > 0 && c.acceptPendingGrub)
    changes.push(message('meaning.changes.pendingGrub'));
  if (has('swap')) {
    const devices = settings('swap').flatMap((op) => (op.ref.kind === 'swap-active' ? [op.ref.device] : []));
    changes.push(
      devices.length > 0
        ? message('meaning.changes.swapOffNow', { devices: list(devices) })
        : message('meaning.changes.swapOff'),
    );
  }
  if (has('ram-pool'))
    changes.push(
      c.templates.length > 0
        ? message('meaning.changes.ramPoolClones', {
            templates: list(c.templates.map((t) => t.template)),
            clones: list(c.templates.map((t) => effectiveNames(t).clone)),
          })
        : message('meaning.changes.ramPool'),
    );
  for (const op of settings('ephemeral-volatile'))
    if (op.ref.kind === 'pool-option')
      changes.push(message('meaning.changes.ephemeral', { pool: op.ref.pool }));
  const readOnly = settings('read-only-root').flatMap((op) =>
    op.ref.kind === 'volume-property' ? [op.ref.qube] : [],
  );
  if (readOnly.length > 0)
    changes.push(message('meaning.changes.readOnly', { count: readOnly.length, qubes: list(readOnly) }));
  if (has('save-vault')) changes.push(message('meaning.changes.vault', { name: c.saveVault.name }));

  const volumesChange = readOnly.length > 0 || has('ephemeral-volatile');
  const stays: Message[] = [
    message(prompt ? 'meaning.stays.normalEntry' : 'meaning.stays.normalEntryDefault'),
    message(volumesChange ? 'meaning.stays.qubesData' : 'meaning.stays.qubes'),
  ];
  if (c.swap === 'stateless-only') stays.push(message('meaning.stays.swap'));
  stays.push(message('meaning.stays.now'));

  const nextBoot: Message[] = [
    prompt
      ? message('meaning.next.prompt', { mode, timeout: c.dom0.promptTimeoutSec })
      : message('meaning.next.entry', { mode }),
    message(`meaning.next.mode.${mode}`, { compressor: c.dom0.compressor }),
    message('meaning.next.fallback'),
  ];
  if (c.templates.length > 0 && c.defaultDispvm) {
    const first = c.templates[0]!;
    nextBoot.push(message('meaning.next.defaultDispvm', { dvm: effectiveNames(first).dvm }));
  }

  const goBack: Message[] = [message('meaning.back.rollback'), message('meaning.back.failure')];
  if (forum.length > 0) goBack.push(message('meaning.back.forum'));
  if (has('save-vault')) goBack.push(message('meaning.back.vault', { name: c.saveVault.name }));
  return { changes, stays, nextBoot, goBack };
}
