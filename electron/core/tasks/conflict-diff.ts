import type { Conflict, ConflictView } from '../../../shared/plan.js';
import { CONFLICT_DIFF_MAX_BYTES } from '../../../shared/plan.js';
import { unifiedDiff } from '../config/unified-diff.js';
import type { JournalStore } from '../journal/journal-store.js';
import type { ApplyTransaction } from '../journal/transaction.js';
import type { System } from '../system/system.js';
import { recordOf } from './steps.js';

type Side = { readonly text: string } | { readonly omitted: 'binary' | 'too-large'; readonly bytes: number };

function asText(buf: Buffer): Side {
  if (buf.length > CONFLICT_DIFF_MAX_BYTES) return { omitted: 'too-large', bytes: buf.length };
  // A NUL byte is how diff(1) and git tell binary files too.
  if (buf.includes(0)) return { omitted: 'binary', bytes: buf.length };
  return { text: buf.toString('utf8') };
}

/** The file as it is now; a file removed since reads as empty (the diff then shows every line removed). */
async function now(sys: System, path: string): Promise<Side> {
  const st = await sys.stat(path);
  if (!st) return { text: '' };
  if (st.size > CONFLICT_DIFF_MAX_BYTES) return { omitted: 'too-large', bytes: st.size };
  return asText(await sys.readFile(path));
}

/** The file as the install left it (our write), or its pre-install backup for a generated output. */
async function reference(
  journal: JournalStore,
  tx: ApplyTransaction,
  conflict: Conflict,
): Promise<{ against: 'installed' | 'before'; side: Side } | null> {
  const m = /^step-(\d+)(?::.*)?$/.exec(conflict.id);
  const step = m ? tx.steps[Number(m[1])] : undefined;
  if (!step) return null;
  const r = recordOf(tx, step);
  if (r.kind === 'write') return { against: 'installed', side: asText(Buffer.from(r.op.content)) };
  if (r.kind !== 'generate' || !r.before) return null;
  const before = r.before.files.find((f) => f.path === conflict.subject);
  if (!before) return null;
  if (before.sha256 === null) return { against: 'before', side: { text: '' } };
  const text = await journal.readBackupBytes(before.sha256);
  return text ? { against: 'before', side: asText(text) } : null;
}

async function viewOf(
  sys: System,
  journal: JournalStore,
  tx: ApplyTransaction,
  c: Conflict,
): Promise<ConflictView> {
  const ref = await reference(journal, tx, c);
  if (!ref) return { kind: 'omitted', reason: 'unavailable', bytes: 0 };
  const current = await now(sys, c.subject);
  for (const side of [ref.side, current])
    if ('omitted' in side) return { kind: 'omitted', reason: side.omitted, bytes: side.bytes };
  const [from, to] = [ref.side, current] as { text: string }[];
  return { kind: 'diff', against: ref.against, diff: unifiedDiff(c.subject, from!.text, to!.text) };
}

/** Each changed file's conflict with its diff (rollback preview only: rollback itself needs just the hashes). */
export async function withConflictDiffs(
  sys: System,
  journal: JournalStore,
  tx: ApplyTransaction,
  conflicts: readonly Conflict[],
): Promise<Conflict[]> {
  const out: Conflict[] = [];
  for (const c of conflicts) {
    if (c.kind !== 'file-changed') {
      out.push(c);
      continue;
    }
    // One file that cannot be read for its diff (now a directory, a backup refused) costs only its own diff,
    // never the preview: the rollback and its choices stay available.
    const view = await viewOf(sys, journal, tx, c).catch((): ConflictView => ({
      kind: 'omitted',
      reason: 'unavailable',
      bytes: 0,
    }));
    out.push({ ...c, view });
  }
  return out;
}
