// VM boot tests of the qubes-stateless dracut module: real dracut initramfs
// images (systemd-based like dom0's, and the shell-based one), tiny ext4 roots,
// QEMU/TCG. Verdicts come from the guest's report and from the disk image.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CACHE,
  REQUIRED_TOOLS,
  all,
  boot,
  buildInitramfs,
  buildRootImage,
  debugfsCat,
  DEFAULT_KERNEL_SERIES,
  findKernel,
  first,
  kernelAtLeast,
  makeTestRoot,
  requireTools,
  run,
  sha256File,
  type GuestReport,
} from './harness.js';
import { expectBooted, expectFixtures } from './expect-guest.js';

const SUITE = join(CACHE, 'suite');
const SMALL_MEM = 1536;
// Keeps the small roots' tests independent of the VM size.
const LOW_RESERVE = 'rd.qubes.stateless.reserve=64';

let systemdInitrd = '';
let plymouthInitrd = '';
let minimalInitrd = '';
let imgFixtures = '';
let imgNoUserXattr = '';
let imgBig = '';
// Explicit: Debian 12's 6.1 unless QS_BOOT_KERNEL says otherwise (the chain tests cover 6.12).
const kernel = findKernel(DEFAULT_KERNEL_SERIES);
const kernelHasTmpfsUserXattr = kernelAtLeast(kernel, 6, 6);

/** A private copy of a base image for one test. */
function fresh(base: string, name: string): string {
  const p = join(SUITE, `${name}.img`);
  rmSync(p, { force: true });
  copyFileSync(base, p);
  return p;
}

function expectActive(rep: GuestReport, mode: string): void {
  expect(rep.status.mode).toBe(mode);
  expect(rep.status.result, rep.status.message).toBe('active');
  expect(rep.status.reason).toBe('ok');
}

function expectPersistentFallback(rep: GuestReport, reason: string): void {
  expect(rep.status.result).toBe('fallback');
  expect(rep.status.reason, rep.status.message).toBe(reason);
  expect(rep.rootSource).toBe('/dev/vda');
  expect(rep.rootFstype).toBe('ext4');
  // Nothing of ours is left mounted.
  expect(all(rep, 'mount').filter((m) => m.includes('qubes-stateless'))).toEqual([]);
}

/** Session settings written for an active stateless boot. */
function expectSessionSettings(rep: GuestReport): void {
  expect(all(rep, 'journald_dropin').join('\n')).toContain('Storage=volatile');
  const fstab = all(rep, 'fstab');
  expect(fstab).toContain('#qubes-stateless# /dev/vdb none swap defaults 0 0');
  // The root stays, without fsck; other disk filesystems become read-only,
  // without fsck or journal replay; non-disk ones are left alone.
  expect(fstab).toContain('#qubes-stateless# /dev/vda / ext4 defaults 1 1');
  expect(fstab).toContain('/dev/vda / ext4 defaults 1 0');
  expect(fstab).toContain('/dev/vdc /boot ext4 defaults,discard,ro,noload 1 0');
  expect(fstab).toContain('LABEL=ESP /boot/efi vfat umask=0077,shortname=winnt,ro 0 0');
  expect(fstab).toContain('tmpfs /tmp tmpfs defaults 0 0');
  expect(fstab).not.toContain('tmpfs /tmp tmpfs defaults,ro 0 0');
  // Qube storage stays writable (qubes on disk write there in a session too), but is not checked.
  expect(fstab).toContain('/dev/vdd /var/lib/qubes xfs defaults,discard 1 0');
  expect(all(rep, 'swaps').length).toBe(1); // header only
  // In every mode systemd-remount-fs must not apply the disk root's fstab options to the RAM root (a zram
  // ext4 refuses btrfs' subvol=, a tmpfs ext4's discard, an overlay any reconfiguration).
  expect(all(rep, 'unit_dropin')).toContain(
    '/run/systemd/system/systemd-remount-fs.service.d/90-qubes-stateless.conf:[Unit] ConditionPathIsReadWrite=!/',
  );
}

