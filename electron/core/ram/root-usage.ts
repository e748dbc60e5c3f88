import type { FilesystemFact } from '../../../shared/facts.js';
import type { RootUsage } from '../../../shared/ram/ram-estimate.js';
import { CommandError } from '../errors.js';
import { parseError } from '../probes/parse-error.js';
import { BIN } from '../system/binaries.js';
import type { SystemReader } from '../system/system.js';

const MiB = 1024 * 1024;

/**
 * `du` over the root filesystem only, one level deep. Privileged: /root, /var/lib/qubes, /var/log/… are not
 * readable by the dom0 user, and du skips (and counts nothing for) what it cannot read.
 * --one-file-system keeps /boot, /proc, /run … out; exit status 1 means some entries could not be read
 * (files vanishing while it runs), which still gives usable totals.
 */
export const duBytesArgs = ['--one-file-system', '--max-depth=1', '--block-size=1', '--', '/'];
export const duInodesArgs = ['--one-file-system', '--max-depth=1', '--inodes', '--', '/'];

/** du's output: "NUMBER<TAB>PATH" per line, the argument itself (the total) last. */
export function parseDu(text: string, what = 'du'): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^(\d+)\t(.+)$/.exec(line);
    if (!m) throw parseError(what, `bad line "${line.slice(0, 80)}"`);
    out.set(m[2]!, Number(m[1]));
  }
  if (!out.has('/')) throw parseError(what, 'no total line for /');
  return out;
}

/** The root's used space and its top-level breakdown; falls back to findmnt's figure when du cannot run. */
export async function probeRootUsage(sys: SystemReader, rootFs: FilesystemFact): Promise<RootUsage> {
  let bytes: Map<string, number>;
  try {
    bytes = parseDu(
      (
        await sys.run({
          bin: BIN.du,
          args: duBytesArgs,
          privileged: true,
          expectExit: [0, 1],
          timeoutMs: 300_000,
        })
      ).stdout,
      'du',
    );
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    return { usedMiB: Math.ceil(rootFs.usedBytes / MiB), inodes: null, breakdown: [], source: 'findmnt' };
  }
  const inodes = await sys
    .run({ bin: BIN.du, args: duInodesArgs, privileged: true, expectExit: [0, 1], timeoutMs: 300_000 })
    .then((r) => parseDu(r.stdout, 'du --inodes'))
    .catch((e: unknown) => {
      if (e instanceof CommandError) return null;
      throw e;
    });
  const breakdown = [...bytes]
    .filter(([p]) => p !== '/')
    .map(([path, b]) => ({ path, usedMiB: Math.ceil(b / MiB), inodes: inodes?.get(path) ?? null }))
    .sort((a, b) => b.usedMiB - a.usedMiB || a.path.localeCompare(b.path));
  return {
    usedMiB: Math.ceil(bytes.get('/')! / MiB),
    inodes: inodes?.get('/') ?? null,
    breakdown,
    source: 'du',
  };
}
