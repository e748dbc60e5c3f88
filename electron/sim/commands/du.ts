import { promises as fs } from 'node:fs';
import path from 'node:path';
import { usedBytes } from './findmnt.js';
import type { SimCommand, SimContext } from './sim-command.js';
import { fail, ok } from './sim-command.js';

/**
 * `du --one-file-system --max-depth=1 (--block-size=1 | --inodes) -- /`, the two forms the RAM probe uses.
 * The simulated tree holds only small stand-ins, so most of the root's used bytes (the mount's baseUsedBytes
 * in state.json) are spread over top-level directories with the shares a Fedora dom0 root shows in
 * `du -x -d1 /` (illustrative figures: /usr holds the bulk, /var the rpm database, logs and caches);
 * the tree's real files are added where they are. The lines add up exactly to what findmnt reports as used.
 */
const SHARES: Readonly<Record<string, number>> = {
  usr: 0.8,
  var: 0.12,
  home: 0.05,
  opt: 0.015,
  etc: 0.006,
  root: 0.004,
};
/** What `du -x` shows for other filesystems mounted on the root's directories. */
const PSEUDO = new Set(['proc', 'sys', 'dev', 'run', 'tmp']);
/** Inodes per MiB of the untracked bytes (a Fedora dom0 root: ~300k inodes for ~7 GiB). */
const INODES_PER_MIB = 40;
/** The inodes of the root's untracked bytes (du --inodes reports them; the boot kit's statfs counts them). */
export const baseInodes = (baseUsedBytes: number): number =>
  Math.round((baseUsedBytes / (1024 * 1024)) * INODES_PER_MIB);

async function countEntries(dir: string): Promise<number> {
  let n = 0;
  for (const ent of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    n++;
    if (ent.isDirectory()) n += await countEntries(path.join(dir, ent.name));
  }
  return n;
}

async function lines(ctx: SimContext, inodes: boolean): Promise<string> {
  const root = ctx.state.mounts.find((m) => m.target === '/');
  if (!root) return '';
  const mountNames = new Set(
    ctx.state.mounts.filter((m) => m.target !== '/').map((m) => m.target.split('/')[1]),
  );
  const treeNames = (await ctx.tree.list('/').catch(() => [] as string[])).filter((n) => !mountNames.has(n));
  const names = [...new Set([...treeNames, ...Object.keys(SHARES)])].sort();
  const base = inodes ? baseInodes(root.baseUsedBytes) : root.baseUsedBytes;
  const total = inodes
    ? base +
      1 +
      (
        await Promise.all(
          treeNames
            .filter((n) => !PSEUDO.has(n))
            .map((n) => countEntries(ctx.tree.hostPath(`/${n}`)).then((c) => c + 1)),
        )
      ).reduce((a, b) => a + b, 0)
    : await usedBytes(ctx.state, ctx.tree, '/');
  const per = new Map<string, number>();
  for (const n of names) {
    let v = Math.floor((SHARES[n] ?? 0) * base);
    if (!PSEUDO.has(n) && treeNames.includes(n)) {
      const st = await ctx.tree.stat(`/${n}`);
      if (st?.kind === 'dir')
        v += inodes
          ? (await countEntries(ctx.tree.hostPath(`/${n}`))) + 1
          : await ctx.tree.bytesBelow(`/${n}`);
    }
    per.set(n, v);
  }
  // What is left (rounding, the root directory itself) is in /usr, so the lines add up to the total.
  const listed = [...per.values()].reduce((a, b) => a + b, 0);
  per.set('usr', (per.get('usr') ?? 0) + Math.max(0, total - listed));
  return [...per].map(([n, v]) => `${v}\t/${n}\n`).join('') + `${total}\t/\n`;
}

export const du: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    const form = args.join(' ');
    if (form === '--one-file-system --max-depth=1 --block-size=1 -- /') return ok(await lines(ctx, false));
    if (form === '--one-file-system --max-depth=1 --inodes -- /') return ok(await lines(ctx, true));
    return fail('du', `unsupported in the simulator: du ${form}`, 1);
  },
};
