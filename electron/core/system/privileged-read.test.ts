import { describe, expect, it } from 'vitest';
import { BIN } from './binaries.js';
import {
  parseListing,
  parseSha256sum,
  parseStatLine,
  ReadPath,
  type DirectFiles,
} from './privileged-read.js';
import type { Command } from './system.js';

const failing = (code: string): DirectFiles => {
  const fail = () => Promise.reject(Object.assign(new Error(code), { code }));
  return { lstat: fail, readdir: fail, readFile: fail, sha256: fail };
};

/** Records what would have gone through sudo and answers like the tools do. */
function recorder(answer: { exitCode: number; stdout: string; stderr?: string }) {
  const calls: Command[] = [];
  const exec = (cmd: Command) => {
    calls.push(cmd);
    return Promise.resolve({
      result: { exitCode: answer.exitCode, stdout: answer.stdout, stderr: answer.stderr ?? '' },
      bytes: Buffer.from(answer.stdout),
    });
  };
  return { calls, exec };
}

describe('the privileged read path', () => {
  it.each(['EACCES', 'EPERM'])('retries through sudo -n on %s, with a fixed argv', async (code) => {
    const { calls, exec } = recorder({ exitCode: 0, stdout: '81a4 12 0 0\n' });
    expect(await new ReadPath(failing(code), exec).stat('/boot/grub2/grub.cfg')).toEqual({
      kind: 'file',
      size: 12,
      mode: 0o644,
      uid: 0,
      gid: 0,
    });
    expect(calls).toEqual([
      {
        bin: BIN.stat,
        args: ['--format=%f %s %u %g', '--', '/boot/grub2/grub.cfg'],
        privileged: true,
        expectExit: [0, 1],
      },
    ]);
  });

  it('does not elevate for any other failure', async () => {
    const { calls, exec } = recorder({ exitCode: 0, stdout: '' });
    const reads = new ReadPath(failing('EIO'), exec);
    await expect(reads.stat('/etc/fstab')).rejects.toMatchObject({
      code: 'file-unreadable',
      params: { reason: 'EIO' },
    });
    await expect(reads.readFile('/etc/fstab')).rejects.toMatchObject({ code: 'file-unreadable' });
    expect(await new ReadPath(failing('ENOENT'), exec).stat('/etc/none')).toBeNull();
    expect(await new ReadPath(failing('ENOENT'), exec).sha256('/etc/none')).toBeNull();
    await expect(new ReadPath(failing('ENOENT'), exec).listDir('/etc/none')).rejects.toMatchObject({
      code: 'file-missing',
    });
    expect(calls).toEqual([]);
  });

  it("turns the tools' messages into the same errors as a direct read", async () => {
    const missing = recorder({
      exitCode: 1,
      stdout: '',
      stderr: "/usr/bin/stat: cannot statx '/boot/grub2/x': No such file or directory\n",
    });
    expect(await new ReadPath(failing('EACCES'), missing.exec).stat('/boot/grub2/x')).toBeNull();
    const notDir = recorder({
      exitCode: 1,
      stdout: '',
      stderr: '/usr/bin/cat: /boot/grub2/x/y: Not a directory\n',
    });
    await expect(
      new ReadPath(failing('EACCES'), notDir.exec).readFile('/boot/grub2/x/y'),
    ).rejects.toMatchObject({ code: 'file-unreadable', params: { reason: 'ENOTDIR' } });
    await expect(
      new ReadPath(failing('EACCES'), missing.exec).readFile('relative/path'),
    ).rejects.toMatchObject({ code: 'internal' });
  });

  it('parses exactly the formats it asked for and rejects anything else', () => {
    expect(parseStatLine('41c0 4096 0 0\n', '/boot/grub2')).toEqual({
      kind: 'dir',
      size: 4096,
      mode: 0o700,
      uid: 0,
      gid: 0,
    });
    expect(parseStatLine('a1ff 22 0 0\n', '/etc/grub2.cfg')).toMatchObject({ kind: 'symlink', mode: 0o777 });
    expect(() => parseStatLine('41c0 4096 0\n', '/boot/grub2')).toThrow(/stat of \/boot\/grub2/);
    expect(parseListing('d\0f00_header\0fodd\nname\0ddir\0', '/etc/grub.d')).toEqual([
      '00_header',
      'odd\nname',
      'dir',
    ]);
    expect(parseListing('d\0', '/empty')).toEqual([]);
    expect(() => parseListing('d\0f00_head', '/etc/grub.d')).toThrow(/truncated/);
    expect(() => parseListing('f\0', '/etc/fstab')).toThrow(
      expect.objectContaining({ params: expect.objectContaining({ reason: 'ENOTDIR' }) }),
    );
    expect(parseSha256sum(`\\${'a'.repeat(64)}  /etc/back\\\\slash\n`, '/etc/back\\slash')).toBe(
      'a'.repeat(64),
    );
    expect(() => parseSha256sum('sha256sum: x: Is a directory\n', 'x')).toThrow(/sha256sum of x/);
  });
});
