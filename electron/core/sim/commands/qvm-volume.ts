import { columnT } from '../column-t.js';
import { getQube, setVolumeProp } from '../qubes-model.js';
import type { SimCommand } from './sim-command.js';
import { COMMON_FLAGS, UsageError, asTool, ok, parseArgs } from './sim-command.js';

const SUB: Record<string, string> = { list: 'list', ls: 'list', l: 'list', info: 'info', i: 'info', config: 'config', c: 'config', set: 'config', s: 'config' };
const py = (b: boolean) => (b ? 'True' : 'False');

function splitVolumeSpec(spec: string | undefined): [string, string] {
  const m = spec ? /^([^:]+):(.+)$/.exec(spec) : null;
  if (!m) throw new UsageError(`expected a VM:VOLUME argument, got "${spec ?? ''}"`);
  return [m[1]!, m[2]!];
}

/** `qvm-volume list|info|config` (qubesadmin/tools/qvm_volume.py). */
export const qvmVolume: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-volume', () => {
      const sub = SUB[args[0] ?? 'list'];
      if (!sub) throw new UsageError(`argument command: invalid choice: '${args[0]}'`);
      const p = parseArgs(args.slice(1), { valued: { '-p': { key: 'pool', repeat: true }, '--pool': { key: 'pool', repeat: true } }, flags: { ...COMMON_FLAGS, '--full': 'full' } });
      const { state } = ctx;
      if (sub === 'list') {
        const rows: string[][] = [];
        const qubes = p.positional.length ? p.positional.map((n) => getQube(state, n)) : state.qubes;
        for (const q of qubes) {
          for (const [name, v] of Object.entries(q.volumes)) {
            if (p.values.pool && !p.values.pool.includes(v.pool)) continue;
            rows.push([`${v.pool}:${v.vid}`, q.name, name, 'No']);
          }
        }
        rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!));
        return ok(columnT([['POOL:VOLUME', 'VMNAME', 'VOLUME_NAME', 'REVERT_POSSIBLE'], ...rows]));
      }
      const [vmName, volName] = splitVolumeSpec(p.positional[0]);
      const q = state.qubes.find((x) => x.name === vmName);
      if (!q) throw new UsageError(`no such domain: '${vmName}'`);
      const v = q.volumes[volName];
      if (!v) throw new UsageError(`no volume ${volName} in domain ${vmName}`);
      if (sub === 'info') {
        const info: [string, string][] = [
          ['pool', v.pool], ['vid', v.vid], ['rw', py(v.rw)], ['source', v.source ?? ''], ['save_on_stop', py(v.saveOnStop)],
          ['snap_on_start', py(v.snapOnStart)], ['size', String(v.sizeBytes)], ['usage', String(v.usageBytes)],
          ['revisions_to_keep', String(v.revisionsToKeep)], ['ephemeral', py(v.ephemeral)], ['is_outdated', 'False'],
        ];
        const prop = p.positional[1];
        if (prop) {
          const hit = info.find(([k]) => k === prop);
          if (!hit) throw new UsageError(`No such property: ${prop}`);
          return ok(`${hit[1]}\n`);
        }
        return ok(columnT(info) + 'List of available revisions (for revert): none\n');
      }
      const [, prop, value, ...extra] = p.positional;
      if (!prop || value === undefined || extra.length) throw new UsageError('usage: qvm-volume config VM:VOLUME PROPERTY VALUE');
      getQube(state, vmName);
      setVolumeProp(q, volName, prop, value);
      ctx.markDirty();
      return ok();
    }),
};
