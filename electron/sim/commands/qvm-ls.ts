import { QVM_LS_FIELDS } from '../../core/probes/parse-qvm.js';
import { getProp, hasProperty } from '../qubes-model.js';
import type { SimQube, SimState } from '../sim-state.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asQubesTool, list, ok, str } from './sim-command.js';
import { pyRepr } from '../../core/qubes/argparse-model.js';

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
    asQubesTool('qvm-ls', ctx, args, ({ ns }) => {
      // qvm_ls.py main: --raw-list is --raw-data with the single field "name".
      if (!ns.raw_data && !ns.raw_list)
        throw new UsageError('the simulator supports only --raw-data / --raw-list');
      const fields = ns.raw_list
        ? ['name']
        : (str(ns.fields) ?? 'name,state,class,label,template,netvm').split(',').map((f) => f.trim());
      const names = list(ns.VMNAME);
      for (const n of names)
        if (!ctx.state.qubes.some((q) => q.name === n)) throw new UsageError(`no such domain: ${pyRepr(n)}`);
      const qubes =
        names.length && !ns.all_domains
          ? ctx.state.qubes.filter((q) => names.includes(q.name))
          : ctx.state.qubes;
      const rows = [...qubes]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((q) => fields.map((f) => cell(ctx.state, q, f)).join('|'));
      return ok(rows.map((r) => `${r}\n`).join(''));
    }),
};

export { QVM_LS_FIELDS };
