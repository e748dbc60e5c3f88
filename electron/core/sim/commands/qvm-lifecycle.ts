import { cloneQube, createQube, getQube, removeQube } from '../qubes-model.js';
import type { SimCommand } from './sim-command.js';
import { COMMON_FLAGS, UsageError, asTool, ok, parseArgs } from './sim-command.js';

/** `qvm-clone [-C CLASS] [-P POOL] SRC NEWNAME` (qubesadmin/tools/qvm_clone.py). */
export const qvmClone: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-clone', () => {
      const p = parseArgs(args, { valued: { '-P': { key: 'pool' }, '-C': { key: 'class' }, '--class': { key: 'class' } }, flags: { ...COMMON_FLAGS, '--ignore-errors': 'ignoreErrors' } });
      const [src, dst, ...extra] = p.positional;
      if (!src || !dst || extra.length) throw new UsageError('the following arguments are required: VMNAME, NEW_NAME');
      const source = ctx.state.qubes.find((q) => q.name === src);
      if (!source) throw new UsageError(`no such domain: '${src}'`);
      cloneQube(ctx.state, source, dst, p.values.pool?.[0] ?? null, p.values.class?.[0] ?? null);
      ctx.markDirty();
      return ok();
    }),
};

/** `qvm-create [-C CLASS] [-t TPL] -l LABEL [-P POOL] [--prop K=V ...] NAME` (qubesadmin/tools/qvm_create.py). */
export const qvmCreate: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-create', () => {
      const p = parseArgs(args, {
        valued: {
          '-C': { key: 'class' }, '--class': { key: 'class' }, '-t': { key: 'template' }, '--template': { key: 'template' },
          '-l': { key: 'label' }, '--label': { key: 'label' }, '-P': { key: 'pool' },
          '--prop': { key: 'prop', repeat: true }, '--property': { key: 'prop', repeat: true },
        },
        flags: { ...COMMON_FLAGS, '--standalone': 'standalone', '--disp': 'disp' },
      });
      const [name, ...extra] = p.positional;
      if (!name || extra.length) throw new UsageError('the following arguments are required: VMNAME');
      if (!p.values.label) throw new UsageError('the following arguments are required: -l/--label');
      const props: Record<string, string> = {};
      for (const kv of p.values.prop ?? []) {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--prop expects NAME=VALUE, got "${kv}"`);
        props[kv.slice(0, eq).replace(/-/g, '_')] = kv.slice(eq + 1);
      }
      createQube(ctx.state, {
        name, klass: p.flags.has('disp') ? 'DispVM' : p.flags.has('standalone') ? 'StandaloneVM' : (p.values.class?.[0] ?? 'AppVM'),
        label: p.values.label[0]!, template: p.values.template?.[0] ?? null, pool: p.values.pool?.[0] ?? null, props,
      });
      ctx.markDirty();
      return ok();
    }),
};

/** `qvm-remove [-f] VMNAME...` (qubesadmin/tools/qvm_remove.py); without -f it would ask, which a GUI cannot answer. */
export const qvmRemove: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('qvm-remove', () => {
      const p = parseArgs(args, { flags: { ...COMMON_FLAGS, '-f': 'force', '--force': 'force' } });
      if (!p.positional.length) throw new UsageError('the following arguments are required: VMNAME');
      if (!p.flags.has('force')) throw new UsageError('the simulator needs -f (it cannot answer the confirmation prompt)');
      for (const n of p.positional) {
        if (!ctx.state.qubes.some((q) => q.name === n)) throw new UsageError(`no such domain: '${n}'`);
        removeQube(ctx.state, getQube(ctx.state, n));
      }
      ctx.markDirty();
      return ok();
    }),
};