beforeAll(() => {
  requireTools(REQUIRED_TOOLS);
  requireTools(['setfattr', 'setfacl', 'ldd', 'plymouth']);
  mkdirSync(SUITE, { recursive: true });
  systemdInitrd = buildInitramfs({ flavour: 'systemd' });
  plymouthInitrd = buildInitramfs({ flavour: 'plymouth' });
  minimalInitrd = buildInitramfs({ flavour: 'minimal' });
  const swap = [
    '/dev/vdb none swap defaults 0 0',
    // Never present in these VMs: only the initramfs reads this fstab (for /usr); the test init mounts nothing.
    '/dev/vdc /boot ext4 defaults,discard 1 2',
    'LABEL=ESP /boot/efi vfat umask=0077,shortname=winnt 0 2',
    'tmpfs /tmp tmpfs defaults 0 0',
    '/dev/vdd /var/lib/qubes xfs defaults,discard 1 2',
  ];
  makeTestRoot(join(SUITE, 'root-fixtures'), { fixtures: true, fstab: swap });
  imgFixtures = buildRootImage(join(SUITE, 'root-fixtures'), join(SUITE, 'fixtures.base'), 128);
  makeTestRoot(join(SUITE, 'root-nouserxattr'), { fixtures: true, fstab: swap, userXattr: false });
  imgNoUserXattr = buildRootImage(join(SUITE, 'root-nouserxattr'), join(SUITE, 'nouserxattr.base'), 128);
  // 512 MiB that neither compresses nor fits next to a large reserve.
  makeTestRoot(join(SUITE, 'root-big'), { randomBytes: 512 * 1024 * 1024 });
  imgBig = buildRootImage(join(SUITE, 'root-big'), join(SUITE, 'big.base'), 700);
  rmSync(join(SUITE, 'root-big'), { recursive: true, force: true });
  // The images really carry what the copy must preserve.
  expect(debugfsCat(imgFixtures, '/.qs-dotfile')).toBe('dot-ok\n');
}, 900_000);

describe('initramfs build', () => {
  it('includes the module through the dracut.conf.d snippet only (check() returns 255)', () => {
    const without = buildInitramfs({ flavour: 'systemd', withSnippet: false, noKernel: true });
    expect(existsSync(without)).toBe(true);
    expect(without).not.toBe(systemdInitrd);
    expect(run('lsinitrd', [systemdInitrd])).toContain('qubes-stateless-setup');
    expect(run('lsinitrd', [without])).not.toContain('qubes-stateless');
  });
});

