import { commandOp } from '../operations.js';
import { DAEMON_RELOAD } from '../planned-commands.js';

/**
 * systemd reads unit files and fstab (through its generators) again; the same reload undoes it once at the end
 * of a rollback, after every file it reads is back.
 */
export const daemonReloadOp = () =>
  commandOp(DAEMON_RELOAD, { labelKey: 'ops.daemonReload', undo: DAEMON_RELOAD, undoPhase: 'final' });
