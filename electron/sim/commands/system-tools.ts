import path from 'node:path';
import type { SimTree } from '../sim-tree.js';
import type { SimCommand } from './sim-command.js';
import { UsageError, asTool, ok, parseArgs } from './sim-command.js';

/** The swap LV's filesystem UUID and a label, for fstabs that name swap by tag (udev's /dev/disk/by-* links). */
export const SIM_SWAP_UUID = '6f1d2a3c-8e4b-4c2d-9a0f-5b7e1c3d9f20';
export const SIM_SWAP_LABEL = 'dom0 swap';

/** Device-mapper names as udev links them on a default Qubes install. */
const DM_LINKS: Readonly<Record<string, string>> = {
  '/dev/mapper/qubes_dom0-root': '/dev/dm-0',
  '/dev/qubes_dom0/root': '/dev/dm-0',
  '/dev/mapper/qubes_dom0-swap': '/dev/dm-2',
  '/dev/qubes_dom0/swap': '/dev/dm-2',
  [`/dev/disk/by-uuid/${SIM_SWAP_UUID}`]: '/dev/dm-2',
  '/dev/disk/by-label/dom0\\x20swap': '/dev/dm-2',
  '/dev/disk/by-id/dm-name-qubes_dom0-swap': '/dev/dm-2',
};
export const resolveDevice = (dev: string): string => DM_LINKS[dev] ?? dev;

/** `readlink -f [--] PATH` for device paths. */
export const readlink: SimCommand = {
  requiresRoot: false,
  run: (_ctx, args) => {
    const rest = args.filter((a) => a !== '--');
    if (rest[0] !== '-f' || rest.length !== 2)
      return { exitCode: 1, stdout: '', stderr: 'readlink: the simulator supports only readlink -f PATH\n' };
    return ok(`${resolveDevice(rest[1]!)}\n`);
  },
};

async function readSwaps(tree: SimTree): Promise<{ head: string; rows: string[] }> {
  const [head, ...rows] = (await tree.read('/proc/swaps')).toString().split('\n');
  return { head: head ?? '', rows: rows.filter((r) => r.trim() !== '') };
}

/** util-linux swapon/swapoff parse options with getopt_long, so a `--` ends them (sys-utils/swapo{n,ff}.c). */
const deviceArgs = (args: readonly string[]): readonly string[] => (args[0] === '--' ? args.slice(1) : args);

/** `swapoff [--] DEVICE` / `swapon [--] DEVICE`: the simulated /proc/swaps follows, with the kernel's errors. */
export const swapoff: SimCommand = {
  requiresRoot: true,
  async run(ctx, all) {
    const args = deviceArgs(all);
    if (args.length !== 1) return { exitCode: 1, stdout: '', stderr: 'swapoff: bad usage\n' };
    const dev = resolveDevice(args[0]!);
    const { head, rows } = await readSwaps(ctx.tree);
    const keep = rows.filter((r) => r.split(/\s+/)[0] !== dev);
    if (keep.length === rows.length)
      return { exitCode: 4, stdout: '', stderr: `swapoff: ${args[0]}: swapoff failed: Invalid argument\n` };
    await ctx.tree.writeAtomic('/proc/swaps', [head, ...keep, ''].join('\n'));
    return ok();
  },
};

export const swapon: SimCommand = {
  requiresRoot: true,
  async run(ctx, all) {
    const args = deviceArgs(all);
    if (args.length !== 1) return { exitCode: 1, stdout: '', stderr: 'swapon: bad usage\n' };
    const dev = resolveDevice(args[0]!);
    const { head, rows } = await readSwaps(ctx.tree);
    if (rows.some((r) => r.split(/\s+/)[0] === dev))
      return {
        exitCode: 4,
        stdout: '',
        stderr: `swapon: ${args[0]}: swapon failed: Device or resource busy\n`,
      };
    await ctx.tree.writeAtomic(
      '/proc/swaps',
      [head, `${dev.padEnd(40)}partition\t8388604\t\t0\t\t-2`, ...rows, ''].join('\n'),
    );
    return ok();
  },
};

const wantsDir = (target: string) => `/etc/systemd/system/${target}.wants`;

