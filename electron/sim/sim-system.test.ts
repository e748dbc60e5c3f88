import { describe, expect, it } from 'vitest';
import { CommandError } from '../core/errors.js';
import { BIN } from '../core/system/binaries.js';
import { tempSim } from '../testing/temp-sim.js';

const run = (sim: Awaited<ReturnType<typeof tempSim>>, bin: string, args: string[], privileged = false) =>
  sim.run({ bin, args, privileged, expectExit: [0, 1, 2, 4] });

describe('simulated qvm tools fail like the real ones', () => {
  it('refuses a duplicate pool name, unknown options and a reflink pool on a filesystem without reflinks', async () => {
    const sim = await tempSim();
    expect(
      (
        await run(sim, BIN.qvmPool, [
          'add',
          'vm-pool',
          'lvm_thin',
          '-o',
          'volume_group=qubes_dom0',
          '-o',
          'thin_pool=vm-pool',
        ])
      ).stderr,
    ).toMatch(/already exists/);
    expect(
      (await run(sim, BIN.qvmPool, ['add', 'x', 'file', '-o', 'dir_path=/x', '-o', 'colour=blue'])).stderr,
    ).toMatch(/unexpected driver options: colour/);
    const reflink = await run(sim, BIN.qvmPool, [
      'add',
      'ram',
      'file-reflink',
      '-o',
      'dir_path=/var/lib/qubes-stateless/ram',
    ]);
    expect(reflink.exitCode).toBe(1);
    expect(reflink.stderr).toMatch(/setup_check=False/);
    expect(
      (
        await run(sim, BIN.qvmPool, [
          'add',
          'ram',
          'file-reflink',
          '-o',
          'dir_path=/var/lib/qubes-stateless/ram',
          '-o',
          'setup_check=False',
        ])
      ).exitCode,
    ).toBe(0);
    expect(sim.snapshotState().pools.map((p) => p.name)).toContain('ram');
  });

  it('treats a comma list after -o as one value, as the 4.1+ parser does', async () => {
    const sim = await tempSim();
    await run(sim, BIN.qvmPool, ['add', 'p', 'file', '-o', 'dir_path=/srv/p,revisions_to_keep=1']);
    expect(sim.snapshotState().pools.find((p) => p.name === 'p')?.config.dir_path).toBe(
      '/srv/p,revisions_to_keep=1',
    );
  });

  it('refuses to clone onto an existing name or an invalid one', async () => {
    const sim = await tempSim();
    expect((await run(sim, BIN.qvmClone, ['fedora-40-xfce', 'work'])).stderr).toMatch(/already exists/);
    expect((await run(sim, BIN.qvmClone, ['fedora-40-xfce', 'bad.name'])).stderr).toMatch(
      /illegal characters/,
    );
    expect((await run(sim, BIN.qvmClone, ['fedora-40-xfce', 'a'.repeat(32)])).stderr).toMatch(
      /shorter than 32/,
    );
    expect((await run(sim, BIN.qvmClone, ['nonexistent', 'copy'])).exitCode).toBe(2);
    expect(
      (await run(sim, BIN.qvmClone, ['-P', 'varlibqubes', 'fedora-40-xfce', 'fedora-ram'])).exitCode,
    ).toBe(0);
    const clone = sim.snapshotState().qubes.find((q) => q.name === 'fedora-ram')!;
    expect(clone.klass).toBe('TemplateVM');
    expect(clone.volumes.root).toMatchObject({ pool: 'varlibqubes', vid: 'vm-templates/fedora-ram/root' });
  });

  it('accepts dots in names on 4.3 only', async () => {
    const sim = await tempSim('qubes-4.3');
    expect((await run(sim, BIN.qvmClone, ['fedora-42-xfce', 'fedora.ram'])).exitCode).toBe(0);
  });

  it('refuses volume rw changes on a running qube and records the previous value otherwise', async () => {
    const sim = await tempSim();
    expect((await run(sim, BIN.qvmVolume, ['config', 'personal:root', 'rw', 'False'])).stderr).toMatch(
      /running/,
    );
    expect((await run(sim, BIN.qvmVolume, ['info', 'work:root', 'rw'])).stdout).toBe('True\n');
    await run(sim, BIN.qvmVolume, ['config', 'work:root', 'rw', 'False']);
    expect((await run(sim, BIN.qvmVolume, ['info', 'work:root', 'rw'])).stdout).toBe('False\n');
  });

  it('answers an unknown qube with a usage error (exit 2)', async () => {
    const sim = await tempSim();
    const r = await run(sim, BIN.qvmPrefs, ['nosuchvm', 'memory']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no such domain: 'nosuchvm'/);
  });

  it('sets and reads prefs and pool options with the real value rules', async () => {
    const sim = await tempSim();
    await run(sim, BIN.qvmPool, ['set', 'vm-pool', '-o', 'ephemeral_volatile=true']);
    expect((await run(sim, BIN.qvmPool, ['info', 'vm-pool'])).stdout).toMatch(/ephemeral_volatile\s+True/);
    expect((await run(sim, BIN.qvmPool, ['set', 'vm-pool', '-o', 'thin_pool=other'])).stderr).toMatch(
      /not supported/,
    );
    expect((await run(sim, BIN.qubesPrefs, ['default_dispvm', 'work'])).stderr).toMatch(
      /not a disposable template/,
    );
    await run(sim, BIN.qvmPrefs, ['work', 'template_for_dispvms', 'True']);
    expect((await run(sim, BIN.qubesPrefs, ['default_dispvm', 'work'])).exitCode).toBe(0);
    expect((await run(sim, BIN.qubesPrefs, ['default_dispvm'])).stdout).toBe('work\n');
  });
});

