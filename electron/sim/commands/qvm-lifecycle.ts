import { pyRepr } from '../../core/qubes/argparse-model.js';
import { cloneQube, createQube, getQube, removeQube } from '../qubes-model.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asQubesTool, fail, list, ok, str } from './sim-command.js';

/** `qvm-clone [-C CLASS] [-P POOL | -p VOL=POOL ...] VMNAME NEWVM` (qvm_clone.py; argv checked by its recorded grammar). */
export const qvmClone: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-clone', ctx, args, ({ ns }) => {
      const src = list(ns.VMNAME)[0]!;
      const source = ctx.state.qubes.find((q) => q.name === src);
      if (!source) throw new UsageError(`no such domain: ${pyRepr(src)}`);
      if (list(ns.pool).length) throw new UsageError('the simulator models -P POOL only, not -p VOLUME=POOL');
      cloneQube(ctx.state, source, str(ns.new_name)!, str(ns.one_pool) || null, str(ns.cls));
      ctx.markDirty();
      return ok();
    }),
};

/** `qvm-create [--class C] [-t TPL] -l LABEL [-P POOL] [--prop K=V ...] VMNAME` (qvm_create.py main). */
export const qvmCreate: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-create', ctx, args, ({ ns }) => {
      // --template, --label and VMNAME are SinglePropertyActions into `properties`, like --prop NAME=VALUE.
      const { name, label, template, ...rest } = (ns.properties ?? {}) as Record<string, string>;
      const props: Record<string, string> = {};
      for (const [k, v] of Object.entries(rest)) props[k.replace(/-/g, '_')] = v;
      createQube(ctx.state, {
        name: name!,
        klass: ns.disp ? 'DispVM' : ns.standalone ? 'StandaloneVM' : (str(ns.cls) ?? 'AppVM'),
        label: label ?? 'red',
        template: template ?? null,
        pool: str(ns.one_pool) || null,
        props,
      });
      ctx.markDirty();
      return ok();
    }),
};

/** `qvm-remove [-f] VMNAME...` (qvm_remove.py); without -f it would ask, which a GUI cannot answer. */
export const qvmRemove: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-remove', ctx, args, ({ ns }) => {
      if (ns.all_domains) throw new UsageError('the simulator does not remove --all');
      const names = list(ns.VMNAME);
      for (const n of names)
        if (!ctx.state.qubes.some((q) => q.name === n)) throw new UsageError(`no such domain: ${pyRepr(n)}`);
      if (!ns.no_confirm)
        throw new UsageError('the simulator needs -f (it cannot answer the confirmation prompt)');
      for (const n of names) removeQube(ctx.state, getQube(ctx.state, n));
      ctx.markDirty();
      return ok();
    }),
};

/**
 * `qvm-shutdown [--wait] [--timeout T] [--force] VMNAME...` (qvm_shutdown.py, release4.2 and release4.3): each
 * named qube becomes Halted. Without --force, qubesd refuses a qube that running qubes are connected to (as
 * their netvm); with --wait that ends as "Failed to shut down: NAMES", exit status the number that failed.
 */
export const qvmShutdown: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asQubesTool('qvm-shutdown', ctx, args, ({ ns }) => {
      if (ns.all_domains) throw new UsageError('the simulator does not shut down --all');
      const names = list(ns.VMNAME);
      for (const n of names)
        if (!ctx.state.qubes.some((q) => q.name === n)) throw new UsageError(`no such domain: ${pyRepr(n)}`);
      const connected = (n: string) =>
        ctx.state.qubes.some((q) => q.state === 'Running' && q.props.netvm === n && !names.includes(q.name));
      const refused = ns.force ? [] : names.filter(connected);
      for (const n of names) if (!refused.includes(n)) getQube(ctx.state, n).state = 'Halted';
      ctx.markDirty();
      if (refused.length)
        return fail('qvm-shutdown', `Failed to shut down: ${refused.join(', ')}`, refused.length);
      return ok();
    }),
};
