import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { JOURNAL_DIR } from '../core/journal/journal-store.js';
import type { SimSystem } from '../sim/sim-system.js';

/**
 * A digest of a simulated dom0: every file's path, type, mode and bytes (symlinks by target) plus the
 * qubesd/Xen state — everything but the app's own journal. Equal digests mean byte-identical machines.
 */
export async function simDigest(sim: SimSystem, opts: { includeJournal?: boolean } = {}): Promise<string> {
  const h = createHash('sha256');
  const walk = async (dir: string, rel: string) => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (!opts.includeJournal && (r === JOURNAL_DIR || r.startsWith(`${JOURNAL_DIR}/`))) continue;
      const full = path.join(dir, e.name);
      const st = await fs.lstat(full);
      h.update(`${r}\0${st.mode.toString(8)}\0`);
      if (e.isDirectory()) await walk(full, r);
      else if (e.isSymbolicLink()) h.update(`-> ${await fs.readlink(full)}\0`);
      else h.update(await fs.readFile(full));
    }
  };
  await walk(sim.tree.root, '');
  const state = sim.snapshotState();
  h.update(JSON.stringify({ ...state, failures: [] }));
  return h.digest('hex');
}

/** Which files differ between two moments, for readable failures. */
export async function simFiles(sim: SimSystem): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      const r = `${rel}/${e.name}`;
      if (r === JOURNAL_DIR || r.startsWith(`${JOURNAL_DIR}/`)) continue;
      if (e.isDirectory()) await walk(full, r);
      else
        out.set(
          r,
          e.isSymbolicLink()
            ? `-> ${await fs.readlink(full)}`
            : createHash('sha256')
                .update(await fs.readFile(full))
                .digest('hex'),
        );
    }
  };
  await walk(sim.tree.root, '');
  return out;
}
