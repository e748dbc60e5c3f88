import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleChild } from './bundle-child.js';

/**
 * Running code as an unprivileged user with a real sudo, from a test that runs as root (CI). The accounts come
 * from scripts/setup-test-user.sh; `.ci/run` sets QS_REQUIRE_UNPRIVILEGED_TESTS=1 so that CI fails instead of
 * skipping when they are missing.
 */
export const TEST_USER = 'qs-test';
export const NO_SUDO_USER = 'qs-nosudo';
const RUNUSER = '/usr/sbin/runuser';
export const SUDO = '/usr/bin/sudo';

const userExists = (u: string): boolean => {
  try {
    execFileSync('/usr/bin/id', ['-u', u], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why these tests cannot run here, or null. */
export function unprivilegedUnavailable(): string | null {
  if (process.getuid?.() !== 0)
    return 'the test must run as root to build a root-owned tree and drop to the test user';
  for (const bin of [RUNUSER, SUDO]) if (!existsSync(bin)) return `${bin} is not installed`;
  for (const u of [TEST_USER, NO_SUDO_USER])
    if (!userExists(u)) return `user ${u} is missing: run scripts/setup-test-user.sh as root`;
  try {
    execFileSync(RUNUSER, ['-u', TEST_USER, '--', process.execPath, '--version'], { stdio: 'ignore' });
  } catch {
    return `${TEST_USER} cannot run ${process.execPath} (install Node.js where every user can run it, e.g. /usr/bin/node)`;
  }
  return null;
}

/** Skip with a printed reason where setup is impossible; fail where it is required (CI). */
export function unprivilegedSkipReason(): string | null {
  const reason = unprivilegedUnavailable();
  if (reason && process.env.QS_REQUIRE_UNPRIVILEGED_TESTS === '1')
    throw new Error(`the unprivileged-user tests are required here but cannot run: ${reason}`);
  if (reason) console.warn(`skipping the unprivileged-user tests: ${reason}`);
  return reason;
}

/** Bundle a TS entry into one world-readable .mjs (the test user cannot read the checkout's node_modules necessarily). */
export async function bundleForOthers(
  entry: string,
): Promise<{ file: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qs-child-'));
  await chmod(dir, 0o755);
  const file = path.join(dir, 'child.mjs');
  await bundleChild(entry, file);
  await chmod(file, 0o644);
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs `node FILE ARGS…` as USER with a minimal environment, no shell. */
export async function runAs(user: string, file: string, args: readonly string[]): Promise<string> {
  const env = ['PATH=/usr/bin:/bin', 'HOME=/nonexistent', 'LC_ALL=C'];
  const { stdout } = await promisify(execFile)(
    RUNUSER,
    ['-u', user, '--', '/usr/bin/env', '-i', ...env, process.execPath, file, ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** A sudo in DIR that notes each call's arguments, then runs the real one: shows which operations needed root. */
export async function loggingSudo(
  dir: string,
): Promise<{ path: string; reset: () => Promise<void>; calls: () => Promise<string[]> }> {
  const log = path.join(dir, 'sudo.log');
  const file = path.join(dir, 'sudo');
  await writeFile(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec ${SUDO} "$@"\n`);
  await chmod(file, 0o755);
  const reset = async () => {
    await writeFile(log, '');
    await chmod(log, 0o666);
  };
  await reset();
  return { path: file, reset, calls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
}
