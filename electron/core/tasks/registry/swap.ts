import type { Operation } from '../../../../shared/plan.js';
import { disableSwap } from '../../config/fstab-editor.js';
import { settingOp } from '../operations.js';
import { PATHS } from '../paths.js';
import { daemonReloadOp } from './systemd.js';
import { changesInPlace, type TaskModule } from './task.js';

/** Swap off: its fstab lines commented out (so it stays off at boot) and each active device turned off now. */
export const swap: TaskModule = {
  id: 'swap',
  async plan(ctx, c) {
    if (c.swap !== 'disable') return [];
    const { text, devices } = disableSwap(await ctx.sys.readText(PATHS.fstab));
    const ops: Operation[] = await ctx.writeIfChanged(PATHS.fstab, text, 0o644);
    if (ops.length) ops.push(daemonReloadOp());
    for (const device of devices) {
      const op = await settingOp(ctx.sys, { kind: 'swap-active', device }, 'off', ctx.release, {
        labelKey: 'ops.swapoff',
      });
      if (op) ops.push(op);
    }
    return ops;
  },
  verify: changesInPlace,
};
