import type { TaskId } from '../../../../shared/plan.js';
import { bootEntries } from './boot-entries.js';
import { dracutModule } from './dracut-module.js';
import { ephemeralVolatile } from './ephemeral-volatile.js';
import { forumMigration } from './forum-migration.js';
import { initramfs } from './initramfs.js';
import { ramPool } from './ram-pool.js';
import { readOnlyRoot } from './read-only-root.js';
import { saveVault } from './save-vault.js';
import { swap } from './swap.js';
import type { TaskModule } from './task.js';

/**
 * Every task, in the order they are planned, applied and shown. Order matters for safety: the module and the
 * images exist before any GRUB entry asks for them. `TASK_IDS` (shared/plan.ts) lists the same ids in the same
 * order for the renderer, which cannot import the core; registry.test.ts holds the two equal.
 */
export const TASKS: readonly TaskModule[] = [
  // First: what it changes (dracut's conf, 40_custom) is the input of the images and grub.cfg built after it.
  forumMigration,
  dracutModule,
  initramfs,
  bootEntries,
  swap,
  ramPool,
  ephemeralVolatile,
  readOnlyRoot,
  saveVault,
];

export function taskModule(id: TaskId): TaskModule {
  const t = TASKS.find((x) => x.id === id);
  if (!t) throw new Error(`no task module ${id}`);
  return t;
}
