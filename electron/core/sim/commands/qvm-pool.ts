import { columnT } from '../column-t.js';
import { POOL_DRIVERS, QubesError, addPool, getPool, removePool, setPoolOption } from '../qubes-model.js';
import { pyRepr } from '../../qubes/argparse-model.js';
import { mountFor } from './findmnt.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asQubesTool, list, ok, str } from './sim-command.js';

function options(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of raw) {
    // qvm_pool.py add_pool/set_pool: dict(opt.split('=', 1) ...): an -o without '=' makes Python raise ValueError.
    const eq = o.indexOf('=');
    if (eq < 0) throw new QubesError(`dictionary update sequence element #0 has length 1; 2 is required`);
    out[o.slice(0, eq)] = o.slice(eq + 1);
  }
  return out;
}

/** `qvm-pool` (qubesadmin/tools/qvm_pool.py; argv checked by its recorded grammar for the release). */
export const qvmPool: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-pool', ctx, args, ({ ns, subcommand }) => {
      const { state } = ctx;
      switch (subcommand ?? 'list') {
        case 'list':
          return ok(columnT([['NAME', 'DRIVER'], ...state.pools.map((x) => [x.name, x.driver])]));
        case 'drivers':
          return ok(columnT([['DRIVER', 'OPTIONS'], ...Object.entries(POOL_DRIVERS).sort().map(([d, s]) => [d, s.params.join(', ')])]));
        case 'info': {
          // init_info_parser: exactly one POOL_NAME (PoolsAction, no nargs); unknown pool: parser.error, exit 2.
          const name = str(ns.pools)!;
          const pool = state.pools.find((x) => x.name === name);
          if (!pool) throw new UsageError(`No such pools: [${pyRepr(name)}]`);
          return ok(columnT([['name', pool.name], ...Object.entries(pool.config).filter(([k]) => k !== 'name').sort(([a], [b]) => a.localeCompare(b))]));
        }
        case 'add': {
          const name = str(ns.pool_name)!;
          try {
            addPool(state, name, str(ns.driver)!, options(list(ns.option)), (dir) => mountFor(state, dir)?.fsType ?? 'ext4');
          } catch (e) {
            if (e instanceof QubesError) throw new QubesError(`Failed to add pool ${name}: ${e.message}`);
            throw e;
          }
          ctx.markDirty();
          return ok();
        }
        case 'set': {
          const pool = getPool(state, str(ns.pool_name)!);
          for (const [k, v] of Object.entries(options(list(ns.option)))) setPoolOption(state, pool, k, v);
          ctx.markDirty();
          return ok();
        }
        default: {
          for (const name of list(ns.pool_names)) removePool(state, getPool(state, name));
          ctx.markDirty();
          return ok();
        }
      }
    }),
};
