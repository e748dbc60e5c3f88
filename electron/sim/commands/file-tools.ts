import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { BIN } from '../../core/system/binaries.js';
import { STAT_FORMAT } from '../../core/system/privileged-read.js';
import { checkUserAccess, type Access } from '../sim-permissions.js';
import type { SimTree } from '../sim-tree.js';
import type { SimCommand, SimContext, SimOutput } from './sim-command.js';

/**
 * The coreutils/findutils the privileged read path runs (system/privileged-read.ts), in exactly the forms it
 * uses, with the real tools' output and messages (LC_ALL=C). file-tools.test.ts runs the real tools on the same
 * tree and compares. Without sudo they see the tree as dom0's user does (sim-permissions.ts). Messages start
 * with the program's path, as GNU tools print argv[0] and we (and sudo) run them by absolute path.
 */

const strerror: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
};
const failure = (line: string): SimOutput => ({ exitCode: 1, stdout: '', stderr: `${line}\n` });
const unsupported = (prog: string, args: readonly string[]): SimOutput => ({
  exitCode: 1,
  stdout: '',
  stderr: `${prog}: the simulator supports only the privileged read path's form, not ${JSON.stringify(args)}\n`,
});
const why = (e: unknown): string => strerror[(e as NodeJS.ErrnoException).code ?? ''] ?? 'Input/output error';

/** The modelled check for a tool run without sudo, then the host call; errno errors come back as the tool's message. */
async function attempt<T>(ctx: SimContext, p: string, access: Access, body: () => Promise<T>): Promise<T> {
  if (!ctx.asRoot) await checkUserAccess(ctx.tree, p, access);
  return body();
}

const TYPE_LETTER = (st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string =>
  st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'p';

/** `stat --format=%f %s %u %g -- PATH` (no dereference, like stat without -L). */
export const stat: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    if (args.length !== 3 || args[0] !== `--format=${STAT_FORMAT}` || args[1] !== '--')
      return unsupported('stat', args);
    const p = args[2]!;
    try {
      const info = await attempt(ctx, p, 'lookup', () => fs.lstat(ctx.tree.hostPath(p)));
      const owner = await ctx.tree.stat(p);
      return {
        exitCode: 0,
        stdout: `${info.mode.toString(16)} ${info.size} ${owner!.uid} ${owner!.gid}\n`,
        stderr: '',
      };
    } catch (e) {
      return failure(`${BIN.stat}: cannot statx '${p}': ${why(e)}`);
    }
  },
};

/** `find -H DIR -maxdepth 1 -printf %y%P\0`: DIR itself first, then its entries in directory order. */
export const find: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    if (
      args.length !== 6 ||
      args[0] !== '-H' ||
      args[2] !== '-maxdepth' ||
      args[3] !== '1' ||
      args[4] !== '-printf' ||
      args[5] !== '%y%P\\0'
    )
      return unsupported('find', args);
    const p = args[1]!;
    try {
      const dir = await attempt(ctx, p, 'lookup', () => ctx.tree.resolve(p));
      const st = await fs.lstat(ctx.tree.hostPath(dir));
      if (!st.isDirectory()) return { exitCode: 0, stdout: `${TYPE_LETTER(st)}\0`, stderr: '' };
      const names = await attempt(ctx, p, 'list', () => fs.readdir(ctx.tree.hostPath(dir)));
      const entries = await Promise.all(
        names.map(async (n) => `${TYPE_LETTER(await fs.lstat(ctx.tree.hostPath(`${dir}/${n}`)))}${n}\0`),
      );
      return { exitCode: 0, stdout: `d\0${entries.join('')}`, stderr: '' };
    } catch (e) {
      return failure(`${BIN.find}: '${p}': ${why(e)}`);
    }
  },
};

async function readResolved(tree: SimTree, p: string): Promise<Buffer> {
  const target = tree.hostPath(await tree.resolve(p));
  if ((await fs.stat(target)).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
  return fs.readFile(target);
}

/** `cat -- FILE`: the bytes, untouched. */
export const cat: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    if (args.length !== 2 || args[0] !== '--') return unsupported('cat', args);
    const p = args[1]!;
    try {
      const bytes = await attempt(ctx, p, 'read', () => readResolved(ctx.tree, p));
      return { exitCode: 0, stdout: bytes.toString('utf8'), stderr: '', bytes };
    } catch (e) {
      return failure(`${BIN.cat}: ${p}: ${why(e)}`);
    }
  },
};

/** `sha256sum -- FILE`: "HEX  FILE". */
export const sha256sum: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    if (args.length !== 2 || args[0] !== '--') return unsupported('sha256sum', args);
    const p = args[1]!;
    try {
      const bytes = await attempt(ctx, p, 'read', () => readResolved(ctx.tree, p));
      const escaped = /[\\\n]/.test(p);
      return {
        exitCode: 0,
        stdout: `${escaped ? '\\' : ''}${createHash('sha256').update(bytes).digest('hex')}  ${escaped ? p.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : p}\n`,
        stderr: '',
      };
    } catch (e) {
      return failure(`${BIN.sha256sum}: ${p}: ${why(e)}`);
    }
  },
};
