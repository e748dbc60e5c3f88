import type { Namespace } from '../../core/qubes/argparse-model.js';
import { pyRepr } from '../../core/qubes/argparse-model.js';
import { VM_VALUED_PROPS } from '../../core/probes/parse-qvm.js';
import {
  getGlobal,
  getQube,
  globalNames,
  hasProperty,
  listProps,
  setGlobal,
  setProp,
} from '../qubes-model.js';
import type { SimCommand, SimContext, SimOutput } from './sim-command.js';
import { UsageError, asQubesTool, list, ok, str } from './sim-command.js';

type PropValue = { value: string; isDefault: boolean };

const VM_VALUED_NONE = new Set(['default_dispvm', 'netvm', 'template', 'guivm', 'audiovm']);

/** process_actions' listing: `{value!s}`, so an unset VM-valued property (None in qubesadmin) prints "None". */
function listing(rows: [string, { value: string; isDefault: boolean }][]): string {
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows
    .map(
      ([n, v]) =>
        `${n.padEnd(width)}  ${v.isDefault ? 'D' : '-'}  ${v.value === '' && VM_VALUED_PROPS.has(n) ? 'None' : v.value}\n`,
    )
    .join('');
}

/**
 * qvm_prefs.py process_actions (shared by qubes-prefs): a VALUE sets (wins over --default), --default resets,
 * else the value is printed (4.3: nothing with --hide-default when it is the default). Unknown property:
 * parser.error, exit 2.
 */
function processActions(
  ctx: SimContext,
  ns: Namespace,
  target: { list(): [string, PropValue][]; has(p: string): boolean; set(p: string, v: string | null): void },
): SimOutput {
  const rows = target.list();
  const raw = str(ns.property);
  if (raw === null) return ok(listing(rows.filter(([, v]) => !(ns.hide_default && v.isDefault))));
  const prop = raw.replace(/-/g, '_');
  const value = str(ns.value);
  if (!target.has(prop)) throw new UsageError(`no such property: ${pyRepr(prop)}`);
  if (value !== null) {
    target.set(prop, value.toLowerCase() === 'none' && VM_VALUED_NONE.has(prop) ? '' : value);
    ctx.markDirty();
    return ok();
  }
  if (ns.delete) {
    target.set(prop, null);
    ctx.markDirty();
    return ok();
  }
  const v = rows.find(([n]) => n === prop)![1];
  if (ctx.state.release === '4.3' && ns.hide_default && v.isDefault) return ok();
  return ok(v.value === '' ? '' : `${v.value}\n`);
}

/** `qvm-prefs VMNAME [PROPERTY [VALUE]]` (qvm_prefs.py get_parser(1); argv checked by its recorded grammar). */
export const qvmPrefs: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-prefs', ctx, args, ({ ns }) => {
      const vm = list(ns.VMNAME)[0]!;
      // VmNameAction.parse_qubes_app: unknown qube is parser.error (exit 2).
      const q = ctx.state.qubes.find((x) => x.name === vm);
      if (!q) throw new UsageError(`no such domain: ${pyRepr(vm)}`);
      return processActions(ctx, ns, {
        list: () => listProps(ctx.state, q),
        has: (p) => hasProperty(q, p),
        set: (p, v) => setProp(ctx.state, getQube(ctx.state, vm), p, v),
      });
    }),
};

/** `qubes-prefs [PROPERTY [VALUE]]` (qubes_prefs.py = qvm_prefs.get_parser(None)). */
export const qubesPrefs: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qubes-prefs', ctx, args, ({ ns }) =>
      processActions(ctx, ns, {
        list: () => globalNames().map((n) => [n, getGlobal(ctx.state, n)] as [string, PropValue]),
        has: (p) => globalNames().includes(p),
        set: (p, v) => setGlobal(ctx.state, p, v),
      }),
    ),
};
