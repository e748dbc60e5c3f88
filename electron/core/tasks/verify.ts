import type { TaskCheck } from '../../../shared/plan.js';
import type { AssetBundle } from '../assets/asset-bundle.js';
import type { JournalStore } from '../journal/journal-store.js';
import type { ApplyTransaction } from '../journal/transaction.js';
import type { System } from '../system/system.js';
import { stockXenSection } from './pending-grub.js';
import { taskModule } from './registry/index.js';

export { stockXenSection };

/**
 * What each planned task promised, checked on the machine after apply (beyond the per-operation read-backs),
 * by the task's own module, in plan order.
 */
export async function verifyTasks(
  sys: System,
  tx: ApplyTransaction,
  assets: AssetBundle,
  journal: JournalStore,
): Promise<TaskCheck[]> {
  const checks: TaskCheck[] = [];
  for (const task of tx.plan.tasks)
    checks.push(...(await taskModule(task.id).verify({ sys, assets, journal }, tx, task)));
  return checks;
}
