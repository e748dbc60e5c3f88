import type { SimCommand } from './sim-command.js';
import { ok } from './sim-command.js';

/** `modprobe MODULE`: modules the dom0 kernel has (Qubes builds zram and overlay as modules). */
export const modprobe: SimCommand = {
  requiresRoot: true,
  run: (_ctx, args) =>
    args.length === 1 && ['zram', 'overlay', 'xfs'].includes(args[0]!)
      ? ok()
      : {
          exitCode: 1,
          stdout: '',
          stderr: `modprobe: FATAL: Module ${args.join(' ')} not found in directory /lib/modules\n`,
        },
};

/** `zramctl --find --size SIZE --algorithm ALG`: the next free device, as zramctl prints it. */
export const zramctl: SimCommand = {
  requiresRoot: true,
  run(ctx, args) {
    const size = args[args.indexOf('--size') + 1];
    if (args[0] !== '--find' || !size || !/^\d+M$/.test(size))
      return {
        exitCode: 1,
        stdout: '',
        stderr: 'zramctl: the simulator supports only --find --size NM --algorithm ALG\n',
      };
    const used = new Set(ctx.state.mounts.map((m) => m.source).filter((s) => s.startsWith('/dev/zram')));
    if (ctx.state.release === '4.3') used.add('/dev/zram0');
    let n = 0;
    while (used.has(`/dev/zram${n}`)) n++;
    ctx.state.zramDevices.push({ device: `/dev/zram${n}`, sizeMiB: Number(size.slice(0, -1)) });
    ctx.markDirty();
    return ok(`/dev/zram${n}\n`);
  },
};

/** `mkfs.xfs [-q] [-m reflink=1] [-L LABEL] DEVICE`. */
export const mkfsXfs: SimCommand = {
  requiresRoot: true,
  run(ctx, args) {
    const dev = args[args.length - 1] ?? '';
    if (!ctx.state.zramDevices.some((z) => z.device === dev))
      return { exitCode: 1, stdout: '', stderr: `mkfs.xfs: cannot open ${dev}: No such file or directory\n` };
    return ok();
  },
};

/** `mount [-o OPTS] DEVICE DIR`: a zram device formatted by mkfs.xfs becomes an XFS mount. */
export const mount: SimCommand = {
  requiresRoot: true,
  async run(ctx, args) {
    const rest = args[0] === '-o' ? args.slice(2) : args;
    const [dev, dir] = rest;
    const z = ctx.state.zramDevices.find((d) => d.device === dev);
    if (!z || !dir)
      return {
        exitCode: 32,
        stdout: '',
        stderr: `mount: ${dir ?? ''}: special device ${dev ?? ''} does not exist.\n`,
      };
    if (!(await ctx.tree.stat(dir)))
      return { exitCode: 32, stdout: '', stderr: `mount: ${dir}: mount point does not exist.\n` };
    ctx.state.mounts.push({
      target: dir,
      source: dev!,
      fsType: 'xfs',
      options: args[0] === '-o' ? `rw,${args[1]}` : 'rw',
      sizeBytes: z.sizeMiB * 1024 * 1024,
      baseUsedBytes: 0,
    });
    ctx.markDirty();
    return ok();
  },
};
