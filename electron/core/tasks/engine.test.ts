import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../shared/plan.js';
import { serializeError } from '../errors.js';
import { BIN } from '../system/binaries.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { PATHS } from './paths.js';
import { stockXenSection } from './verify.js';

const QUBESD_FAILS = {
  argvPrefix: [BIN.qvmVolume, 'config', 'untrusted:root'],
  exitCode: 1,
  stderr: 'qvm-volume: error: Got empty response from qubesd',
  times: 1,
};
const RM_GRUB_CONF_FAILS = {
  argvPrefix: [BIN.rm, '-f', '--', PATHS.grubConf],
  exitCode: 1,
  stderr: 'rm: cannot remove: Read-only file system',
  times: 1,
};

/** Apply every task, expecting it to fail; the error as the CLI and the IPC see it. */
const failedApply = async (sim: Awaited<ReturnType<typeof tempSim>>) =>
  (await engineFor(sim)
    .apply(everyTask())
    .then(
      () => null,
      (e: unknown) => e,
    )) as { code: string; params: Record<string, string | number> } | null;

describe('install engine on a simulated dom0', () => {
  it('refuses a prompt default when grub.cfg has no stock entry id to derive a stable one from, changing nothing', async () => {
    const sim = await tempSim('qubes-4.2');
    const cfg = await sim.readText(PATHS.grubCfg);
    await sim.writeFileAtomic(PATHS.grubCfg, cfg.replace(/ \$menuentry_id_option '[^']*'/g, ''));
    const start = await simDigest(sim);
    const choices = { dom0: { mode: 'zram', selection: 'prompt' } } as const;
    await expect(engineFor(sim).plan(choices)).rejects.toMatchObject({
      code: 'parse-error',
      params: { source: PATHS.grubCfg },
    });
    expect(await simDigest(sim)).toBe(start);
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'applies every task on %s, verifies, and rolls back byte for byte',
    async (profile) => {
      const sim = await tempSim(profile);
      const start = await simDigest(sim);
      const engine = engineFor(sim);
      const EVERY_TASK = everyTask(profile);
      const { plan } = await engine.plan(EVERY_TASK);
      PlanSchema.parse(plan);
      expect(plan.preconditions.filter((p) => !p.ok)).toEqual([]);
      expect(plan.tasks.map((t) => t.id)).toEqual([
        'dracut-module',
        'initramfs',
        'boot-entries',
        'swap',
        'ram-pool',
        'ephemeral-volatile',
        'read-only-root',
        'save-vault',
      ]);
      const oldCfg = await sim.readText(PATHS.grubCfg);
      const result = await engine.apply(EVERY_TASK);
      expect(result.checks.every((c) => c.ok)).toBe(true);
      const cfg = await sim.readText(PATHS.grubCfg);
      expect(cfg).toContain("menuentry 'Qubes (stateless: zram), with Xen hypervisor'");
      expect(cfg).toMatch(
        /multiboot2\t\/xen-[\d.]+\.gz placeholder .*dom0_mem=max:4096M .*dom0_mem=max:\d+M/,
      );
      expect(stockXenSection(cfg)).toBe(stockXenSection(oldCfg));
      // Prompt mode: saved_entry is the entry's stable id (21_qubes_stateless prefixes the stock simple id).
      expect(await sim.readText(PATHS.grubenv)).toMatch(
        /^saved_entry=qubes-stateless-zram-xen-gnulinux-simple-[0-9a-f-]+$/m,
      );
      expect(cfg).toContain(`$menuentry_id_option '${(await sim.readText(PATHS.defaultEntry)).trim()}'`);
      expect(await sim.readText('/proc/swaps')).not.toContain('/dev/dm-2');
      const state = sim.snapshotState();
      expect(state.pools.find((p) => p.name === 'vm-pool')?.config.ephemeral_volatile).toBe('True');
      expect(state.qubes.find((q) => q.name === 'work')?.volumes.root?.rw).toBe(false);
      expect(state.qubes.find((q) => q.name === 'save')?.props.netvm).toBe('');
      expect(JSON.parse(await sim.readText(PATHS.sessionConf))).toMatchObject({
        templates: [
          {
            template: expect.stringMatching(/^debian-1[23]-xfce$/),
            clone: expect.stringMatching(/-xfce-ram$/),
            dvm: expect.stringMatching(/-xfce-ram-dvm$/),
          },
        ],
      });
      expect(
        (
          await sim.run({
            bin: BIN.systemctl,
            args: ['is-enabled', 'qubes-stateless-session.service'],
            expectExit: [0, 1],
          })
        ).stdout,
      ).toBe('enabled\n');
      // Nothing left to do: planning the same choices again is empty.
      expect((await engine.plan(EVERY_TASK)).plan.tasks).toEqual([]);
      await expect(engine.apply(EVERY_TASK)).rejects.toMatchObject({ code: 'invalid-choice' });

      const rb = await engine.rollback({});
      expect(rb.problems).toEqual([]);
      expect(await simDigest(sim)).toBe(start);
    },
  );

  it('streams dracut output and step progress as events', async () => {
    const sim = await tempSim();
    const events: string[] = [];
    await engineFor(sim).apply(
      { dom0: { mode: 'overlay' } },
      {
        onEvent: (e) =>
          events.push(
            e.kind === 'step'
              ? `${e.phase}:${e.task}`
              : e.kind === 'output'
                ? 'output'
                : `verify:${e.task}:${e.ok}`,
          ),
      },
    );
    expect(events.filter((e) => e === 'output').length).toBeGreaterThan(10);
    expect(events).toContain('apply:initramfs');
    expect(events).toContain('verify:boot-entries:true');
  });

  it('undoes everything when a command fails halfway, and records the failed transaction', async () => {
    const sim = await tempSim();
    const start = await simDigest(sim);
    await sim.updateState(
      (s) =>
        void s.failures.push({
          argvPrefix: [BIN.qvmVolume, 'config', 'untrusted:root'],
          exitCode: 1,
          stderr: 'qvm-volume: error: Got empty response from qubesd',
          times: 1,
        }),
    );
    await expect(engineFor(sim).apply(everyTask())).rejects.toMatchObject({
      code: 'command-failed',
      // The error itself says which state the machine is in (the wizard words it from this, never guesses).
      params: { outcome: 'rolled-back' },
    });
    expect(await simDigest(sim)).toBe(start);
    const txs = await engineFor(sim).transactions();
    expect(txs.map((t) => `${t.kind}:${t.status}`)).toEqual(['apply:failed', 'rollback:done']);
  });

  it('says the outcome is unfinished, and what is not undone, when the automatic undo itself fails', async () => {
    const sim = await tempSim();
    const start = await simDigest(sim);
    // Only the undo removes the file the apply created: the second failure hits the undo, not the apply.
    await sim.updateState((s) => void s.failures.push(QUBESD_FAILS, RM_GRUB_CONF_FAILS));
    const err = await failedApply(sim);
    expect(err).toMatchObject({
      code: 'change-interrupted',
      params: { outcome: 'unfinished', kind: 'rollback' },
    });
    const left = String(err!.params.left).split('\n');
    // The file whose removal failed is named, and so is every earlier step the undo never reached.
    expect(left).toContain(PATHS.grubConf);
    expect(left.some((l) => l.startsWith('/usr/lib/dracut/modules.d/'))).toBe(true);
    expect(err!.params.leftCount).toBe(left.length);
    const steps = String(err!.params.leftSteps).split(',').map(Number);
    expect(steps).toHaveLength(left.length);
    // It is journaled as unfinished, so recovery finishes it, and then the machine is as before.
    const txs = await engineFor(sim).transactions();
    expect(txs.map((t) => `${t.kind}:${t.status}`)).toEqual(['apply:in-progress', 'rollback:in-progress']);
    const apply = txs[0]!;
    if (apply.kind !== 'apply') throw new Error('expected the apply first');
    // The step numbers are the apply's own: the first not undone is the one that wrote grub.conf.
    const firstLeft = apply.steps[steps[0]! - 1]!;
    const op = apply.plan.tasks.find((t) => t.id === firstLeft.task)!.operations[firstLeft.index]!;
    expect(op).toMatchObject({ kind: 'write', path: PATHS.grubConf });
    // Recovery finishes the automatic undo itself (never offers to resume the apply it was undoing).
    expect((await engineFor(sim).recoverPreview('rollback')).unfinished).toMatchObject({ kind: 'rollback' });
    await engineFor(sim).recover('rollback');
    expect(await simDigest(sim)).toBe(start);
    expect((await engineFor(sim).transactions()).map((t) => `${t.kind}:${t.status}`)).toEqual([
      'apply:rolled-back',
      'rollback:done',
    ]);
  });

  it('says unfinished, with what is left, when a plain error (not an AppError) stops the undo', async () => {
    const sim = await tempSim();
    const start = await simDigest(sim);
    await sim.updateState((s) => void s.failures.push(QUBESD_FAILS));
    // The undo's first journal write fails as a file system does: a plain Error, with no code or params.
    let once = true;
    const boundary = (point: string) => {
      if (point === 'journal:before-save:rollback' && once) {
        once = false;
        throw new Error('EIO: i/o error, write');
      }
    };
    const err = await engineFor(sim, boundary)
      .apply(everyTask())
      .then(
        () => null,
        (e: unknown) => e,
      );
    // What crosses to the wizard (the IPC sends serializeError's shape): the outcome, not "unknown".
    const sent = serializeError(err);
    expect(sent).toMatchObject({ code: 'internal', kind: 'internal', params: { outcome: 'unfinished' } });
    expect(sent.message).toBe(
      'EIO: i/o error, write; this change is unfinished: run "qubes-stateless recover --rollback --yes"',
    );
    expect(sent.params.message).toBe(sent.message);
    // The undo never started: all 29 started apply steps (see below) are left, the 29th first.
    expect(sent.params.leftCount).toBe(29);
    expect(String(sent.params.leftSteps).split(',').map(Number)).toEqual(
      Array.from({ length: 29 }, (_, i) => 29 - i),
    );
    await engineFor(sim).recover('rollback');
    expect(await simDigest(sim)).toBe(start);
  });

  it("says unchanged, with what to do, when a plain error stops the journal's first write", async () => {
    const sim = await tempSim();
    const start = await simDigest(sim);
    const boundary = (point: string) => {
      if (point === 'journal:before-save:apply') throw new Error('ENOSPC: no space left on device, write');
    };
    const err = await engineFor(sim, boundary)
      .apply(everyTask())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(serializeError(err)).toMatchObject({
      code: 'internal',
      message: 'ENOSPC: no space left on device, write; nothing was changed. Fix the cause and apply again',
      params: { outcome: 'unchanged' },
    });
    expect(await engineFor(sim).transactions()).toEqual([]);
    expect(await simDigest(sim)).toBe(start);
  });

  it('says rolled-back only when the undo finished, with how many steps it undid', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => void s.failures.push(QUBESD_FAILS));
    const err = await failedApply(sim);
    expect(err?.params.outcome).toBe('rolled-back');
    // Counted by hand from every task's plan on the qubes-4.2 profile: the boot module 8 (its folder, 6 files, the
    // dracut conf), the images of its 2 kernels 2, the boot menu 9 (3 folders, 4 files, grub.cfg, grubenv), swap 3
    // (fstab, daemon-reload, swapoff), the RAM pool 4, ephemeral volatile 1, read-only roots 2 (work, then
    // untrusted: the step that fails, the 29th; it started, so it is undone too).
    expect(err?.params.undoneSteps).toBe(29);
  });

  it('says "differs", not "unfinished", when the undo finished but something else changed a file meanwhile', async () => {
    const sim = await tempSim();
    await sim.updateState((s) => void s.failures.push(QUBESD_FAILS));
    // Another writer edits /etc/fstab (which the install changed) while the undo runs its commands.
    const run = sim.run.bind(sim);
    let failed = false;
    sim.run = async (cmd) => {
      const r = await run(cmd).catch((e: unknown) => {
        if (cmd.bin === BIN.qvmVolume && cmd.args[0] === 'config') failed = true;
        throw e;
      });
      if (failed) await sim.writeFileAtomic(PATHS.fstab, '# someone else\n');
      return r;
    };
    const err = await failedApply(sim);
    expect(err?.params.outcome).toBe('differs');
    expect(String(err?.params.left)).toContain(PATHS.fstab);
    // Nothing is left to recover: the rollback is journaled done, and recover says so.
    await expect(engineFor(sim).recover('rollback')).rejects.toMatchObject({ code: 'nothing-to-recover' });
  });

  it('detects drift after the install and never overwrites it silently', async () => {
    const sim = await tempSim();
    const engine = engineFor(sim);
    await engine.apply({ dom0: { mode: 'tmpfs' }, ephemeralVolatile: true });
    await sim.writeFileAtomic(
      PATHS.grubConf,
      '# edited by hand\nQS_MODES="tmpfs"\nQS_DOM0_MEM_MAX_MIB="9000"\nQS_LINUX_ARGS=""\n',
    );
    await sim.run({ bin: BIN.qvmPool, args: ['set', 'vm-pool', '-o', 'ephemeral_volatile=False'] });
    const { conflicts } = await engine.rollbackPreview();
    expect(conflicts.map((c) => [c.kind, c.subject, c.recommended])).toEqual([
      ['setting-changed', 'pool vm-pool option ephemeral_volatile', 'keep'],
      ['file-changed', PATHS.grubConf, 'keep'],
    ]);
    const before = await simDigest(sim, { includeJournal: true });
    await expect(engine.rollback({})).rejects.toMatchObject({ code: 'rollback-conflicts' });
    expect(await simDigest(sim, { includeJournal: true })).toBe(before);
    const byId = Object.fromEntries(
      conflicts.map((c) => [c.id, c.kind === 'file-changed' ? 'keep' : 'restore'] as const),
    );
    await engine.rollback(byId);
    // The hand edit survives; everything else is back.
    expect(await sim.readText(PATHS.grubConf)).toContain('edited by hand');
    expect(await sim.stat(PATHS.grubScript)).toBeNull();
  });

  it('after a kernel update, rollback regenerates grub.cfg instead of restoring a stale one', async () => {
    const sim = await tempSim();
    const engine = engineFor(sim);
    await engine.apply({ dom0: { mode: 'zram' } });
    // A new kernel arrives; the kernel-install hook reruns grub2-mkconfig.
    const k = '6.6.70-1.qubes.fc37.x86_64';
    await sim.writeFileAtomic(`/boot/vmlinuz-${k}`, 'kernel');
    await sim.writeFileAtomic(`/boot/config-${k}`, 'CONFIG_XEN_DOM0=y\n');
    await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg], privileged: true });
    const { conflicts } = await engine.rollbackPreview();
    const cfgConflict = conflicts.find((c) => c.subject === PATHS.grubCfg)!;
    expect(cfgConflict).toMatchObject({ kind: 'file-changed', recommended: 'regenerate' });
    await engine.rollback({ [cfgConflict.id]: 'regenerate' });
    const cfg = await sim.readText(PATHS.grubCfg);
    expect(cfg).toContain(k);
    expect(cfg).not.toContain('stateless');
  });

  it('asks before removing a created qube that now holds data', async () => {
    const sim = await tempSim();
    const engine = engineFor(sim);
    await engine.apply({ dom0: { mode: 'overlay' }, saveVault: { enabled: true, name: 'keepsake' } });
    await sim.updateState(
      (s) => void (s.qubes.find((q) => q.name === 'keepsake')!.volumes.private!.usageBytes = 52_428_800),
    );
    const { conflicts } = await engine.rollbackPreview();
    expect(conflicts).toMatchObject([
      { kind: 'qube-has-data', subject: 'keepsake', options: ['remove', 'keep'], recommended: 'keep' },
    ]);
    await engine.rollback({ [conflicts[0]!.id]: 'keep' });
    expect(sim.snapshotState().qubes.some((q) => q.name === 'keepsake')).toBe(true);
  });

  it('stacks a second install and rolls both back to the original bytes', async () => {
    const sim = await tempSim();
    const start = await simDigest(sim);
    const engine = engineFor(sim);
    await engine.apply({ dom0: { mode: 'zram', selection: 'entry' } });
    await engine.apply({ dom0: { mode: 'tmpfs', selection: 'prompt' }, swap: 'disable' });
    expect(await sim.readText(PATHS.grubConf)).toContain('QS_MODES="tmpfs"');
    await engine.rollback({});
    expect(await sim.readText(PATHS.grubConf)).toContain('QS_MODES="zram"');
    await engine.rollback({});
    expect(await simDigest(sim)).toBe(start);
    await expect(engine.rollback({})).rejects.toMatchObject({ code: 'nothing-installed' });
  });

  it('edits /etc/default/grub only when the entry would be unreachable, and restores its exact bytes', async () => {
    const sim = await tempSim();
    const original = `${await sim.readText(PATHS.defaultGrub)}GRUB_TIMEOUT=0\nGRUB_TIMEOUT_STYLE=hidden\n`;
    await sim.writeFileAtomic(PATHS.defaultGrub, original);
    const engine = engineFor(sim);
    const { plan } = await engine.plan({ dom0: { mode: 'zram' } });
    const edit = plan.tasks
      .flatMap((t) => t.operations)
      .find((o) => o.kind === 'write' && o.path === PATHS.defaultGrub);
    const diff = edit?.kind === 'write' ? edit.diff : '';
    expect(diff).toMatch(/^--- a\/etc\/default\/grub/);
    expect(
      diff
        .split('\n')
        .filter((l) => /^[-+]GRUB/.test(l))
        .sort(),
    ).toEqual([
      '+GRUB_TIMEOUT=5',
      '+GRUB_TIMEOUT_STYLE=menu',
      '-GRUB_TIMEOUT=0',
      '-GRUB_TIMEOUT_STYLE=hidden',
    ]);
    await engine.apply({ dom0: { mode: 'zram' } });
    await engine.rollback({});
    expect(await sim.readText(PATHS.defaultGrub)).toBe(original);
  });

  it('refuses an apply whose plan changed since it was reviewed', async () => {
    const sim = await tempSim();
    const engine = engineFor(sim);
    const { digest } = await engine.plan({ dom0: { mode: 'zram' }, swap: 'disable' });
    await sim.writeFileAtomic(PATHS.fstab, `${await sim.readText(PATHS.fstab)}# a comment added meanwhile\n`);
    const before = await simDigest(sim, { includeJournal: true });
    await expect(
      engine.apply({ dom0: { mode: 'zram' }, swap: 'disable' }, { expectedDigest: digest }),
    ).rejects.toMatchObject({ code: 'drift-since-plan' });
    expect(await simDigest(sim, { includeJournal: true })).toBe(before);
  });
});
