import { describe, expect, it } from 'vitest';
import { DoctorResultSchema } from '../../../shared/doctor.js';
import { BIN } from '../system/binaries.js';
import { RealSystem } from '../system/real-system.js';
import type { Command, CommandResult, FileInfo, SystemReader } from '../system/system.js';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { isReadOnlyCommand } from './read-only-commands.js';
import { RecordingSystem } from './recording-system.js';
import { runDoctor } from './run-doctor.js';

const opts = { assetsDir: testAssetsDir() };

/** A reader that counts what reaches it, to prove the recorder stops writes and unsafe commands before it. */
class CountingReader implements SystemReader {
  readonly kind = 'simulated' as const;
  readonly description = 'counting';
  readonly ran: Command[] = [];
  async readFile(): Promise<Buffer> {
    return Buffer.from('x');
  }
  async readText(): Promise<string> {
    return 'x';
  }
  async stat(): Promise<FileInfo | null> {
    return null;
  }
  async listDir(): Promise<string[]> {
    return [];
  }
  async sha256(): Promise<string | null> {
    return null;
  }
  async run(cmd: Command): Promise<CommandResult> {
    this.ran.push(cmd);
    return { exitCode: 0, stdout: '', stderr: '' };
  }
}

describe('read-only commands', () => {
  it.each([
    [BIN.qvmLs, ['--raw-data', '--fields', 'NAME,CLASS']],
    [BIN.qvmPrefs, ['work', 'memory']],
    [BIN.qvmPrefs, ['--hide-default', 'work']],
    [BIN.qubesPrefs, []],
    [BIN.qubesPrefs, ['default_netvm']],
    [BIN.qvmPool, ['info', 'vm-pool']],
    [BIN.qvmPool, ['ls']],
    [BIN.qvmVolume, ['list', '--full']],
    [BIN.qvmVolume, ['info', 'work:private', 'usage']],
    [BIN.qvmFeatures, ['work', 'gui']],
    [BIN.xl, ['info']],
    [BIN.systemctl, ['is-enabled', '--', 'x.service']],
    [BIN.true, []],
    [BIN.lsinitrd, ['-m', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img']],
    [BIN.grub2Mkconfig, []],
    ['/usr/bin/find', ['/etc/grub.d', '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0']],
    ['/usr/bin/sha256sum', ['--', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img']],
  ])('allows %s %j', (bin, args) => expect(isReadOnlyCommand({ bin, args })).toBe(true));

  it.each([
    [BIN.qvmPrefs, ['work', 'memory', '400']],
    [BIN.qvmPrefs, ['work', 'memory', '--default']],
    [BIN.qvmPrefs, ['-s', 'work', 'memory']],
    [BIN.qvmPrefs, []],
    [BIN.qubesPrefs, ['default_netvm', 'sys-net']],
    [BIN.qubesPrefs, ['-D', 'default_netvm']],
    [BIN.qvmPool, ['set', 'vm-pool', '-o', 'ephemeral_volatile=True']],
    [BIN.qvmPool, ['add', 'ram', 'file-reflink']],
    [BIN.qvmPool, ['remove', 'ram']],
    // Legacy options are found anywhere in argv (qvm_pool.py uses_legacy_options), whatever the subcommand.
    [BIN.qvmPool, ['info', 'vm-pool', '--add']],
    [BIN.qvmPool, ['-s', 'info', '-o', 'revisions_to_keep=1']],
    [BIN.qvmVolume, ['config', 'work:root', 'rw', 'False']],
    [BIN.qvmVolume, ['s', 'work:root', 'rw', 'False']],
    [BIN.qvmVolume, ['resize', 'work:private', '10G']],
    [BIN.qvmFeatures, ['work', 'gui', '1']],
    [BIN.qvmFeatures, ['-D', 'work', 'gui']],
    [BIN.systemctl, ['enable', 'x.service']],
    [BIN.xl, ['mem-set', '0', '4096']],
    [BIN.true, ['x']],
    ['/usr/bin/find', ['/etc/grub.d', '-delete']],
    ['/usr/bin/find', ['/', '-exec', 'rm', '{}', ';']],
    [BIN.lsinitrd, ['--unpack', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img']],
    [BIN.grub2Mkconfig, ['-o', '/boot/grub2/grub.cfg']],
    [BIN.grub2Mkconfig, ['--output=/boot/grub2/grub.cfg']],
    [BIN.dracut, ['--force']],
    [BIN.qvmCreate, ['x']],
    [BIN.swapoff, ['/dev/dm-2']],
    [BIN.mv, ['a', 'b']],
    ['/usr/bin/sh', ['-c', 'true']],
  ])('refuses %s %j', (bin, args) => expect(isReadOnlyCommand({ bin, args })).toBe(false));
});

describe('RecordingSystem', () => {
  it('refuses every write and every command that is not read-only before it reaches the system, and records it', async () => {
    const inner = new CountingReader();
    const rec = new RecordingSystem(inner);
    await expect(rec.writeFileAtomic('/etc/default/grub')).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(rec.removeFile('/etc/fstab')).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(rec.makeDir('/x')).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(rec.removeDir('/x')).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(rec.copyFile('/a', '/b')).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(
      rec.run({ bin: BIN.grub2Mkconfig, args: ['-o', '/boot/grub2/grub.cfg'], privileged: true }),
    ).rejects.toMatchObject({ code: 'doctor-refused' });
    await expect(rec.run({ bin: BIN.qvmPrefs, args: ['work', 'memory', '400'] })).rejects.toMatchObject({
      code: 'doctor-refused',
    });
    expect(inner.ran).toEqual([]);
    expect(rec.events.map((e) => e.op)).toEqual(['write', 'write', 'write', 'write', 'write', 'run', 'run']);
    await rec.run({ bin: BIN.qvmLs, args: ['--raw-list'] });
    expect(inner.ran).toEqual([{ bin: BIN.qvmLs, args: ['--raw-list'] }]);
    expect(rec.events.at(-1)).toMatchObject({
      op: 'run',
      bin: BIN.qvmLs,
      exitCode: 0,
      refused: false,
      error: null,
    });
  });
});

describe('doctor', () => {
  it.each(['qubes-4.2', 'qubes-4.3'])(
    'on %s runs every probe, changes nothing and runs only read-only commands',
    async (profile) => {
      const sim = await tempSim(profile);
      const before = await simDigest(sim, { includeJournal: true });
      const { result, facts } = await runDoctor(sim, opts);
      expect(await simDigest(sim, { includeJournal: true })).toBe(before);
      const log = await sim.commandLog();
      expect(log.length).toBeGreaterThan(10);
      for (const { argv } of log) {
        const [bin, ...args] = argv[0] === BIN.sudo ? argv.slice(3) : argv;
        expect(isReadOnlyCommand({ bin: bin!, args }), argv.join(' ')).toBe(true);
      }
      DoctorResultSchema.parse(result);
      expect(result).toMatchObject({ ok: true, simulated: true, counts: { problem: 0 } });
      expect(facts?.qubesRelease).toBe(profile.slice(6));
      // Every command the app ran is one line of the doctor, with its exact argv and exit status; the rest of the
      // machine's log is the System's own way of reading root-only files (shown as the file reads they are).
      const shown = result.checks.filter((c) => c.command).map((c) => c.command!.argv.join(' '));
      const rest = log.map((l) => l.argv.join(' '));
      for (const s of shown) {
        expect(rest, s).toContain(s);
        rest.splice(rest.indexOf(s), 1);
      }
      for (const r of rest)
        expect(r).toMatch(/^\/usr\/bin\/sudo -n -- \/usr\/bin\/(stat|find|sha256sum|cat) /);
      expect(shown.length).toBeGreaterThan(25);
      const ids = result.checks.map((c) => c.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'programs:all',
          'readiness:boot-mode',
          'readiness:boot-space',
          'plan:sudo',
          'plan:boot-space',
          'plan:xfsprogs',
        ]),
      );
      expect(result.checks.find((c) => c.command?.argv.includes('memory'))).toMatchObject({
        group: 'probes',
        status: 'ok',
        command: { exitCode: 0 },
      });
    },
  );

  it('shows a refused sudo with what to do, and still runs the stages that do not need it', async () => {
    const sim = await tempSim('qubes-4.3');
    await sim.updateState((s) => void (s.sudo = 'refused'));
    const { result } = await runDoctor(sim, opts);
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({
      group: 'sudo',
      status: 'problem',
      hint: 'doctor.hint.sudo',
      command: { argv: [BIN.sudo, '-n', '--', BIN.true], exitCode: 1 },
    });
    expect(result.checks.find((c) => c.id === 'programs:all')?.status).toBe('ok');
    const xl = result.checks.find((c) => c.group === 'probes' && c.command?.argv.includes(BIN.xl));
    expect(xl).toMatchObject({
      status: 'problem',
      params: { code: 'sudo-refused' },
      command: { argv: [BIN.sudo, '-n', '--', BIN.xl, 'info'], exitCode: 1 },
    });
    expect(result.checks.find((c) => c.id === 'probes:failed')).toMatchObject({
      status: 'problem',
      params: { code: 'sudo-refused' },
    });
  });

  it('names the failing command of a probe with its exit status and stderr, and a missing program', async () => {
    const sim = await tempSim('qubes-4.2');
    await sim.updateState((s) => {
      s.failures.push({
        argvPrefix: [BIN.qvmPool, 'list'],
        exitCode: 2,
        stderr: 'qvm-pool: error: qubesd is not running',
        times: 1,
      });
      s.missingBinaries.push(BIN.dracut);
    });
    await sim.tree.remove(BIN.dracut);
    const { result } = await runDoctor(sim, opts);
    expect(result.checks.find((c) => c.id === `programs:${BIN.dracut}`)).toMatchObject({
      status: 'problem',
      key: 'doctor.programs.missing',
      hint: 'doctor.hint.program',
    });
    const pool = result.checks.find((c) => c.command?.argv.join(' ') === `${BIN.qvmPool} list`);
    expect(pool).toMatchObject({ status: 'problem', command: { exitCode: 2 }, hint: 'doctor.hint.command' });
    expect(String(pool!.params.message)).toMatch(/qubesd is not running/);
    // The probes before it ran and passed, each on its own line.
    expect(
      result.checks.filter((c) => c.group === 'probes' && c.status === 'ok' && c.command).length,
    ).toBeGreaterThan(5);
  });
});

describe('doctor on this (non-Qubes) machine, through the real System', () => {
  it('says it is not a Qubes dom0 and what to do, after checking sudo and the programs', async () => {
    const { result, events } = await runDoctor(new RealSystem(), opts);
    expect(result.simulated).toBe(false);
    expect(result.checks.find((c) => c.id === 'probes:failed')).toMatchObject({
      status: 'problem',
      params: { code: 'not-qubes' },
      hint: 'doctor.hint.release',
    });
    expect(result.checks[0]).toMatchObject({
      group: 'sudo',
      command: { argv: [BIN.sudo, '-n', '--', BIN.true] },
    });
    // Nothing but reads reached the machine.
    expect(events.filter((e) => e.op === 'write' || (e.op === 'run' && e.refused))).toEqual([]);
  });
});
