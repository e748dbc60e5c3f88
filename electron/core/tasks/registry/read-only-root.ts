import type { SettingOp } from '../../../../shared/plan.js';
import { settingOp } from '../operations.js';
import { changesInPlace, type TaskModule } from './task.js';

/** The chosen qubes' root volumes made read-only (rw False). */
export const readOnlyRoot: TaskModule = {
  id: 'read-only-root',
  async plan(ctx, c) {
    const ops: SettingOp[] = [];
    for (const qube of c.readOnlyRoot) {
      const op = await settingOp(
        ctx.sys,
        { kind: 'volume-property', qube, volume: 'root', property: 'rw' },
        'False',
        ctx.release,
        { labelKey: 'ops.readOnlyRoot' },
      );
      if (op) ops.push(op);
    }
    return ops;
  },
  verify: changesInPlace,
};
