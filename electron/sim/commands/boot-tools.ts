import { createHash } from 'node:crypto';
import { dracutModules, renderInitramfs, runGrubMkconfig } from '../boot-render.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asTool, parseArgs } from './sim-command.js';

/**
 * `grub2-mkconfig [-o FILE]`: runs the tree's /etc/grub.d scripts for real (boot-render.ts). With -o it writes
 * FILE only when the result passes the syntax check; without it the config goes to stdout and nothing is
 * written (rhboot/grub2 fedora-37 util/grub-mkconfig.in: `exec > "${grub_cfg}.new"` only with -o).
 */
export const grub2Mkconfig: SimCommand = {
  requiresRoot: true,
  run: (ctx, args) =>
    asTool('grub2-mkconfig', async () => {
      const p = parseArgs(args, {
        valued: { '-o': { key: 'out' }, '--output': { key: 'out' } },
        flags: { '--no-grubenv-update': 'no-grubenv-update' },
      });
      const out = p.values.out?.[0];
      if (p.positional.length) throw new UsageError('usage: grub2-mkconfig [-o FILE]');
      const run = await runGrubMkconfig(ctx.tree, ctx.state);
      const stderr = `Generating grub configuration file ...\n${run.stderr}${run.exitCode === 0 ? 'done\n' : ''}`;
      for (const l of stderr.trimEnd().split('\n')) ctx.onLine?.(l, 'stderr');
      if (run.exitCode !== 0) return { exitCode: 1, stdout: '', stderr };
      if (!out) return { exitCode: 0, stdout: run.stdout, stderr };
      await ctx.tree.writeAtomic(out, run.stdout, { mode: 0o600 });
      return { exitCode: 0, stdout: '', stderr };
    }),
};

/** `dracut --force [--kver K] [IMAGE [K]]`: builds one image; prints the module lines dracut prints. */
export const dracut: SimCommand = {
  requiresRoot: true,
  run: (ctx, args) =>
    asTool('dracut', async () => {
      const p = parseArgs(args, {
        valued: { '--kver': { key: 'kver' } },
        flags: {
          '-f': 'force',
          '--force': 'force',
          '-q': 'quiet',
          '--quiet': 'quiet',
          '-v': 'verbose',
          '--verbose': 'verbose',
        },
      });
      const [image, posKver, ...extra] = p.positional;
      const kver = p.values.kver?.[0] ?? posKver;
      if (extra.length || !kver)
        throw new UsageError('usage: dracut [OPTION...] [<image> [<kernel version>]]');
      const target = image ?? `/boot/initramfs-${kver}.img`;
      if (!(await ctx.tree.stat(`/lib/modules/${kver}`)) && !(await ctx.tree.stat(`/boot/vmlinuz-${kver}`))) {
        return {
          exitCode: 1,
          stdout: '',
          stderr: `dracut: Cannot find module directory /lib/modules/${kver}/\n`,
        };
      }
      if ((await ctx.tree.stat(target)) && !p.flags.has('force')) {
        return {
          exitCode: 1,
          stdout: '',
          stderr: `dracut: Will not override existing initramfs (${target}) without --force\n`,
        };
      }
      const modules = await dracutModules(ctx.tree);
      const hashes: string[] = [];
      for (const m of modules) {
        const dir = (await ctx.tree.list('/usr/lib/dracut/modules.d')).find((d) => d.slice(2) === m);
        if (!dir) continue;
        const h = createHash('sha256');
        for (const f of await ctx.tree.list(`/usr/lib/dracut/modules.d/${dir}`))
          h.update(f).update(await ctx.tree.read(`/usr/lib/dracut/modules.d/${dir}/${f}`));
        hashes.push(`${m}:${h.digest('hex').slice(0, 16)}`);
      }
      const lines = [
        `dracut: Executing: /usr/bin/dracut ${args.join(' ')}`,
        ...modules.map((m) => `dracut: *** Including module: ${m} ***`),
        `dracut: *** Creating image file '${target}' ***`,
        `dracut: *** Creating initramfs image file '${target}' done ***`,
      ];
      for (const l of lines) ctx.onLine?.(l, 'stderr');
      await ctx.tree.writeAtomic(target, renderInitramfs(kver, modules, hashes), { mode: 0o600 });
      return { exitCode: 0, stdout: '', stderr: lines.join('\n') + '\n' };
    }),
};