describe('simulated dom0 plumbing', () => {
  it('records every command with its exit code, sudo included', async () => {
    const sim = await tempSim();
    await sim.run({ bin: BIN.xl, args: ['info'], privileged: true });
    await run(sim, BIN.qvmPrefs, ['nosuchvm']);
    expect(await sim.commandLog()).toEqual([
      { argv: [BIN.sudo, '-n', '--', BIN.xl, 'info'], exitCode: 0 },
      { argv: [BIN.qvmPrefs, 'nosuchvm'], exitCode: 2 },
    ]);
  });

  it('needs root where the real program does', async () => {
    const sim = await tempSim();
    await expect(sim.run({ bin: BIN.xl, args: ['info'] })).rejects.toThrow(/Permission denied/);
  });

  it('turns refused sudo into a typed error for commands and file writes, changing nothing', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => void (s.sudo = 'refused'));
    const err = await sim.run({ bin: BIN.xl, args: ['info'], privileged: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe('sudo-refused');
    await expect(sim.writeFileAtomic('/etc/fstab', 'x')).rejects.toMatchObject({ code: 'sudo-refused' });
    expect(await sim.readText('/etc/fstab')).toMatch(/anaconda/);
  });

  it('fails privileged file operations by the same scripted rule as commands: prefix match, used up', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => {
      s.failures.push({ argvPrefix: [BIN.install, '-T'], exitCode: 1, stderr: 'install: EIO', times: 2 });
      s.failures.push({
        argvPrefix: [BIN.mkdir, '-p', '-m', '0700'],
        exitCode: 3,
        stderr: 'mkdir: no',
        times: 1,
      });
    });
    for (let i = 0; i < 2; i++)
      await expect(sim.writeFileAtomic('/etc/qs-test', 'x')).rejects.toMatchObject({
        exitCode: 1,
        stderr: 'install: EIO',
      });
    await sim.writeFileAtomic('/etc/qs-test', 'x');
    expect(await sim.readText('/etc/qs-test')).toBe('x');
    // A prefix that does not match (another mode) leaves the failure in place.
    await sim.makeDir('/etc/qs-dir', 0o755);
    await expect(sim.makeDir('/etc/qs-dir2', 0o700)).rejects.toMatchObject({ exitCode: 3 });
    await sim.makeDir('/etc/qs-dir2', 0o700);
    expect(sim.snapshotState().failures).toEqual([]);
  });

  it('reports a missing program and scripted failures', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => {
      s.missingBinaries.push(BIN.qvmPool);
      s.failures.push({ argvPrefix: [BIN.dracut], exitCode: 1, stderr: 'dracut: cannot write', times: 1 });
    });
    await expect(sim.run({ bin: BIN.qvmPool, args: ['list'] })).rejects.toMatchObject({
      code: 'command-missing',
    });
    await expect(
      sim.run({
        bin: BIN.dracut,
        args: ['--force', '/boot/x.img', '6.6.63-1.qubes.fc37.x86_64'],
        privileged: true,
      }),
    ).rejects.toMatchObject({ code: 'command-failed', exitCode: 1 });
    // Only once: the next run succeeds.
    await expect(
      sim.run({
        bin: BIN.dracut,
        args: ['--force', '/boot/x.img', '6.6.63-1.qubes.fc37.x86_64'],
        privileged: true,
      }),
    ).resolves.toMatchObject({ exitCode: 0 });
  });

  it('runs out of space in /boot like a real filesystem', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => {
      const boot = s.mounts.find((m) => m.target === '/boot')!;
      boot.baseUsedBytes = boot.sizeBytes - 1000;
    });
    await expect(sim.writeFileAtomic('/boot/big.img', Buffer.alloc(4096))).rejects.toThrow(
      /No space left on device/,
    );
    expect(await sim.stat('/boot/big.img')).toBeNull();
  });

  it('writes atomically, keeping mode, and never outside its tree', async () => {
    const sim = await tempSim();
    await sim.writeFileAtomic('/boot/grub2/grub.cfg', 'new\n');
    expect(await sim.stat('/boot/grub2/grub.cfg')).toMatchObject({ mode: 0o600, size: 4 });
    await expect(sim.readFile('/../../etc/passwd')).rejects.toThrow(/escapes|does not exist/);
    await expect(sim.readFile('relative')).rejects.toThrow(/absolute/);
  });

  it('streams dracut output lines and rebuilds the image with the module set', async () => {
    const sim = await tempSim();
    const lines: string[] = [];
    await sim.run({
      bin: BIN.dracut,
      args: ['--force', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img', '6.6.63-1.qubes.fc37.x86_64'],
      privileged: true,
      onLine: (l) => lines.push(l),
    });
    expect(lines.some((l) => l.includes('Including module: qubes-pciback'))).toBe(true);
    expect((await sim.readText('/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img')).split('\n')[1]).toBe(
      'kver=6.6.63-1.qubes.fc37.x86_64',
    );
  });
});
