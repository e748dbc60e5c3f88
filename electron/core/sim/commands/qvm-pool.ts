import { columnT } from '../column-t.js';
import { POOL_DRIVERS, QubesError, addPool, getPool, removePool, setPoolOption } from '../qubes-model.js';
import { mountFor } from './findmnt.js';
import type { SimCommand } from './sim-command.js';
import { COMMON_FLAGS, UsageError, asTool, ok, parseArgs } from './sim-command.js';

const SUB: Record<string, string> = { list: 'list', ls: 'list', l: 'list', drivers: 'drivers', d: 'drivers', info: 'info', i: 'info', add: 'add', a: 'add', set: 'set', s: 'set', remove: 'remove', rm: 'remove', r: 'remove' };

function options(raw: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of raw ?? []) {
    // New syntax: each -o carries exactly one opt=value (qvm_pool.py: dict(opt.split('=', 1) ...)).
    const eq = o.indexOf('=');
    if (eq <= 0) throw new UsageError(`argument -o/--option: expected opt=value, got "${o}"`);
    out[o.slice(0, eq)] = o.slice(eq + 1);
  }
  return out;
}

/** `qvm-pool` with the 4.1+ subcommand grammar (qubesadmin/tools/qvm_pool.py; 4.2 = 4.3). */
export const qvmPool: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-pool', () => {
      const sub = SUB[args[0] ?? 'list'];
      if (!sub) throw new UsageError(`argument command: invalid choice: '${args[0]}'`);
      const p = parseArgs(args.slice(1), { valued: { '-o': { key: 'o', repeat: true }, '--option': { key: 'o', repeat: true } }, flags: COMMON_FLAGS });
      const { state } = ctx;
      switch (sub) {
        case 'list':
          return ok(columnT([['NAME', 'DRIVER'], ...state.pools.map((x) => [x.name, x.driver])]));
        case 'drivers':
          return ok(columnT([['DRIVER', 'OPTIONS'], ...Object.entries(POOL_DRIVERS).sort().map(([d, s]) => [d, s.params.join(', ')])]));
        case 'info': {
          if (!p.positional.length) throw new UsageError('the following arguments are required: POOL_NAME');
          const rows: string[][] = [];
          p.positional.forEach((name, i) => {
            const pool = getPool(state, name);
            if (i > 0) rows.push(['', '']);
            rows.push(['name', pool.name], ...Object.entries(pool.config).filter(([k]) => k !== 'name').sort(([a], [b]) => a.localeCompare(b)));
          });
          return ok(columnT(rows));
        }
        case 'add': {
          const [name, driver, ...extra] = p.positional;
          if (!name || !driver || extra.length) throw new UsageError('usage: qvm-pool add POOL_NAME DRIVER [-o opt=val]...');
          try {
            addPool(state, name, driver, options(p.values.o), (dir) => mountFor(state, dir)?.fsType ?? 'ext4');
          } catch (e) {
            if (e instanceof QubesError) throw new QubesError(`Failed to add pool ${name}: ${e.message}`);
            throw e;
          }
          ctx.markDirty();
          return ok();
        }
        case 'set': {
          const [name, ...extra] = p.positional;
          if (!name || extra.length) throw new UsageError('usage: qvm-pool set POOL_NAME -o opt=val [-o ...]');
          if (!p.values.o?.length) throw new UsageError('the following arguments are required: -o/--option');
          const pool = getPool(state, name);
          for (const [k, v] of Object.entries(options(p.values.o))) setPoolOption(state, pool, k, v);
          ctx.markDirty();
          return ok();
        }
        default: {
          if (!p.positional.length) throw new UsageError('the following arguments are required: POOL_NAME');
          for (const name of p.positional) removePool(state, getPool(state, name));
          ctx.markDirty();
          return ok();
        }
      }
    }),
};
