import { createHash } from 'node:crypto';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleForOthers,
  loggingSudo,
  NO_SUDO_USER,
  runAs,
  TEST_USER,
  unprivilegedSkipReason,
} from '../../testing/unprivileged.js';

/**
 * The real System as dom0's user meets it: a root-owned tree with dom0's root-only directories (0700
 * /etc/grub.d, /boot/grub2, the ESP; 0600 grub.cfg and initramfs), read and written by an unprivileged user
 * through the real sudo. Expected values come from the tree as root sees it (node fs), never from RealSystem.
 */
const skip = unprivilegedSkipReason();
const BIG_MIB = 150;

interface ChildResult {
  uid: number;
  results: ({ ok: true; value: unknown } | { ok: false; code: string; message: string })[];
  maxRssKiB: number;
}

let root: string;
let child: { file: string; dispose: () => Promise<void> };
let sudo: Awaited<ReturnType<typeof loggingSudo>>;
let bigSha: string;
const r = (p: string) => path.join(root, p);

async function put(p: string, content: string, mode: number): Promise<void> {
  await writeFile(r(p), content);
  await chmod(r(p), mode);
}

/** 150 MiB of deterministic, non-repeating bytes; returns their SHA-256 computed while writing. */
async function writeBig(p: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(p, 'wx', 0o600);
  let block = createHash('sha256').update('initramfs').digest();
  for (let i = 0; i < BIG_MIB; i++) {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let off = 0; off < chunk.length; off += 32) {
      block.copy(chunk, off);
      if (off % 4096 === 0) block = createHash('sha256').update(block).digest();
    }
    h.update(chunk);
    await fh.write(chunk);
  }
  await fh.close();
  return h.digest('hex');
}

/** Every path's type, mode, owner and bytes, as root sees them. */
async function digestTree(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      const full = path.join(d, name);
      const st = await lstat(full);
      h.update(`${path.relative(root, full)}\0${st.mode}\0${st.uid}:${st.gid}\0`);
      if (st.isDirectory()) await walk(full);
      else if (st.isSymbolicLink()) h.update(await readlink(full));
      else h.update(await readFile(full));
    }
  };
  await walk(dir);
  return h.digest('hex');
}

