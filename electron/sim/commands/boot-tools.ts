import { createHash } from 'node:crypto';
import { dracutModules, renderInitramfs, runGrubMkconfig } from '../boot-render.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asTool, parseArgs } from './sim-command.js';

/** Cut `bytes` into `n` pieces of about the same size (the points where a long write can be interrupted). */
function pieces(bytes: Buffer, n: number): Buffer[] {
  const size = Math.max(1, Math.ceil(bytes.length / n));
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out.length ? out : [bytes];
}

/** grub-mkconfig's output as it reaches `${grub_cfg}.new`: one piece per /etc/grub.d script (its BEGIN marker). */
function perScript(cfg: string): Buffer[] {
  return cfg.split(/(?=^### BEGIN )/m).map((c) => Buffer.from(c));
}

/**
 * `grub2-mkconfig [-o FILE]`: runs the tree's /etc/grub.d scripts for real (boot-render.ts). Without -o the
 * config goes to stdout and nothing is written. With -o it writes the way the real script does, so a process
 * that dies part-way leaves what the real one leaves (rhboot/grub2 util/grub-mkconfig.in, branches fedora-37 —
 * Qubes 4.2's dom0 — and fedora-41 — 4.3's): `rm -f "${grub_cfg}.new"`, then `exec > "${grub_cfg}.new"` under
 * umask 077 so each /etc/grub.d script's output is appended as it runs; after grub-script-check,
 * `cat ${grub_cfg}.new > ${grub_cfg}` under umask 077 (fedora-37) or 177 (fedora-41) — in place, not a rename: FILE is truncated, then filled — and
 * `rm -f ${grub_cfg}.new`. A config that fails the check is not written here (the real script leaves
 * `FILE.new` behind then; not modelled).
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
      const staging = `${out}.new`;
      await ctx.tree.remove(staging);
      await ctx.tree.writeInPlace(staging, perScript(run.stdout), 0o600, 'grub2-mkconfig:new');
      // `cat` runs under umask 077/177: a new FILE is 0600, an existing one keeps its mode.
      await ctx.tree.writeInPlace(out, pieces(Buffer.from(run.stdout), 2), 0o600, 'grub2-mkconfig:cat');
      await ctx.tree.remove(staging);
      return { exitCode: 0, stdout: '', stderr };
    }),
};

/**
 * `dracut --force [--kver K] [IMAGE [K]]`: builds one image; prints the module lines dracut prints. The real
 * dracut builds the image in its own `mktemp -d` directory under /var/tmp and then copies it over IMAGE with
 * `cp --reflink=auto "${DRACUT_TMPDIR}/initramfs.img" "$outfile"` — in place, so a process that dies during the
 * copy leaves IMAGE cut short (dracutdevs/dracut dracut.sh, tags 057 and 059; dracut-ng dracut.sh, tags 103 and
 * 105). Modelled: that copy, in pieces. Not modelled: the working directory, which a crash leaves in /var/tmp
 * (dracut's EXIT trap removes it only on a normal exit); the simulated tree has no /var/tmp.
 */
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
      // The image in DRACUT_TMPDIR is made under umask 077, so a new IMAGE gets 0600; an existing one keeps its mode.
      const built = Buffer.from(renderInitramfs(kver, modules, hashes));
      await ctx.tree.writeInPlace(target, pieces(built, 3), 0o600, 'dracut:cp');
      return { exitCode: 0, stdout: '', stderr: lines.join('\n') + '\n' };
    }),
};
