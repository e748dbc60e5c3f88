import { settingOp } from '../operations.js';
import { changesInPlace, type TaskModule } from './task.js';

/** Volatile volumes encrypted with a key that exists only while the qube runs (the pool's ephemeral_volatile). */
export const ephemeralVolatile: TaskModule = {
  id: 'ephemeral-volatile',
  async plan(ctx, c) {
    if (!c.ephemeralVolatile) return [];
    const pool = ctx.facts.prefs.default_pool_volatile || ctx.facts.prefs.default_pool || 'vm-pool';
    const op = await settingOp(
      ctx.sys,
      { kind: 'pool-option', pool, option: 'ephemeral_volatile' },
      'True',
      ctx.release,
      { labelKey: 'ops.ephemeralVolatile' },
    );
    return op ? [op] : [];
  },
  verify: changesInPlace,
};