async function runChild(user: string, ops: unknown[], sudoPath?: string): Promise<ChildResult> {
  return JSON.parse(
    await runAs(user, child.file, [JSON.stringify({ ...(sudoPath ? { sudoPath } : {}), ops })]),
  ) as ChildResult;
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

describe.skipIf(skip !== null)(
  'RealSystem as an unprivileged user with a real sudo, on root-only paths',
  () => {
    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'qs-rootonly-'));
      await chmod(root, 0o755);
      for (const [d, mode] of [
        ['etc', 0o755],
        ['etc/grub.d', 0o700],
        ['boot', 0o755],
        ['boot/grub2', 0o700],
        ['boot/efi', 0o700],
        ['boot/efi/EFI', 0o700],
        ['boot/efi/EFI/qubes', 0o700],
        ['backups', 0o700],
      ] as const) {
        await mkdir(r(d));
        await chmod(r(d), mode);
      }
      await put('etc/fstab', '/dev/mapper/qubes_dom0-root / ext4 defaults 1 1\n', 0o644);
      await put('etc/grub.d/00_header', '#! /usr/bin/sh\n# header\n', 0o755);
      await put('etc/grub.d/10_linux', '#! /usr/bin/sh\n# not executable in dom0\n', 0o644);
      await put('etc/grub.d/odd\nname', 'a name with a newline\n', 0o755);
      await put('etc/grub.d/keep-owner', 'group adm may read\n', 0o640);
      await chown(r('etc/grub.d/keep-owner'), 0, 4);
      await put('boot/grub2/grub.cfg', "menuentry 'Qubes, with Xen hypervisor' {\n}\n", 0o600);
      await put('boot/efi/EFI/qubes/grub.cfg', 'configfile $prefix/grub.cfg\n', 0o700);
      bigSha = await writeBig(r('boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img'));
      await symlink('../boot/grub2/grub.cfg', r('etc/grub2.cfg'));
      await symlink('boot/grub2', r('linkdir'));
      child = await bundleForOthers(path.join(import.meta.dirname, '../../testing/privileged-child.ts'));
      sudo = await loggingSudo(path.dirname(child.file));
    }, 120_000);
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
      await child?.dispose();
    });

    it('stats, lists, reads and hashes root-only paths through sudo, and only those', async () => {
      const out = await runChild(
        TEST_USER,
        [
          { op: 'stat', path: r('etc/fstab') },
          { op: 'read', path: r('etc/fstab') },
          { op: 'stat', path: r('etc/grub.d/00_header') },
          { op: 'stat', path: r('etc/grub.d/no-such-script') },
          { op: 'stat', path: r('boot/grub2') },
          { op: 'list', path: r('etc/grub.d') },
          { op: 'read', path: r('boot/grub2/grub.cfg') },
          { op: 'sha256', path: r('boot/grub2/grub.cfg') },
          { op: 'sha256', path: r('boot/grub2/no-such.cfg') },
          { op: 'stat', path: r('boot/efi/EFI/qubes/grub.cfg') },
          { op: 'stat', path: r('etc/grub2.cfg') },
          { op: 'list', path: r('boot/efi/EFI/qubes/missing-dir') },
        ],
        sudo.path,
      );
      expect(out.uid).not.toBe(0);
      const v = out.results.map((x) => (x.ok ? x.value : `${x.code}`));
      const fstab = await lstat(r('etc/fstab'));
      expect(v[0]).toEqual({ kind: 'file', size: fstab.size, mode: 0o644, uid: 0, gid: 0 });
      expect(Buffer.from(v[1] as string, 'base64').toString()).toBe(await readFile(r('etc/fstab'), 'utf8'));
      expect(v[2]).toEqual({
        kind: 'file',
        size: (await lstat(r('etc/grub.d/00_header'))).size,
        mode: 0o755,
        uid: 0,
        gid: 0,
      });
      expect(v[3]).toBeNull();
      expect(v[4]).toMatchObject({ kind: 'dir', mode: 0o700, uid: 0 });
      expect(v[5]).toEqual((await readdir(r('etc/grub.d'))).sort());
      expect(v[5]).toContain('odd\nname');
      expect(Buffer.from(v[6] as string, 'base64')).toEqual(await readFile(r('boot/grub2/grub.cfg')));
      expect(v[7]).toBe(sha(await readFile(r('boot/grub2/grub.cfg'))));
      expect(v[8]).toBeNull();
      expect(v[9]).toMatchObject({ kind: 'file', mode: 0o700 });
      expect(v[10]).toMatchObject({ kind: 'symlink' });
      expect(v[11]).toBe('file-missing');
      const calls = await sudo.calls();
      expect(calls.filter((c) => c.includes(r('etc/fstab')))).toEqual([]);
      expect(calls.filter((c) => c.endsWith(`-- ${r('boot/grub2')}`))).toEqual([]);
      expect(calls).toContain(`-n -- /usr/bin/stat --format=%f %s %u %g -- ${r('etc/grub.d/00_header')}`);
      expect(calls).toContain(`-n -- /usr/bin/sha256sum -- ${r('boot/grub2/grub.cfg')}`);
    }, 60_000);

    it(`hashes a ${BIG_MIB} MiB root-only 0600 image with sha256sum under sudo, in bounded memory`, async () => {
      await sudo.reset();
      const out = await runChild(
        TEST_USER,
        [{ op: 'sha256', path: r('boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img') }],
        sudo.path,
      );
      expect(out.results[0]).toEqual({ ok: true, value: bigSha });
      expect(await sudo.calls()).toEqual([
        `-n -- /usr/bin/sha256sum -- ${r('boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img')}`,
      ]);
      console.log(
        `peak RSS of the child hashing ${BIG_MIB} MiB through sudo: ${Math.round(out.maxRssKiB / 1024)} MiB`,
      );
      expect(out.maxRssKiB).toBeLessThan((BIG_MIB / 2) * 1024 + 64 * 1024);
    }, 60_000);

    it('writes keep mode and owner, copies into a 0700 directory, and never go through a symbolic link', async () => {
      const cfgBefore = await readFile(r('boot/grub2/grub.cfg'));
      const cfgSha = sha(cfgBefore);
      const out = await runChild(TEST_USER, [
        { op: 'write', path: r('etc/grub.d/10_linux'), content: 'new 10_linux\n' },
        { op: 'write', path: r('etc/grub.d/keep-owner'), content: 'new keep-owner\n' },
        { op: 'write', path: r('etc/grub2.cfg'), content: 'through the link\n' },
        { op: 'copy', src: r('boot/grub2/grub.cfg'), dest: r(`backups/${cfgSha}`) },
        { op: 'sha256', path: r(`backups/${cfgSha}`) },
        { op: 'copy', src: r('etc/grub2.cfg'), dest: r('backups/via-link') },
        { op: 'copy', src: r('etc/fstab'), dest: r('etc/grub2.cfg') },
        { op: 'mkdir', path: r('backups/sub/deeper'), mode: 0o700 },
        { op: 'mkdir', path: r('linkdir'), mode: 0o755 },
        { op: 'write', path: r('boot/grub2/new.cfg'), content: 'fresh\n', mode: 0o600 },
        { op: 'write', path: r('etc/grub.d/keep-owner'), content: 'asked wider\n', mode: 0o666 },
      ]);
      const codes = out.results.map((x) => (x.ok ? 'ok' : x.code));
      expect(codes).toEqual([
        'ok',
        'ok',
        'target-is-symlink',
        'ok',
        'ok',
        'target-is-symlink',
        'target-is-symlink',
        'ok',
        'target-is-symlink',
        'ok',
        'ok',
      ]);
      expect(await readFile(r('etc/grub.d/10_linux'), 'utf8')).toBe('new 10_linux\n');
      expect(await lstat(r('etc/grub.d/10_linux'))).toMatchObject({ uid: 0, gid: 0 });
      expect((await lstat(r('etc/grub.d/10_linux'))).mode & 0o7777).toBe(0o644);
      // Owner kept; asked for 0666, the 0640 file gains no read/write bits for group or others.
      expect(await readFile(r('etc/grub.d/keep-owner'), 'utf8')).toBe('asked wider\n');
      expect(await lstat(r('etc/grub.d/keep-owner'))).toMatchObject({ uid: 0, gid: 4 });
      expect((await lstat(r('etc/grub.d/keep-owner'))).mode & 0o7777).toBe(0o640);
      // The link and what it points to are as they were; nothing was copied through it.
      expect(await readlink(r('etc/grub2.cfg'))).toBe('../boot/grub2/grub.cfg');
      expect(await readFile(r('boot/grub2/grub.cfg'))).toEqual(cfgBefore);
      expect(out.results[4]).toEqual({ ok: true, value: cfgSha });
      expect((await lstat(r(`backups/${cfgSha}`))).mode & 0o7777).toBe(0o600);
      expect((await lstat(r('backups/sub/deeper'))).mode & 0o7777).toBe(0o700);
      expect((await lstat(r('backups/sub'))).mode & 0o7777).toBe(0o755);
      expect((await lstat(r('linkdir'))).isSymbolicLink()).toBe(true);
      expect((await lstat(r('boot/grub2/new.cfg'))).mode & 0o7777).toBe(0o600);
      // No temporary file was left beside any target.
      for (const d of ['etc/grub.d', 'backups', 'boot/grub2', 'etc'])
        expect((await readdir(r(d))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      // Removing a link removes the link, never its target.
      const rm1 = await runChild(TEST_USER, [{ op: 'remove', path: r('etc/grub2.cfg') }]);
      expect(rm1.results[0]).toEqual({ ok: true, value: null });
      await expect(lstat(r('etc/grub2.cfg'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readFile(r('boot/grub2/grub.cfg'))).toEqual(cfgBefore);
      await symlink('../boot/grub2/grub.cfg', r('etc/grub2.cfg'));
    }, 60_000);

    it('without a sudo rule, says sudo refused for every root-only read and write, and changes nothing', async () => {
      const before = await digestTree(root);
      const out = await runChild(NO_SUDO_USER, [
        { op: 'stat', path: r('etc/fstab') },
        { op: 'stat', path: r('etc/grub.d/00_header') },
        { op: 'list', path: r('etc/grub.d') },
        { op: 'read', path: r('boot/grub2/grub.cfg') },
        { op: 'sha256', path: r('boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img') },
        { op: 'write', path: r('etc/fstab'), content: 'changed\n' },
        { op: 'write', path: r('etc/grub.d/00_header'), content: 'changed\n' },
        { op: 'mkdir', path: r('backups/new'), mode: 0o700 },
      ]);
      expect(out.results[0]).toMatchObject({ ok: true, value: { kind: 'file', mode: 0o644 } });
      for (const res of out.results.slice(1)) {
        expect(res).toMatchObject({ ok: false, code: 'sudo-refused' });
        expect(res.ok === false && res.message).toMatch(/sudo: a password is required/);
      }
      expect(await digestTree(root)).toBe(before);
    }, 60_000);
  },
);
