// The RAM copy of /etc/fstab that a stateless session gets (qs_fstab_off_disk in
// qubes-stateless-setup.sh), run on the host with dash against fstab texts, so
// every kind of line is covered without a VM boot. The VM boot tests check the
// same on real boots (e2e/boot/chain.test.ts, stateless.test.ts).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SETUP = join(import.meta.dirname, '90qubes-stateless', 'qubes-stateless-setup.sh');

/** Runs qs_fstab_off_disk on fstab; returns the new fstab, the status variables and the blockdev calls. */
function rewrite(fstab: string): {
  fstab: string;
  roMounts: string;
  roDevices: string;
  blockdev: string[];
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'qs-fstab-'));
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'fstab'), fstab);
  // The script without its last line (the call of qs_main): its functions only.
  const lib = join(dir, 'lib.sh');
  const text = readFileSync(SETUP, 'utf8');
  if (!/\nqs_main\n$/.test(text)) throw new Error('qubes-stateless-setup.sh no longer ends with "qs_main"');
  writeFileSync(lib, text.replace(/\nqs_main\n$/, '\n'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'blockdev'), `#!/bin/sh\necho "$*" >>"${dir}/blockdev.log"\n`);
  chmodSync(join(bin, 'blockdev'), 0o755);
  const script = [
    'getarg() { return 1; }',
    'warn() { echo "$*" >&2; }',
    `. "${lib}"`,
    `NEWROOT="${root}"`,
    'qs_fstab_off_disk',
    'echo "ro_mounts=$qs_ro_mounts"',
    'echo "ro_devices=$qs_ro_devices"',
  ].join('\n');
  const r = spawnSync('dash', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  if (r.status !== 0) throw new Error(`dash exited ${String(r.status)}: ${r.stderr}`);
  const out = r.stdout.split('\n');
  const logFile = join(dir, 'blockdev.log');
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
  return {
    fstab: readFileSync(join(root, 'etc', 'fstab'), 'utf8'),
    roMounts: (out.find((l) => l.startsWith('ro_mounts=')) ?? '').slice('ro_mounts='.length),
    roDevices: (out.find((l) => l.startsWith('ro_devices=')) ?? '').slice('ro_devices='.length),
    blockdev: log,
    stderr: r.stderr,
  };
}

describe('the RAM copy of fstab in a stateless session', () => {
  it('turns a Qubes fstab into read-only, unchecked disk mounts with swap off', () => {
    const r = rewrite(
      [
        '#',
        '# /etc/fstab',
        '/dev/mapper/qubes_dom0-root /                       ext4    defaults,x-systemd.device-timeout=0,discard        1 1',
        'UUID=5d0c8f3a-1e2b-4c7d-9a61-2f4b8e0c3d71 /boot                   ext4    defaults,discard        1 2',
        'UUID=A1B2-C3D4          /boot/efi               vfat    umask=0077,shortname=winnt,discard 0 2',
        '/dev/mapper/qubes_dom0-swap none                    swap    defaults,x-systemd.device-timeout=0        0 0',
        '',
      ].join('\n'),
    );
    expect(r.fstab.split('\n')).toEqual([
      '#',
      '# /etc/fstab',
      '#qubes-stateless# /dev/mapper/qubes_dom0-root /                       ext4    defaults,x-systemd.device-timeout=0,discard        1 1',
      '/dev/mapper/qubes_dom0-root / ext4 defaults,x-systemd.device-timeout=0,discard 1 0',
      '#qubes-stateless# UUID=5d0c8f3a-1e2b-4c7d-9a61-2f4b8e0c3d71 /boot                   ext4    defaults,discard        1 2',
      'UUID=5d0c8f3a-1e2b-4c7d-9a61-2f4b8e0c3d71 /boot ext4 defaults,discard,ro,noload 1 0',
      '#qubes-stateless# UUID=A1B2-C3D4          /boot/efi               vfat    umask=0077,shortname=winnt,discard 0 2',
      'UUID=A1B2-C3D4 /boot/efi vfat umask=0077,shortname=winnt,discard,ro 0 0',
      '#qubes-stateless# /dev/mapper/qubes_dom0-swap none                    swap    defaults,x-systemd.device-timeout=0        0 0',
      '',
    ]);
    expect(r.roMounts).toBe('/boot /boot/efi');
  });

  it('knows each filesystem the journal replay of which a read-only mount would still run', () => {
    const r = rewrite(
      [
        'LABEL=a /a ext3 defaults 0 2',
        'LABEL=b /b xfs defaults 0 0',
        'LABEL=c /c btrfs subvol=c 0 0',
        'PARTUUID=d /d ext2 rw 0 1',
        '',
      ].join('\n'),
    );
    const lines = r.fstab.split('\n').filter((l) => !l.startsWith('#'));
    expect(lines).toEqual([
      'LABEL=a /a ext3 defaults,ro,noload 0 0',
      'LABEL=b /b xfs defaults,ro,norecovery 0 0',
      'LABEL=c /c btrfs subvol=c,ro,rescue=nologreplay 0 0',
      'PARTUUID=d /d ext2 rw,ro 0 0',
      '',
    ]);
  });

  it('leaves non-disk entries, bind mounts, comments and a pass-0 root alone', () => {
    const text = [
      '# comment UUID=x /boot ext4 defaults 1 2',
      'tmpfs /tmp tmpfs defaults 0 0',
      'proc /proc proc defaults 0 0',
      '/srv/data /data none bind 0 0',
      'server:/export /mnt/nfs nfs defaults 0 0',
      '/dev/vda / ext4 defaults 0 0',
      '   ',
      '',
    ].join('\n');
    const r = rewrite(text);
    expect(r.fstab).toBe(text);
    expect(r.roMounts).toBe('');
  });

  it('keeps qube storage (/var/lib/qubes) writable, but unchecked', () => {
    const r = rewrite('UUID=q /var/lib/qubes xfs defaults,discard 1 2\n');
    expect(r.fstab).toBe(
      '#qubes-stateless# UUID=q /var/lib/qubes xfs defaults,discard 1 2\nUUID=q /var/lib/qubes xfs defaults,discard 1 0\n',
    );
    expect(r.roMounts).toBe('');
  });

  it('sets the block device of a read-only entry read-only in the kernel when it is there', () => {
    // /dev/loop0 is a block device on the build machines; /dev/qs-absent is not.
    const r = rewrite('/dev/loop0 /boot ext4 defaults 1 2\n/dev/qs-absent /srv ext4 defaults 0 0\n');
    expect(r.blockdev).toEqual(['--setro /dev/loop0']);
    expect(r.roDevices).toBe('/dev/loop0');
    expect(r.roMounts).toBe('/boot /srv');
  });

  it('keeps a last line without a newline', () => {
    const r = rewrite('UUID=b /boot ext4 defaults 1 2');
    expect(r.fstab).toBe(
      '#qubes-stateless# UUID=b /boot ext4 defaults 1 2\nUUID=b /boot ext4 defaults,ro,noload 1 0\n',
    );
  });
});
