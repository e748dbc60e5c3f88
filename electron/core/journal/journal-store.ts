import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { System } from '../system/system.js';
import { requireTrustedLocation } from './journal-location.js';
import { requireTrustedRollback } from './journal-trust.js';
import type { ApplyTransaction, Transaction } from './transaction.js';
import { TransactionSchema } from './transaction.js';

/** Root-owned home of the journal on dom0 (the same path inside a simulated dom0's tree). */
export const JOURNAL_DIR = '/var/lib/qubes-stateless';
export const TX_DIR = `${JOURNAL_DIR}/transactions`;
export const BACKUP_DIR = `${JOURNAL_DIR}/backups`;

/** Called at every point where the process could die; the fault-injection tests kill it there. */
export type Boundary = (label: string) => void;

/**
 * Transactions as JSON files written atomically (temp file, fsync, rename) through the System, and a
 * content-addressed backup store: a backup is named by its SHA-256, so writing it twice is harmless.
 */
export class JournalStore {
  constructor(
    private readonly sys: System,
    private readonly boundary: Boundary = () => undefined,
  ) {}

  static newId(now = new Date()): string {
    return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  }

  /** Every transaction, oldest first; refused (journal-untrusted) when any of it is not root's alone. */
  async list(): Promise<Transaction[]> {
    if (!(await this.sys.stat(JOURNAL_DIR))) return [];
    await requireTrustedLocation(this.sys, JOURNAL_DIR, JOURNAL_DIR, 'dir');
    if (!(await this.sys.stat(TX_DIR))) return [];
    await requireTrustedLocation(this.sys, TX_DIR, TX_DIR, 'dir');
    if (await this.sys.stat(BACKUP_DIR))
      await requireTrustedLocation(this.sys, BACKUP_DIR, BACKUP_DIR, 'dir');
    const names = (await this.sys.listDir(TX_DIR)).filter((n) => n.endsWith('.json')).sort();
    const out: Transaction[] = [];
    for (const name of names) {
      const file = `${TX_DIR}/${name}`;
      await requireTrustedLocation(this.sys, file, file, 'file');
      let parsed: unknown;
      try {
        parsed = JSON.parse(await this.sys.readText(file));
      } catch (e) {
        throw corrupt(file, (e as Error).message);
      }
      const tx = TransactionSchema.safeParse(parsed);
      if (!tx.success)
        throw corrupt(file, `${tx.error.issues[0]?.path.join('.')}: ${tx.error.issues[0]?.message}`);
      if (`${tx.data.id}.json` !== name) throw corrupt(file, 'file name and transaction id differ');
      out.push(tx.data);
    }
    return out;
  }

  async save(tx: Transaction): Promise<void> {
    this.boundary(`journal:before-save:${tx.kind}`);
    if (!(await this.sys.stat(TX_DIR))) await this.sys.makeDir(TX_DIR, 0o755);
    await this.sys.writeFileAtomic(`${TX_DIR}/${tx.id}.json`, `${JSON.stringify(tx, null, 1)}\n`, {
      mode: 0o644,
      uid: 0,
      gid: 0,
    });
    this.boundary(`journal:after-save:${tx.kind}`);
  }

  /** Keep a copy of `path` (which must exist) under its hash; returns the hash. */
  async backup(path: string): Promise<string> {
    const sha = await this.sys.sha256(path);
    if (sha === null) throw new AppError('internal', 'internal', `cannot back up missing ${path}`);
    if (!(await this.sys.stat(`${BACKUP_DIR}/${sha}`))) {
      if (!(await this.sys.stat(BACKUP_DIR))) await this.sys.makeDir(BACKUP_DIR, 0o700);
      await this.sys.copyFile(path, `${BACKUP_DIR}/${sha}`);
      if ((await this.sys.sha256(`${BACKUP_DIR}/${sha}`)) !== sha)
        throw new AppError('internal', 'internal', `backup of ${path} does not read back`);
    }
    return sha;
  }

  async hasBackup(sha: string): Promise<boolean> {
    return (await this.sys.sha256(`${BACKUP_DIR}/${sha}`)) === sha;
  }

  /** A backup is put back as root: it must be root's alone, like the journal that names it. */
  private async requireTrustedBackup(sha: string): Promise<void> {
    await requireTrustedLocation(this.sys, BACKUP_DIR, `${BACKUP_DIR}/${sha}`, 'file');
  }

  /** Put a backed-up file back, byte for byte, with the mode and owner it had. */
  async restore(sha: string, path: string): Promise<void> {
    if (!(await this.hasBackup(sha)))
      throw new AppError(
        'journal-corrupt',
        'internal',
        `the backup of ${path} (${sha}) is missing or damaged`,
        { path, detail: `backup ${sha} missing` },
      );
    await this.requireTrustedBackup(sha);
    await this.sys.copyFile(`${BACKUP_DIR}/${sha}`, path);
  }

  /** A backup's bytes (checked like restore's), or null when there is none. */
  async readBackupBytes(sha: string): Promise<Buffer | null> {
    if (!(await this.hasBackup(sha))) return null;
    await this.requireTrustedBackup(sha);
    return this.sys.readFile(`${BACKUP_DIR}/${sha}`);
  }

  async readBackup(sha: string): Promise<string | null> {
    if (!(await this.hasBackup(sha))) return null;
    await this.requireTrustedBackup(sha);
    return this.sys.readText(`${BACKUP_DIR}/${sha}`);
  }

  async dropBackups(keep: ReadonlySet<string>): Promise<void> {
    if (!(await this.sys.stat(BACKUP_DIR))) return;
    for (const name of await this.sys.listDir(BACKUP_DIR))
      if (!keep.has(name)) await this.sys.removeFile(`${BACKUP_DIR}/${name}`);
  }
}

function corrupt(file: string, detail: string): AppError {
  return new AppError(
    'journal-corrupt',
    'internal',
    `the journal file ${file} is damaged (${detail}); nothing was changed. Inspect or move it aside before retrying`,
    { path: file, detail },
  );
}

/** The transaction currently in force: applied and not rolled back, latest first. */
export function installedTransactions(txs: readonly Transaction[]): ApplyTransaction[] {
  return txs.filter((t): t is ApplyTransaction => t.kind === 'apply' && t.status === 'applied').reverse();
}

export function unfinishedTransaction(txs: readonly Transaction[]): Transaction | undefined {
  // An apply whose automatic undo stopped is unfinished beside that undo: the undo is what must be finished
  // (resuming the apply it was taking back would be wrong) when the journal holds it whole, as a rollback of
  // that apply's journaled steps. An undo whose own journal write ran out of space is not such a record: the
  // apply is what is unfinished then, and rolling it back starts a whole undo afresh.
  const unfinished = txs.filter((t) => t.status === 'in-progress');
  const wholeUndo = unfinished.find((r) => {
    if (r.kind !== 'rollback') return false;
    const target = txs.find((t): t is ApplyTransaction => t.kind === 'apply' && t.id === r.target);
    if (!target) return false;
    try {
      requireTrustedRollback(r, target);
      return true;
    } catch {
      return false;
    }
  });
  return wholeUndo ?? unfinished[0];
}
