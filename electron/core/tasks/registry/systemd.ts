import { BIN } from '../../system/binaries.js';
import { commandOp } from '../operations.js';

const daemonReload = { bin: BIN.systemctl, args: ['daemon-reload'], privileged: true } as const;

/**
 * systemd reads unit files and fstab (through its generators) again; the same reload undoes it once at the end
 * of a rollback, after every file it reads is back.
 */
export const daemonReloadOp = () =>
  commandOp(daemonReload, { labelKey: 'ops.daemonReload', undo: daemonReload, undoPhase: 'final' });
