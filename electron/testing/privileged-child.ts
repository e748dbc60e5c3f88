/**
 * A child for the permission tests (system/real-system.privileged.test.ts): run as an unprivileged user
 * (runuser), it performs RealSystem operations on a root-owned tree and prints, as JSON, each result or the
 * error's code and message, then the process's peak memory. Argument: {"sudoPath"?, "ops": [...]}.
 */
import { RealSystem } from '../core/system/real-system.js';

type Op =
  | { op: 'stat' | 'list' | 'read' | 'sha256' | 'remove' | 'removeDir'; path: string }
  | { op: 'write'; path: string; content: string; mode?: number }
  | { op: 'copy'; src: string; dest: string }
  | { op: 'mkdir'; path: string; mode: number };

const { sudoPath, ops } = JSON.parse(process.argv[2]!) as { sudoPath?: string; ops: Op[] };
const sys = new RealSystem(sudoPath ? { sudoPath } : {});

async function perform(o: Op): Promise<unknown> {
  switch (o.op) {
    case 'stat':
      return sys.stat(o.path);
    case 'list':
      return (await sys.listDir(o.path)).sort();
    case 'read':
      return (await sys.readFile(o.path)).toString('base64');
    case 'sha256':
      return sys.sha256(o.path);
    case 'write':
      return sys.writeFileAtomic(o.path, o.content, o.mode === undefined ? {} : { mode: o.mode });
    case 'copy':
      return sys.copyFile(o.src, o.dest);
    case 'mkdir':
      return sys.makeDir(o.path, o.mode);
    case 'remove':
      return sys.removeFile(o.path);
    case 'removeDir':
      return sys.removeDir(o.path);
  }
}

const results: unknown[] = [];
for (const o of ops) {
  try {
    results.push({ ok: true, value: (await perform(o)) ?? null });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    results.push({ ok: false, code: err.code ?? 'unknown', message: err.message ?? String(e) });
  }
}
process.stdout.write(
  JSON.stringify({ uid: process.getuid?.(), results, maxRssKiB: process.resourceUsage().maxRSS }),
);
