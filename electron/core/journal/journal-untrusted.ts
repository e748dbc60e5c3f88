import { AppError } from '../errors.js';

/**
 * A journal the engine cannot prove is its own: refused before anything is changed. Never a drift conflict —
 * the user is not asked whether to "restore" what a tampered journal says.
 */
export function untrustedJournal(journal: string, entry: string, reason: string): AppError {
  return new AppError(
    'journal-untrusted',
    'precondition',
    `the journal ${journal} is not trusted (${entry}: ${reason}); nothing was changed. Inspect it, move it aside, and check who else can write to this machine`,
    { journal, entry, reason },
  );
}