/** The unit file (in systemd's order: /etc before /usr/lib) and the targets its [Install] names. */
async function wantedBy(tree: SimTree, unit: string): Promise<{ file: string; targets: string[] } | null> {
  for (const dir of ['/etc/systemd/system', '/usr/lib/systemd/system']) {
    if (await tree.stat(`${dir}/${unit}`)) {
      const text = (await tree.read(`${dir}/${unit}`)).toString();
      const targets = [...text.matchAll(/^WantedBy=(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
      return { file: `${dir}/${unit}`, targets };
    }
  }
  return null;
}

/** `systemctl daemon-reload | is-enabled U | enable U | disable U`, with enablement as symlinks like systemd. */
export const systemctl: SimCommand = {
  requiresRoot: false,
  run: (ctx, args) =>
    asTool('systemctl', async () => {
      const p = parseArgs(args, { flags: { '--now': 'now', '-q': 'quiet', '--quiet': 'quiet' } });
      const [verb, unit, ...extra] = p.positional;
      if (verb === 'daemon-reload' && !unit) return ok();
      if (!unit || extra.length || !['is-enabled', 'enable', 'disable'].includes(verb ?? ''))
        throw new UsageError(`unsupported in the simulator: systemctl ${args.join(' ')}`);
      const found = await wantedBy(ctx.tree, unit);
      if (!found)
        return {
          exitCode: 1,
          stdout: '',
          stderr: `Failed to ${verb} unit: Unit file ${unit} does not exist.\n`,
        };
      const { file, targets } = found;
      const links = targets.map((t) => `${wantsDir(t)}/${unit}`);
      if (verb === 'is-enabled') {
        const on = (await Promise.all(links.map((l) => ctx.tree.stat(l)))).some(Boolean);
        return { exitCode: on ? 0 : 1, stdout: on ? 'enabled\n' : 'disabled\n', stderr: '' };
      }
      if (verb === 'enable') {
        for (const l of links) {
          if (await ctx.tree.stat(l)) continue;
          await ctx.tree.mkdir(path.posix.dirname(l));
          // systemctl enable links to the unit file where it found it.
          await ctx.tree.symlink(file, l);
        }
        return {
          exitCode: 0,
          stdout: '',
          stderr: links.map((l) => `Created symlink ${l} → ${file}.`).join('\n') + '\n',
        };
      }
      for (const l of links) if (await ctx.tree.stat(l)) await ctx.tree.remove(l);
      for (const t of targets) {
        const d = wantsDir(t);
        if ((await ctx.tree.stat(d)) && (await ctx.tree.list(d)).length === 0) await ctx.tree.removeDir(d);
      }
      return { exitCode: 0, stdout: '', stderr: links.map((l) => `Removed "${l}".`).join('\n') + '\n' };
    }),
};

const GRUBENV_HEAD = '# GRUB Environment Block\n';

/** `grub2-editenv FILE set NAME=VALUE… | unset NAME…`: the 1024-byte block format GRUB reads. */
export const grub2Editenv: SimCommand = {
  requiresRoot: true,
  async run(ctx, args) {
    const [file, verb, ...pairs] = args;
    if (!file || (verb !== 'set' && verb !== 'unset') || pairs.length === 0)
      return { exitCode: 1, stdout: '', stderr: 'grub2-editenv: error: bad usage\n' };
    const current = (await ctx.tree.stat(file)) ? (await ctx.tree.read(file)).toString() : GRUBENV_HEAD;
    const vars = new Map(
      current
        .split('\n')
        .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
    );
    for (const p of pairs) {
      if (verb === 'set') {
        const eq = p.indexOf('=');
        if (eq <= 0)
          return { exitCode: 1, stdout: '', stderr: `grub2-editenv: error: invalid parameter ${p}\n` };
        vars.set(p.slice(0, eq), p.slice(eq + 1));
      } else vars.delete(p);
    }
    const body = GRUBENV_HEAD + [...vars].map(([k, v]) => `${k}=${v}\n`).join('');
    if (body.length > 1024)
      return { exitCode: 1, stdout: '', stderr: 'grub2-editenv: error: environment block too small\n' };
    await ctx.tree.writeAtomic(file, body + '#'.repeat(1024 - body.length));
    return ok();
  },
};

/** `lsinitrd -m IMAGE`: the dracut modules in an image (the simulated image lists them in its header). */
export const lsinitrd: SimCommand = {
  requiresRoot: true,
  async run(ctx, args) {
    if (args[0] !== '-m' || args.length !== 2)
      return { exitCode: 1, stdout: '', stderr: 'lsinitrd: the simulator supports only lsinitrd -m IMAGE\n' };
    if (!(await ctx.tree.stat(args[1]!)))
      return { exitCode: 1, stdout: '', stderr: `lsinitrd: ${args[1]}: No such file or directory\n` };
    const head = (await ctx.tree.read(args[1]!)).subarray(0, 4096).toString('latin1');
    const mods = /^modules=(.*)$/m.exec(head)?.[1]?.split(' ').filter(Boolean) ?? [];
    const rule = '='.repeat(72);
    return ok(
      `Image: ${args[1]}: 64K\n${rule}\nVersion: dracut-059\n\ndracut modules:\n${mods.join('\n')}\n${rule}\n`,
    );
  },
};
