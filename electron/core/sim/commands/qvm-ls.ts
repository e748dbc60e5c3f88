import { QVM_LS_FIELDS } from '../../probes/parse-qvm.js';
import { getProp, hasProperty } from '../qubes-model.js';
import type { SimQube, SimState } from '../sim-state.js';
import type { SimCommand } from './sim-command.js';
import { COMMON_FLAGS, UsageError, asTool, ok, parseArgs } from './sim-command.js';

const MiB = 1024 * 1024;

/** One qvm-ls cell as qubesadmin/tools/qvm_ls.py formats it: str(value), or `-` when absent. */
function cell(state: SimState, q: SimQube, field: string): string {
  const f = field.toUpperCase().replace(/_/g, '-');
  const vol = (name: string, what: 'size' | 'usage') => {
    const v = q.volumes[name];
    return String(v ? Math.floor((what === 'size' ? v.sizeBytes : v.usageBytes) / MiB) : 0);
  };
  switch (f) {
    case 'NAME':
      return q.name;
    case 'CLASS':
      return q.klass;
    case 'STATE':
      return q.state;
    case 'LABEL':
      return q.label;
    case 'ROOT-MAX':
      return vol('root', 'size');
    case 'ROOT-CURR':
      return vol('root', 'usage');
    case 'PRIV-MAX':
      return vol('private', 'size');
    case 'PRIV-CURR':
      return vol('private', 'usage');
    default: {
      const prop = field.toLowerCase().replace(/-/g, '_');
      if (!hasProperty(q, prop)) return '-';
      const v = getProp(state, q, prop).value;
      return v === '' ? '-' : v;
    }
  }
}

export const qvmLs: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-ls', () => {
      const p = parseArgs(args, { valued: { '--fields': { key: 'fields' }, '-O': { key: 'fields' } }, flags: { ...COMMON_FLAGS, '--raw-data': 'raw', '--raw-list': 'rawList', '--all': 'all' } });
      if (!p.flags.has('raw') && !p.flags.has('rawList')) throw new UsageError('the simulator supports only --raw-data / --raw-list');
      const fields = p.flags.has('rawList') ? ['name'] : (p.values.fields?.[0] ?? 'name,state,class,label,template,netvm').split(',');
      const qubes = p.positional.length ? ctx.state.qubes.filter((q) => p.positional.includes(q.name)) : ctx.state.qubes;
      const rows = [...qubes].sort((a, b) => a.name.localeCompare(b.name)).map((q) => fields.map((f) => cell(ctx.state, q, f)).join('|'));
      return ok(rows.map((r) => `${r}\n`).join(''));
    }),
};

export { QVM_LS_FIELDS };