describe('systemd initramfs (as in dom0)', () => {
  let overlayImg = '';

  it('overlay: / is an overlay in RAM, writes work, the disk stays bit-identical', async () => {
    overlayImg = fresh(imgFixtures, 'sd-overlay');
    const before = await sha256File(overlayImg);
    const r = await boot({
      name: 'sd-overlay',
      initrd: systemdInitrd,
      disks: [overlayImg],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=overlay ${LOW_RESERVE} qstest.write=stateless-overlay`,
    });
    const rep = expectBooted(r);
    expectActive(rep, 'overlay');
    expect(rep.rootFstype).toBe('overlay');
    expect(first(rep, 'write')).toBe('ok stateless-overlay');
    expectFixtures(rep, true);
    expectSessionSettings(rep);
    expect(rep.upperUsedKiB).not.toBeNull();
    expect(rep.rootRamBytes).not.toBeNull();
    // The lower layer is the disk, read-only.
    expect(
      all(rep, 'mount').some((m) => /^\/dev\/vda \/run\/qubes-stateless\/lower ext4 ro[, ]/.test(m)),
    ).toBe(true);
    // No fsck of the disk on a stateless boot.
    expect(r.serial).not.toContain('File System Check on');
    expect(await sha256File(overlayImg)).toBe(before);
  });

  it('a following boot without the flag is normal (with fsck) and its writes persist', async () => {
    const before = await sha256File(overlayImg);
    const r = await boot({
      name: 'sd-persistent',
      initrd: systemdInitrd,
      disks: [overlayImg],
      memMiB: SMALL_MEM,
      append: 'qstest.write=persistent-1',
    });
    const rep = expectBooted(r);
    expect(rep.status).toEqual({});
    expect(rep.rootSource).toBe('/dev/vda');
    expect(rep.rootFstype).toBe('ext4');
    expect(first(rep, 'write')).toBe('ok persistent-1');
    expect(r.serial).toContain('File System Check on');
    expect(await sha256File(overlayImg)).not.toBe(before);
    // On the disk: the persistent write, not the stateless one, fstab untouched.
    expect(debugfsCat(overlayImg, '/persistent-1')).toBe('persistent-1\n');
    expect(debugfsCat(overlayImg, '/stateless-overlay')).toBeNull();
    expect(debugfsCat(overlayImg, '/etc/fstab')).toContain('\n/dev/vdb none swap defaults 0 0\n');
  });

  it('zram: / is ext4 on a hot-added zram device (zram0 left alone), attributes survive, disk unchanged', async () => {
    const img = fresh(imgFixtures, 'sd-zram');
    const before = await sha256File(img);
    const r = await boot({
      name: 'sd-zram',
      initrd: systemdInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=zram ${LOW_RESERVE} qstest.write=stateless-zram`,
    });
    const rep = expectBooted(r);
    expectActive(rep, 'zram');
    expect(rep.status.comp).toBe('lz4');
    expect(rep.rootFstype).toBe('ext4');
    expect(rep.rootSource).toMatch(/^\/dev\/zram[1-9]\d*$/);
    const dev = rep.zram.find((z) => `/dev/${z.name}` === rep.rootSource);
    expect(dev?.comp).toBe('lz4');
    expect(dev?.memUsedBytes).toBeGreaterThan(0);
    expect(rep.zram.find((z) => z.name === 'zram0')?.disksize).toBe(0);
    expect(rep.rootRamBytes).toBe(dev?.memUsedBytes);
    expect(first(rep, 'write')).toBe('ok stateless-zram');
    expectFixtures(rep, true);
    expectSessionSettings(rep);
    // The disk is not mounted at all after the copy.
    expect(all(rep, 'mount').filter((m) => m.startsWith('/dev/vda '))).toEqual([]);
    expect(r.serial).not.toContain('File System Check on');
    expect(await sha256File(img)).toBe(before);
  });

  it('tmpfs: / is a tmpfs copy, attributes survive, disk unchanged', async () => {
    const img = fresh(imgNoUserXattr, 'sd-tmpfs');
    const before = await sha256File(img);
    const r = await boot({
      name: 'sd-tmpfs',
      initrd: systemdInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=tmpfs ${LOW_RESERVE} qstest.write=stateless-tmpfs`,
    });
    const rep = expectBooted(r);
    expectActive(rep, 'tmpfs');
    expect(rep.rootFstype).toBe('tmpfs');
    expect(first(rep, 'write')).toBe('ok stateless-tmpfs');
    expectFixtures(rep, false);
    expectSessionSettings(rep);
    expect(rep.rootRamBytes).toBeGreaterThan(0);
    expect(all(rep, 'mount').filter((m) => m.startsWith('/dev/vda '))).toEqual([]);
    expect(await sha256File(img)).toBe(before);
  });

  it('zram in 2 parallel copy streams (rd.qubes.stateless.streams=2), zstd with a level: attributes survive, disk unchanged', async () => {
    const img = fresh(imgFixtures, 'sd-zram-streams');
    const before = await sha256File(img);
    const rep = expectBooted(
      await boot({
        name: 'sd-zram-streams',
        initrd: systemdInitrd,
        disks: [img],
        memMiB: SMALL_MEM,
        append: `rd.qubes.stateless=zram rd.qubes.stateless.comp=zstd rd.qubes.stateless.comp_level=1 rd.qubes.stateless.streams=2 ${LOW_RESERVE}`,
      }),
    );
    expectActive(rep, 'zram');
    expect(rep.status.streams).toBe('2');
    expect(rep.status.comp).toBe('zstd');
    // algorithm_params exists from Linux 6.12 on; before, the level is not applied (and the boot says so).
    expect(rep.status.comp_params).toBe(kernelAtLeast(kernel, 6, 12) ? 'level=1' : '');
    expectFixtures(rep, true);
    expectSessionSettings(rep);
    expect(await sha256File(img)).toBe(before);
  });

  it(`tmpfs never drops a user.* xattr silently (this kernel: ${kernel.kver})`, async () => {
    const img = fresh(imgFixtures, 'sd-tmpfs-userxattr');
    const rep = expectBooted(
      await boot({
        name: 'sd-tmpfs-userxattr',
        initrd: systemdInitrd,
        disks: [img],
        memMiB: SMALL_MEM,
        append: `rd.qubes.stateless=tmpfs ${LOW_RESERVE}`,
      }),
    );
    if (kernelHasTmpfsUserXattr) {
      expectActive(rep, 'tmpfs');
      expectFixtures(rep, true);
    } else {
      // Before Linux 6.6 tmpfs has no user.* xattrs: refuse instead of losing them.
      expectPersistentFallback(rep, 'copy-failed');
      expect(rep.status.message).toContain('cannot keep an extended attribute');
    }
  });

  it('too little RAM for a tmpfs copy: persistent boot with a visible message', async () => {
    const img = fresh(imgBig, 'sd-lowram-tmpfs');
    const r = await boot({
      name: 'sd-lowram-tmpfs',
      initrd: systemdInitrd,
      disks: [img],
      memMiB: 1024,
      append: 'rd.qubes.stateless=tmpfs rd.qubes.stateless.reserve=350 quiet',
    });
    const rep = expectBooted(r);
    expectPersistentFallback(rep, 'not-enough-ram');
    // The check's own figures say why.
    const need = Number(rep.status.need_mib);
    const avail = Number(rep.status.mem_available_kib) / 1024;
    expect(need).toBeGreaterThan(avail - 350);
    expect(r.serial).toMatch(/qubes-stateless: NOT stateless \(not-enough-ram\).*booting PERSISTENT/);
  });

  it('a zram copy that runs out of RAM halfway is undone: device removed, persistent boot', async () => {
    const img = fresh(imgBig, 'sd-lowram-zram');
    // Incompressible data passes the 2:1 estimate but not the zram mem_limit.
    const r = await boot({
      name: 'sd-lowram-zram',
      initrd: systemdInitrd,
      disks: [img],
      memMiB: 1024,
      append: 'rd.qubes.stateless=zram rd.qubes.stateless.reserve=350 quiet',
    });
    const rep = expectBooted(r);
    expectPersistentFallback(rep, 'copy-failed');
    expect(rep.status.message).toContain('RAM released');
    expect(rep.zram.map((z) => z.name)).toEqual(['zram0']);
    expect(r.serial).toMatch(/qubes-stateless: NOT stateless \(copy-failed\).*booting PERSISTENT/);
  });

  it('prompt with no answer: persistent after the timeout', async () => {
    const img = fresh(imgFixtures, 'sd-prompt-none');
    const r = await boot({
      name: 'sd-prompt-none',
      initrd: systemdInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=zram ${LOW_RESERVE} rd.qubes.stateless.prompt=3`,
    });
    const rep = expectBooted(r);
    expect(r.serial).toContain('Boot to RAM (zram)?');
    expectPersistentFallback(rep, 'no-answer');
    expect(rep.status.prompt_answer).toBe('none');
  });

  it('prompt answered "y" through plymouth (systemd-ask-password agent): stateless', async () => {
    const img = fresh(imgFixtures, 'sd-prompt-plymouth');
    const before = await sha256File(img);
    const r = await boot({
      name: 'sd-prompt-plymouth',
      initrd: plymouthInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=overlay ${LOW_RESERVE} rd.qubes.stateless.prompt=60`,
      // Key by key, as typed: plymouth shows the question, masks the "y" as "*".
      input: [
        { when: /Boot to RAM \(overlay\)\?[^\n]*::/, send: 'y' },
        { when: /Boot to RAM \(overlay\)\?[^\n]*::\*/, send: '\r' },
      ],
    });
    const rep = expectBooted(r);
    expect(r.serial).toMatch(/Started \S*plymouth-start/);
    expectActive(rep, 'overlay');
    expect(rep.status.prompt_answer).toBe('yes');
    expect(rep.rootFstype).toBe('overlay');
    expect(await sha256File(img)).toBe(before);
  });
});

describe('shell initramfs (no systemd, dash as /bin/sh)', () => {
  // lz4 (the default) is tested above, lzo-rle by the benchmark.
  for (const comp of ['zstd']) {
    it(`zram with ${comp}: stateless, disk unchanged (root fsck skipped)`, async () => {
      const img = fresh(imgFixtures, `sh-zram-${comp}`);
      const before = await sha256File(img);
      const rep = expectBooted(
        await boot({
          name: `sh-zram-${comp}`,
          initrd: minimalInitrd,
          disks: [img],
          memMiB: SMALL_MEM,
          append: `rd.qubes.stateless=zram rd.qubes.stateless.comp=${comp} ${LOW_RESERVE} qstest.write=w`,
        }),
      );
      expectActive(rep, 'zram');
      expect(rep.status.comp).toBe(comp);
      expect(rep.zram.find((z) => `/dev/${z.name}` === rep.rootSource)?.comp).toBe(comp);
      expect(first(rep, 'write')).toBe('ok w');
      expectFixtures(rep, true);
      expect(await sha256File(img)).toBe(before);
    });
  }

  it('tmpfs in 2 parallel copy streams: attributes survive, disk unchanged', async () => {
    const img = fresh(imgNoUserXattr, 'sh-tmpfs-streams');
    const before = await sha256File(img);
    const rep = expectBooted(
      await boot({
        name: 'sh-tmpfs-streams',
        initrd: minimalInitrd,
        disks: [img],
        memMiB: SMALL_MEM,
        append: `rd.qubes.stateless=tmpfs rd.qubes.stateless.streams=2 ${LOW_RESERVE}`,
      }),
    );
    expectActive(rep, 'tmpfs');
    expect(rep.status.streams).toBe('2');
    expectFixtures(rep, false);
    expect(await sha256File(img)).toBe(before);
  });

  it('overlay: stateless, disk unchanged', async () => {
    const img = fresh(imgFixtures, 'sh-overlay');
    const before = await sha256File(img);
    const rep = expectBooted(
      await boot({
        name: 'sh-overlay',
        initrd: minimalInitrd,
        disks: [img],
        memMiB: SMALL_MEM,
        append: `rd.qubes.stateless=overlay ${LOW_RESERVE} qstest.write=w`,
      }),
    );
    expectActive(rep, 'overlay');
    expect(rep.rootFstype).toBe('overlay');
    expectFixtures(rep, true);
    expectSessionSettings(rep);
    expect(await sha256File(img)).toBe(before);
  });

  it('a cap below what the root needs: persistent, nothing started', async () => {
    const img = fresh(imgFixtures, 'sh-size');
    const r = await boot({
      name: 'sh-size',
      initrd: minimalInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: `rd.qubes.stateless=zram rd.qubes.stateless.size=8 ${LOW_RESERVE}`,
    });
    const rep = expectBooted(r);
    expectPersistentFallback(rep, 'size-too-small');
    expect(rep.zram.map((z) => z.name)).toEqual([]);
    expect(r.serial).toContain('qubes-stateless: NOT stateless (size-too-small)');
  });

  it('an invalid argument: persistent with a message', async () => {
    const img = fresh(imgFixtures, 'sh-badarg');
    const r = await boot({
      name: 'sh-badarg',
      initrd: minimalInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: 'rd.qubes.stateless=zram rd.qubes.stateless.comp=gzip',
    });
    const rep = expectBooted(r);
    expectPersistentFallback(rep, 'bad-argument');
    expect(r.serial).toContain("rd.qubes.stateless.comp='gzip'");
  });

  it('without rd.qubes.stateless=MODE nothing of ours runs, even with our other words', async () => {
    const img = fresh(imgFixtures, 'sh-absent');
    const r = await boot({
      name: 'sh-absent',
      initrd: minimalInitrd,
      disks: [img],
      memMiB: SMALL_MEM,
      append: 'rd.qubes.stateless.comp=zstd rd.qubes.stateless.prompt=5 qstest.write=plain',
    });
    const rep = expectBooted(r);
    expect(rep.status).toEqual({});
    expect(rep.rootSource).toBe('/dev/vda');
    expect(r.serial).not.toContain('qubes-stateless');
    expect(r.serial).not.toContain('Boot to RAM');
    expect(all(rep, 'fstab')).toContain('/dev/vdb none swap defaults 0 0');
    expect(debugfsCat(img, '/plain')).toBe('plain\n');
  });
});
