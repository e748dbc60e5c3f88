import { findmntArgs } from '../../core/probes/parse-findmnt.js';
import type { SimState } from '../sim-state.js';
import type { SimTree } from '../sim-tree.js';
import type { SimCommand } from './sim-command.js';
import { fail, ok } from './sim-command.js';

/** The mount holding a dom0 path: the longest matching mount target. */
export function mountFor(state: SimState, p: string) {
  return [...state.mounts]
    .filter((m) => p === m.target || p.startsWith(m.target === '/' ? '/' : `${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
}

/**
 * Used bytes of a simulated filesystem: what lies outside the tree plus the tree's own files below it. The
 * root's stand-in files are a rounding error next to its gigabytes, so it is not walked (that would cost a
 * full tree walk per write).
 */
export async function usedBytes(state: SimState, tree: SimTree, target: string): Promise<number> {
  const m = state.mounts.find((x) => x.target === target)!;
  if (target === '/' || m.fsType === 'tmpfs') return m.baseUsedBytes;
  return m.baseUsedBytes + (await tree.bytesBelow(target));
}

/** `findmnt --json --bytes --output … --target PATH`, the one form the probes use. */
export const findmnt: SimCommand = {
  requiresRoot: false,
  async run(ctx, args) {
    const target = args[args.length - 1] ?? '';
    const expected = findmntArgs(target);
    if (args.length !== expected.length || args.some((a, i) => a !== expected[i])) {
      return fail('findmnt', `unsupported in the simulator: findmnt ${args.join(' ')}`, 1);
    }
    const m = mountFor(ctx.state, target);
    if (!m) return { exitCode: 1, stdout: '', stderr: '' };
    const used = await usedBytes(ctx.state, ctx.tree, m.target);
    const fs = {
      target: m.target,
      source: m.source,
      fstype: m.fsType,
      options: m.options,
      size: m.sizeBytes,
      used,
      avail: Math.max(0, m.sizeBytes - used),
    };
    return ok(JSON.stringify({ filesystems: [fs] }, null, 3) + '\n');
  },
};
