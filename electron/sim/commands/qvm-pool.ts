import { columnT } from '../column-t.js';
import { POOL_DRIVERS, QubesError, addPool, getPool, removePool, setPoolOption } from '../qubes-model.js';
import { pyRepr } from '../../core/qubes/argparse-model.js';
import type { SimPool, SimState } from '../sim-state.js';
import type { SimTree } from '../sim-tree.js';
import { mountFor, usedBytes } from './findmnt.js';
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

/** The volumes' usage of an LVM thin pool's volumes (the thin pool's data as `lvs` would report it). */
const THIN_POOL_BYTES = 476 * 1024 ** 3;

/**
 * What qubesd's admin.pool.Info adds after the pool's config (qubes-core-admin qubes/api/admin.py pool_info,
 * release4.2 and release4.3): `size` and `usage` when the driver knows them (file and file-reflink: statvfs of
 * dir_path; lvm_thin: the thin pool; linux-kernel: neither), and `included_in` when another pool contains this one
 * (qubes/storage/__init__.py search_pool_containing_dir: a pool whose dir_path holds this pool's dir_path).
 */
async function poolExtras(state: SimState, tree: SimTree, pool: SimPool): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const dir = pool.config.dir_path;
  if (pool.driver === 'file' || pool.driver === 'file-reflink') {
    const m = dir ? mountFor(state, dir) : undefined;
    if (m) out.push(['size', String(m.sizeBytes)], ['usage', String(await usedBytes(state, tree, m.target))]);
  } else if (pool.driver === 'lvm_thin') {
    const used = state.qubes
      .flatMap((q) => Object.values(q.volumes))
      .filter((v) => v.pool === pool.name)
      .reduce((a, v) => a + v.usageBytes, 0);
    out.push(['size', String(THIN_POOL_BYTES)], ['usage', String(used)]);
  }
  if (dir) {
    const host = state.pools.find(
      (o) =>
        o !== pool &&
        o.config.dir_path &&
        (dir === o.config.dir_path || dir.startsWith(`${o.config.dir_path}/`)),
    );
    if (host) out.push(['included_in', host.name]);
  }
  return out;
}

/** `qvm-pool` (qubesadmin/tools/qvm_pool.py; argv checked by its recorded grammar for the release). */
export const qvmPool: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-pool', ctx, args, async ({ ns, subcommand }) => {
      const { state } = ctx;
      switch (subcommand ?? 'list') {
        case 'list':
          return ok(columnT([['NAME', 'DRIVER'], ...state.pools.map((x) => [x.name, x.driver])]));
        case 'drivers':
          return ok(
            columnT([
              ['DRIVER', 'OPTIONS'],
              ...Object.entries(POOL_DRIVERS)
                .sort()
                .map(([d, s]) => [d, s.params.join(', ')]),
            ]),
          );
        case 'info': {
          // init_info_parser: exactly one POOL_NAME (PoolsAction, no nargs); unknown pool: parser.error, exit 2.
          const name = str(ns.pools)!;
          const pool = state.pools.find((x) => x.name === name);
          if (!pool) throw new UsageError(`No such pools: [${pyRepr(name)}]`);
          // info_pools: the name row, then every other item of pool.config (qubesd's config and extras) sorted.
          const items = [...Object.entries(pool.config), ...(await poolExtras(state, ctx.tree, pool))].filter(
            ([k]) => k !== 'name',
          );
          return ok(
            columnT([['name', pool.name], ...items.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]),
          );
        }
        case 'add': {
          const name = str(ns.pool_name)!;
          try {
            addPool(
              state,
              name,
              str(ns.driver)!,
              options(list(ns.option)),
              (dir) => mountFor(state, dir)?.fsType ?? 'ext4',
            );
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
