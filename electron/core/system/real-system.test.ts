import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.js';
import { tempDir } from '../../testing/temp-sim.js';
import { RealSystem } from './real-system.js';

/** Stand-ins for sudo: one that runs the command (as root in CI), one that refuses like `sudo -n` does. */
async function fakeSudo(kind: 'allow' | 'refuse'): Promise<string> {
  const p = path.join(await tempDir('qs-sudo-'), 'sudo');
  const body =
    kind === 'allow'
      ? '#!/bin/sh\n[ "$1" = -n ] && shift\n[ "$1" = -- ] && shift\nexec "$@"\n'
      : '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n';
  await writeFile(p, body);
  await chmod(p, 0o755);
  return p;
}

describe('RealSystem commands', () => {
  it('runs argv without a shell and checks exit codes', async () => {
    const sys = new RealSystem();
    expect((await sys.run({ bin: '/bin/echo', args: ['$HOME', ';', 'ls'] })).stdout).toBe('$HOME ; ls\n');
    await expect(sys.run({ bin: '/bin/false', args: [] })).rejects.toBeInstanceOf(CommandError);
    expect((await sys.run({ bin: '/bin/false', args: [], expectExit: [1] })).exitCode).toBe(1);
  });

  it('reports a missing program as command-missing', async () => {
    await expect(new RealSystem().run({ bin: '/usr/bin/no-such-program', args: [] })).rejects.toMatchObject({
      code: 'command-missing',
    });
  });

  it('streams output lines as they come', async () => {
    const lines: string[] = [];
    await new RealSystem().run({
      bin: '/bin/sh',
      args: ['-c', 'echo one; echo two >&2; printf three'],
      onLine: (l, s) => lines.push(`${s}:${l}`),
    });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('turns a refusing sudo into sudo-refused, and privileged writes then change nothing', async () => {
    const sys = new RealSystem({ sudoPath: await fakeSudo('refuse') });
    await expect(sys.run({ bin: '/bin/true', args: [], privileged: true })).rejects.toMatchObject({
      code: 'sudo-refused',
    });
    const dir = await tempDir();
    const f = path.join(dir, 'x.conf');
    await writeFile(f, 'old\n');
    await expect(sys.writeFileAtomic(f, 'new\n')).rejects.toMatchObject({ code: 'sudo-refused' });
    expect(await readFile(f, 'utf8')).toBe('old\n');
  });

  it('writes atomically through install/sync/mv, keeping the existing mode', async () => {
    const sys = new RealSystem({ sudoPath: await fakeSudo('allow') });
    const dir = await tempDir();
    const f = path.join(dir, 'grub');
    await writeFile(f, 'old\n');
    await chmod(f, 0o640);
    await sys.writeFileAtomic(f, 'new\n');
    expect(await readFile(f, 'utf8')).toBe('new\n');
    expect((await stat(f)).mode & 0o777).toBe(0o640);
    await sys.writeFileAtomic(path.join(dir, 'fresh'), Buffer.from([0, 1, 2]), { mode: 0o600 });
    expect((await stat(path.join(dir, 'fresh'))).mode & 0o777).toBe(0o600);
    await sys.removeFile(path.join(dir, 'fresh'));
    expect(await sys.stat(path.join(dir, 'fresh'))).toBeNull();
  });

  it('names missing files', async () => {
    await expect(new RealSystem().readFile('/nonexistent/qubes-release')).rejects.toMatchObject({
      code: 'file-missing',
      params: { path: '/nonexistent/qubes-release' },
    });
  });
});

describe('RealSystem privileged copies', () => {
  it('copies atomically keeping mode, and leaves no temporary file when the copy fails', async () => {
    const sys = new RealSystem({ sudoPath: await fakeSudo('allow') });
    const dir = await tempDir();
    await writeFile(path.join(dir, 'image'), Buffer.from([1, 2, 3]));
    await chmod(path.join(dir, 'image'), 0o600);
    await sys.copyFile(path.join(dir, 'image'), path.join(dir, 'backup'));
    expect((await stat(path.join(dir, 'backup'))).mode & 0o777).toBe(0o600);
    expect(await sys.sha256(path.join(dir, 'backup'))).toBe(await sys.sha256(path.join(dir, 'image')));
    await expect(sys.copyFile(path.join(dir, 'missing'), path.join(dir, 'other'))).rejects.toMatchObject({
      code: 'command-failed',
    });
    expect((await readdir(dir)).sort()).toEqual(['backup', 'image']);
  });
});
