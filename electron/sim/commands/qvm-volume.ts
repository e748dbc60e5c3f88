import { columnT } from '../column-t.js';
import { QubesError, getQube, setVolumeProp } from '../qubes-model.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asQubesTool, list, ok, str } from './sim-command.js';
import { pyRepr } from '../../core/qubes/argparse-model.js';

const py = (b: boolean) => (b ? 'True' : 'False');

/** `qvm-volume list|info|config` (qubesadmin/tools/qvm_volume.py; argv checked by its recorded grammar). */
export const qvmVolume: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-volume', ctx, args, ({ ns, subcommand }) => {
      const { state } = ctx;
      const sub = subcommand ?? 'list';
      if (sub === 'list') {
        const rows: string[][] = [];
        const names = list(ns.VMNAME);
        const qubes = names.length && !ns.all_domains ? names.map((n) => getQube(state, n)) : state.qubes;
        // list_volumes: `v.pool in args.pools`; -p is a plain store option, so that is Python's `in` on a str.
        const pools = ns.pools as string | string[] | null;
        for (const q of qubes) {
          for (const [name, v] of Object.entries(q.volumes)) {
            if (pools && !pools.includes(v.pool)) continue;
            rows.push([`${v.pool}:${v.vid}`, q.name, name, 'No']);
          }
        }
        rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!));
        return ok(columnT([['POOL:VOLUME', 'VMNAME', 'VOLUME_NAME', 'REVERT_POSSIBLE'], ...rows]));
      }
      if (sub !== 'info' && sub !== 'config') throw new QubesError(`qvm-volume ${sub} is not simulated`);
      // VMVolumeAction.parse_qubes_app: "foo:bar" split on ':' (parser.error), then runtime errors (exit 1).
      const spec = str(ns.volume)!;
      const parts = spec.split(':');
      if (parts.length !== 2) throw new UsageError('expected a vm & volume combination like foo:bar');
      const [vmName, volName] = parts as [string, string];
      const q = state.qubes.find((x) => x.name === vmName);
      if (!q) throw new QubesError(`no vm ${pyRepr(vmName)}`);
      const v = q.volumes[volName];
      if (!v) throw new QubesError(`vm ${pyRepr(vmName)} has no volume ${pyRepr(volName)}`);
      if (sub === 'info') {
        const info: [string, string][] = [
          ['pool', v.pool],
          ['vid', v.vid],
          ['rw', py(v.rw)],
          ['source', v.source ?? ''],
          ['save_on_stop', py(v.saveOnStop)],
          ['snap_on_start', py(v.snapOnStart)],
          ['size', String(v.sizeBytes)],
          ['usage', String(v.usageBytes)],
          ['revisions_to_keep', String(v.revisionsToKeep)],
          ['ephemeral', py(v.ephemeral)],
          ['is_outdated', 'False'],
        ];
        const prop = str(ns.property);
        if (prop) {
          const hit = info.find(([k]) => k === prop);
          if (!hit) throw new QubesError(`No such property: ${prop}`);
          return ok(`${hit[1]}\n`);
        }
        // qvm_volume.py info_volume (4.3 only): revisions_to_keep -1 is shown as "-1 (snapshot disabled)".
        if (state.release === '4.3')
          for (const row of info)
            if (row[0] === 'revisions_to_keep' && row[1] === '-1') row[1] = '-1 (snapshot disabled)';
        return ok(columnT(info) + 'List of available revisions (for revert): none\n');
      }
      setVolumeProp(q, volName, str(ns.property)!, str(ns.value)!);
      ctx.markDirty();
      return ok();
    }),
};
