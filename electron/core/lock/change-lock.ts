import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { AppError } from '../errors.js';
import type { System } from '../system/system.js';

/** util-linux's flock(1): on Fedora 37/41 dom0 and Debian alike at this path (the CLI package requires it). */
export const FLOCK = '/usr/bin/flock';
/** flock's exit code when the lock is taken (`-E`): distinct from its own errors (1) and usage (64). */
const HELD_EXIT = 75;

/** A held change lock: released by `release()`, or by the kernel when the process dies (no stale locks). */
export interface ChangeLock {
  readonly path: string;
  release(): void;
}

/**
 * What the lock is taken on: the journal's directory on dom0 — root-owned, mode 0755, so the user's GUI can open
 * it read-only and a root CLI (`sudo qubes-stateless …`) opens the same inode; flock(2) needs no write access. In
 * a simulated dom0, its directory. Nothing is written: there is no lock file to go stale or to forge.
 */
function lockTarget(system: System): string {
  return system.changeLockDir;
}

/**
 * Take the one lock every change to dom0 holds — apply, rollback and recover, from the app or the CLI — or
 * fail at once with `busy`. Node has no flock(2): the directory is opened here and `flock -n 3` locks that same
 * open file description through the inherited fd 3, then exits; the lock stays with our fd until we close it or
 * die. (Two opens of one path are two descriptions, so this process's second attempt is refused as well.)
 */
export async function acquireChangeLock(system: System): Promise<ChangeLock> {
  const target = lockTarget(system);
  // First use on a fresh dom0: the journal's directory does not exist yet (the apply would create it anyway).
  if (system.kind === 'real' && !(await system.stat(target))) await system.makeDir(target, 0o755);
  let fd: number;
  try {
    fd = openSync(target, 'r');
  } catch (e) {
    throw new AppError(
      'file-unreadable',
      'internal',
      `cannot open ${target} to lock it: ${(e as Error).message}`,
      { path: target, reason: (e as Error).message },
    );
  }
  const result = await runFlock(fd);
  if (result.exitCode === 0) {
    let held = true;
    return {
      path: target,
      release: () => {
        if (held) closeSync(fd);
        held = false;
      },
    };
  }
  closeSync(fd);
  if (result.exitCode === HELD_EXIT) {
    throw new AppError(
      'busy',
      'user',
      `another qubes-stateless change (apply, rollback or recover, from the app or the CLI) is running on ${system.description}; nothing was changed`,
      { lock: target },
    );
  }
  if (result.spawnError)
    throw new AppError('command-missing', 'internal', `${FLOCK} could not be started: ${result.spawnError}`, {
      command: FLOCK,
    });
  throw new AppError(
    'command-failed',
    'internal',
    `${FLOCK} → exit ${result.exitCode ?? 'none'}: ${result.stderr.trim()}`,
    { command: `${FLOCK} 3`, exitCode: result.exitCode ?? -1, stderr: result.stderr.trim() },
  );
}

/**
 * `flock --nonblock 3` with our fd as its fd 3. node:child_process rather than execa, which cannot pass a
 * descriptor beyond stdin/stdout/stderr; still an absolute binary and an argv array, never a shell.
 */
function runFlock(fd: number): Promise<{ exitCode: number | null; stderr: string; spawnError?: string }> {
  return new Promise((resolve) => {
    const child = spawn(FLOCK, ['--nonblock', '--conflict-exit-code', String(HELD_EXIT), '3'], {
      stdio: ['ignore', 'ignore', 'pipe', fd],
      shell: false,
      timeout: 10_000,
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ exitCode: null, stderr, spawnError: e.message }));
    child.on('close', (code) => resolve({ exitCode: code, stderr }));
  });
}

/** Run `fn` holding the change lock; released however `fn` ends. */
export async function withChangeLock<T>(system: System, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireChangeLock(system);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
