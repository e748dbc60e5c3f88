import { getGlobal, getQube, globalNames, listProps, setGlobal, setProp } from '../qubes-model.js';
import type { SimCommand } from './sim-command.js';
import { COMMON_FLAGS, UsageError, asTool, ok, parseArgs } from './sim-command.js';

const VM_VALUED_NONE = new Set(['default_dispvm', 'netvm', 'template', 'guivm', 'audiovm']);

function listing(rows: [string, { value: string; isDefault: boolean }][]): string {
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, v]) => `${n.padEnd(width)}  ${v.isDefault ? 'D' : '-'}  ${v.value}\n`).join('');
}

const SPEC = { flags: { ...COMMON_FLAGS, '--default': 'default', '-D': 'default', '--hide-default': 'hideDefault', '--get': 'ignored', '-g': 'ignored', '--set': 'ignored', '-s': 'ignored' } };

/** `qvm-prefs VM [PROP [VALUE | --default]]` (qubesadmin/tools/qvm_prefs.py process_actions). */
export const qvmPrefs: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-prefs', () => {
      const p = parseArgs(args, SPEC);
      const [vm, rawProp, value, ...extra] = p.positional;
      if (!vm) throw new UsageError('the following arguments are required: VMNAME');
      if (extra.length) throw new UsageError(`unrecognized arguments: ${extra.join(' ')}`);
      const q = ctx.state.qubes.find((x) => x.name === vm);
      if (!q) throw new UsageError(`no such domain: '${vm}'`);
      if (!rawProp) return ok(listing(listProps(ctx.state, q).filter(([, v]) => !(p.flags.has('hideDefault') && v.isDefault))));
      const prop = rawProp.replace(/-/g, '_');
      if (p.flags.has('default')) {
        setProp(ctx.state, q, prop, null);
        ctx.markDirty();
        return ok();
      }
      if (value !== undefined) {
        setProp(ctx.state, q, prop, value.toLowerCase() === 'none' && VM_VALUED_NONE.has(prop) ? '' : value);
        ctx.markDirty();
        return ok();
      }
      const v = listProps(ctx.state, getQube(ctx.state, vm)).find(([n]) => n === prop);
      if (!v) throw new UsageError(`no such property: '${prop}'`);
      return ok(v[1].value === '' ? '' : `${v[1].value}\n`);
    }),
};

/** `qubes-prefs [PROP [VALUE | --default]]`. */
export const qubesPrefs: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qubes-prefs', () => {
      const p = parseArgs(args, SPEC);
      const [rawProp, value, ...extra] = p.positional;
      if (extra.length) throw new UsageError(`unrecognized arguments: ${extra.join(' ')}`);
      if (!rawProp) return ok(listing(globalNames().map((n) => [n, getGlobal(ctx.state, n)] as [string, { value: string; isDefault: boolean }]).filter(([, v]) => !(p.flags.has('hideDefault') && v.isDefault))));
      const prop = rawProp.replace(/-/g, '_');
      if (!globalNames().includes(prop)) throw new UsageError(`no such property: '${prop}'`);
      if (p.flags.has('default')) {
        setGlobal(ctx.state, prop, null);
        ctx.markDirty();
        return ok();
      }
      if (value !== undefined) {
        setGlobal(ctx.state, prop, value.toLowerCase() === 'none' ? '' : value);
        ctx.markDirty();
        return ok();
      }
      const v = getGlobal(ctx.state, prop).value;
      return ok(v === '' ? '' : `${v}\n`);
    }),
};
