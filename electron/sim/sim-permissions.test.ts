import { chmod, lstat, readlink, symlink } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BIN } from '../core/system/binaries.js';
import { JournalStore } from '../core/journal/journal-store.js';
import { tempSim } from '../testing/temp-sim.js';

const PRIVILEGED_READS: readonly string[] = [BIN.stat, BIN.find, BIN.cat, BIN.sha256sum];
const sudoReads = async (sim: Awaited<ReturnType<typeof tempSim>>) =>
  (await sim.commandLog())
    .filter((c) => c.argv[0] === BIN.sudo && PRIVILEGED_READS.includes(c.argv[3]!))
    .map((c) => [c.argv[3], c.argv.at(-1)].join(' '));

describe('simulated dom0 permissions', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])(
    'has the modes of dom0 on %s: root-only GRUB, ESP and initramfs',
    async (profile) => {
      const sim = await tempSim(profile);
      // qubes-grub2 grub2.spec.in %files common; the ESP is vfat umask=0077; dracut writes images under umask 077.
      for (const dir of ['/etc/grub.d', '/boot/grub2', '/boot/efi', '/boot/efi/EFI', '/boot/efi/EFI/qubes']) {
        expect(await sim.stat(dir), dir).toEqual(
          expect.objectContaining({ kind: 'dir', mode: 0o700, uid: 0, gid: 0 }),
        );
      }
      expect(await sim.stat('/boot/grub2/grub.cfg')).toMatchObject({ kind: 'file', mode: 0o600, uid: 0 });
      const images = (await sim.listDir('/boot')).filter((n) => n.startsWith('initramfs-'));
      expect(images).toHaveLength(2);
      for (const img of images) expect(await sim.stat(`/boot/${img}`)).toMatchObject({ mode: 0o600, uid: 0 });
    },
  );

  it('refuses an unprivileged read of a root-only path as dom0 does, even when the simulator runs as root', async () => {
    const sim = await tempSim();
    const asUser = (bin: string, args: string[]) => sim.run({ bin, args, expectExit: [0, 1] });
    expect(await asUser(BIN.cat, ['--', '/boot/grub2/grub.cfg'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `${BIN.cat}: /boot/grub2/grub.cfg: Permission denied\n`,
    });
    expect((await asUser(BIN.stat, ['--format=%f %s %u %g', '--', '/etc/grub.d/20_linux_xen'])).stderr).toBe(
      `${BIN.stat}: cannot statx '/etc/grub.d/20_linux_xen': Permission denied\n`,
    );
    expect(
      (await asUser(BIN.find, ['-H', '/boot/efi/EFI/qubes', '-maxdepth', '1', '-printf', '%y%P\\0'])).stderr,
    ).toBe(`${BIN.find}: '/boot/efi/EFI/qubes': Permission denied\n`);
    expect(
      (await asUser(BIN.sha256sum, ['--', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img'])).exitCode,
    ).toBe(1);
    // World-readable paths need no sudo.
    expect((await asUser(BIN.cat, ['--', '/etc/fstab'])).stdout).toMatch(/anaconda/);
    expect((await asUser(BIN.stat, ['--format=%f %s %u %g', '--', '/boot/grub2'])).stdout).toMatch(
      /^41c0 \d+ 0 0\n$/,
    );
  });

  it("reads root-only paths through sudo -n and world-readable ones with the user's rights", async () => {
    const sim = await tempSim();
    await sim.readText('/etc/fstab');
    await sim.stat('/boot/grub2');
    expect(await sudoReads(sim)).toEqual([]);
    expect(await sim.readText('/boot/grub2/grub.cfg')).toMatch(/menuentry/);
    expect(await sim.stat('/etc/grub.d/20_linux_xen')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(await sim.stat('/etc/grub.d/99_none')).toBeNull();
    expect(await sim.listDir('/etc/grub.d')).toContain('20_linux_xen');
    expect(await sim.sha256('/boot/grub2/no-such')).toBeNull();
    expect(await sudoReads(sim)).toEqual([
      `${BIN.cat} /boot/grub2/grub.cfg`,
      `${BIN.stat} /etc/grub.d/20_linux_xen`,
      `${BIN.stat} /etc/grub.d/99_none`,
      `${BIN.find} %y%P\\0`,
      `${BIN.sha256sum} /boot/grub2/no-such`,
    ]);
  });

  it('with sudo refused, a root-only read is a clear sudo-refused error, and a readable one still works', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => void (s.sudo = 'refused'));
    await expect(sim.readText('/boot/grub2/grub.cfg')).rejects.toMatchObject({
      code: 'sudo-refused',
      message: /password is required/,
    });
    await expect(sim.listDir('/etc/grub.d')).rejects.toMatchObject({ code: 'sudo-refused' });
    expect(await sim.readText('/etc/fstab')).toMatch(/anaconda/);
  });

  it('keeps backups in a 0700 directory, readable only through sudo', async () => {
    const sim = await tempSim();
    const journal = new JournalStore(sim);
    const shaOf = await journal.backup('/boot/grub2/grub.cfg');
    expect(await sim.stat('/var/lib/qubes-stateless/backups')).toMatchObject({ kind: 'dir', mode: 0o700 });
    expect(await sim.stat('/var/lib/qubes-stateless')).toMatchObject({ kind: 'dir', mode: 0o755 });
    expect(await sim.stat(`/var/lib/qubes-stateless/backups/${shaOf}`)).toMatchObject({ mode: 0o600 });
    expect(
      (
        await sim.run({
          bin: BIN.cat,
          args: ['--', `/var/lib/qubes-stateless/backups/${shaOf}`],
          expectExit: [1],
        })
      ).stderr,
    ).toMatch(/Permission denied/);
    expect(await journal.readBackup(shaOf)).toBe(await sim.readText('/boot/grub2/grub.cfg'));
  });

  it('never writes, copies or makes a directory through a symbolic link, and removing a link leaves its target', async () => {
    const sim = await tempSim();
    await symlink('../boot/grub2/grub.cfg', sim.tree.hostPath('/etc/grub2.cfg'));
    await symlink('/boot/grub2', sim.tree.hostPath('/etc/grub2-dir'));
    const cfg = await sim.readText('/boot/grub2/grub.cfg');
    expect(await sim.readText('/etc/grub2.cfg')).toBe(cfg);
    await expect(sim.writeFileAtomic('/etc/grub2.cfg', 'x\n')).rejects.toMatchObject({
      code: 'target-is-symlink',
      params: { path: '/etc/grub2.cfg' },
    });
    await expect(sim.copyFile('/etc/fstab', '/etc/grub2.cfg')).rejects.toMatchObject({
      code: 'target-is-symlink',
    });
    await expect(sim.copyFile('/etc/grub2.cfg', '/etc/copy.cfg')).rejects.toMatchObject({
      code: 'target-is-symlink',
    });
    await expect(sim.makeDir('/etc/grub2-dir', 0o755)).rejects.toMatchObject({ code: 'target-is-symlink' });
    expect(await readlink(sim.tree.hostPath('/etc/grub2.cfg'))).toBe('../boot/grub2/grub.cfg');
    expect(await sim.readText('/boot/grub2/grub.cfg')).toBe(cfg);
    expect(await sim.stat('/etc/copy.cfg')).toBeNull();
    await sim.removeFile('/etc/grub2.cfg');
    await expect(lstat(sim.tree.hostPath('/etc/grub2.cfg'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await sim.readText('/boot/grub2/grub.cfg')).toBe(cfg);
  });

  it("never widens an existing file's mode when a write asks for a wider one", async () => {
    const sim = await tempSim();
    await chmod(sim.tree.hostPath('/etc/fstab'), 0o600);
    await sim.writeFileAtomic('/etc/fstab', 'tightened\n', { mode: 0o644 });
    expect(await sim.stat('/etc/fstab')).toMatchObject({ mode: 0o600 });
    await chmod(sim.tree.hostPath('/etc/grub.d/10_linux'), 0o644);
    await sim.writeFileAtomic('/etc/grub.d/10_linux', 'enabled\n', { mode: 0o755 });
    expect(await sim.stat('/etc/grub.d/10_linux')).toMatchObject({ mode: 0o755 });
    await sim.writeFileAtomic('/etc/new.conf', 'new\n', { mode: 0o640 });
    expect(await sim.stat('/etc/new.conf')).toMatchObject({ mode: 0o640 });
  });

  it('makes directories like mkdir -p -m: parents 0755, the new one exactly its mode, an existing one untouched', async () => {
    const sim = await tempSim();
    await sim.makeDir('/var/lib/qubes-stateless/a/b', 0o700);
    expect(await sim.stat('/var/lib/qubes-stateless/a')).toMatchObject({ mode: 0o755 });
    expect(await sim.stat('/var/lib/qubes-stateless/a/b')).toMatchObject({ mode: 0o700 });
    await sim.makeDir('/boot/grub2', 0o755);
    expect(await sim.stat('/boot/grub2')).toMatchObject({ mode: 0o700 });
  });
});
