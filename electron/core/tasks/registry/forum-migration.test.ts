import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ForumFamily } from '../../../../shared/forum-install.js';
import type { PlannedTask } from '../../../../shared/plan.js';
import type { SimSystem } from '../../../sim/sim-system.js';
import { engineFor } from '../../../testing/engine-fixture.js';
import { simDigest, simFiles } from '../../../testing/sim-digest.js';
import { tempSim } from '../../../testing/temp-sim.js';
import { TX_DIR } from '../../journal/journal-store.js';
import type { ApplyTransaction } from '../../journal/transaction.js';
import { BIN } from '../../system/binaries.js';
import { probeFacts } from '../../probes/probe-facts.js';
import { PATHS } from '../paths.js';

/** Each forum profile: plan -> apply -> the leftovers handled as planned -> rollback -> the recipe's bytes back. */

const CHOICES = { dom0: { mode: 'zram' } } as const;
const OMIT_CONF = '/etc/dracut.conf.d/91-qubes-stateless-forum.conf';
const CUSTOM = '/etc/grub.d/40_custom';
const IMAGE = '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img';

const migration = (tasks: readonly PlannedTask[]) => tasks.find((t) => t.id === 'forum-migration');
/** The module list a simulated image carries in clear (boot-render.ts renderInitramfs). */
const imageModules = async (sim: SimSystem) =>
  /^modules=(.*)$/m.exec((await sim.readFile(IMAGE)).subarray(0, 4096).toString('latin1'))![1]!.split(' ');

/** `operations`: how many the migration plans for that recipe (read from electron/sim/profiles/forum.ts). */
async function migrateAndRollBack(
  family: ForumFamily,
  operations: number,
  check: (sim: SimSystem) => Promise<void>,
): Promise<{ tasks: PlannedTask[] }> {
  const sim = await tempSim('qubes-4.2', family);
  const start = await simDigest(sim);
  const before = await simFiles(sim);
  const engine = engineFor(sim);
  expect((await probeFacts(sim)).forumInstall?.migrated).toBe(false);
  const { plan } = await engine.plan(CHOICES);
  expect(plan.preconditions.filter((p) => !p.ok)).toEqual([]);
  const result = await engine.apply(CHOICES);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.checks.find((c) => c.task === 'forum-migration')?.detail).toEqual({
    key: 'verify.inPlace',
    params: { count: operations },
  });
  await check(sim);
  // Found still, now as moved into ours: a new plan has nothing more to do for it.
  expect((await probeFacts(sim)).forumInstall?.migrated).toBe(true);
  expect(migration((await engine.plan(CHOICES)).plan.tasks)?.operations ?? []).toEqual([]);
  await engine.rollback();
  const after = await simFiles(sim);
  // Readable on failure: which files differ from the recipe's install.
  expect([...after].filter(([p, h]) => before.get(p) !== h).map(([p]) => p)).toEqual([]);
  expect([...before.keys()].filter((p) => !after.has(p))).toEqual([]);
  expect(await simDigest(sim)).toBe(start);
  return { tasks: plan.tasks };
}

describe('forum migration task', () => {
  it('plans nothing on a dom0 without a forum install, and nothing when the user keeps it', async () => {
    const clean = await tempSim('qubes-4.2');
    expect(migration((await engineFor(clean).plan(CHOICES)).plan.tasks)?.operations ?? []).toEqual([]);
    const forum = await tempSim('qubes-4.2', 'xuy');
    const kept = await engineFor(forum).plan({ ...CHOICES, migrateForum: false });
    expect(migration(kept.plan.tasks)?.operations ?? []).toEqual([]);
  });

  it("xuy: the module is omitted, the 'Qubes in tmpfs' entry leaves the menu, and a rollback restores both", async () => {
    const { tasks } = await migrateAndRollBack('xuy', 2, async (sim) => {
      expect(await sim.readText(OMIT_CONF)).toBe(
        '# qubes-stateless: forum recipe modules taken out of every initramfs (migration).\n' +
          '# A rollback of that migration removes this file.\n' +
          'omit_dracutmodules+=" ramboot "\n',
      );
      const modules = await imageModules(sim);
      expect(modules).toContain('qubes-stateless');
      expect(modules).not.toContain('ramboot');
      const cfg = await sim.readText(PATHS.grubCfg);
      expect(cfg).not.toContain("menuentry 'Qubes in tmpfs'");
      expect(cfg).toContain("menuentry 'Qubes (stateless: zram), with Xen hypervisor'");
      // The recipe's module files, conf and the normal entry's raised dom0_mem are kept.
      expect(await sim.stat('/usr/lib/dracut/modules.d/01ramboot/ramboot.sh')).not.toBeNull();
      expect(await sim.readText('/etc/dracut.conf.d/ramboot.conf')).toContain(
        'add_dracutmodules+=" ramboot "',
      );
      expect(await sim.readText(PATHS.defaultGrub)).toContain('dom0_mem=max:12288M');
    });
    const ops = migration(tasks)!.operations;
    expect(ops.map((o) => [o.kind, 'path' in o ? o.path : ''])).toEqual([
      ['write', OMIT_CONF],
      ['write', CUSTOM],
    ]);
    const custom = ops[1]!;
    expect(custom.kind === 'write' && custom.beforeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(custom.kind === 'write' && custom.diff).toContain("-menuentry 'Qubes in tmpfs'");
    expect(custom.kind === 'write' && custom.content).toBe(
      "#!/usr/bin/sh\nexec tail -n +3 $0\n# This file provides an easy way to add custom menu entries.  Simply type the\n# menu entries you want to add after this comment.  Be careful not to change\n# the 'exec tail' line above.\n",
    );
    // The images and grub.cfg are regenerated by the later tasks, with the planner's own builders.
    expect(
      tasks.find((t) => t.id === 'initramfs')!.operations.map((o) => o.kind === 'generate' && o.command.bin),
    ).toEqual([BIN.dracut, BIN.dracut]);
    const grub = tasks.find((t) => t.id === 'boot-entries')!.operations.find((o) => o.kind === 'generate');
    expect(grub).toMatchObject({ command: { bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg] } });
  });

  it("leandroibov: the module is omitted; the .bak files and the recipe's /etc/default/grub and fstab stay", async () => {
    const { tasks } = await migrateAndRollBack('leandroibov', 1, async (sim) => {
      expect(await imageModules(sim)).not.toContain('ramboot');
      expect(await sim.readText('/etc/default/grub.bak')).not.toContain('dom0_mem=max:10240M');
      expect(await sim.readText(PATHS.defaultGrub)).toContain('dom0_mem=max:10240M');
      expect(await sim.stat('/etc/fstab.bak')).not.toBeNull();
    });
    expect(migration(tasks)!.operations.map((o) => [o.kind, 'path' in o ? o.path : ''])).toEqual([
      ['write', OMIT_CONF],
    ]);
  });

  it('RamLovingPenguin: livemode omitted, both live entries out of the menu, rw.service disabled; rollback enables it', async () => {
    const wants = '/etc/systemd/system/multi-user.target.wants/rw.service';
    const { tasks } = await migrateAndRollBack('ramlovingpenguin', 3, async (sim) => {
      expect(await imageModules(sim)).not.toContain('livemode');
      const cfg = await sim.readText(PATHS.grubCfg);
      expect(cfg).not.toContain('Qubes live mode');
      expect(await sim.stat(wants)).toBeNull();
      const state = sim.snapshotState();
      // Kept: the pool, the pool option and the read-only roots the unit had set.
      expect(state.pools.find((p) => p.name === 'rampool')?.driver).toBe('file');
      expect(state.pools.find((p) => p.name === 'vm-pool')?.config.ephemeral_volatile).toBe('True');
      expect(state.qubes.find((q) => q.name === 'work')?.volumes.root?.rw).toBe(false);
    });
    const ops = migration(tasks)!.operations;
    expect(ops.map((o) => o.kind)).toEqual(['write', 'write', 'setting']);
    expect(ops[2]).toMatchObject({
      kind: 'setting',
      ref: { kind: 'unit-enabled', unit: 'rw.service' },
      from: 'enabled',
      to: 'disabled',
      command: { bin: BIN.systemctl, args: ['disable', '--', 'rw.service'], privileged: true },
    });
  });
});

it('40_custom keeps its own mode through the migration and its rollback (not the stock 0755)', async () => {
  const sim = await tempSim('qubes-4.2', 'xuy');
  await sim.writeFileAtomic(CUSTOM, await sim.readText(CUSTOM), { mode: 0o700 });
  expect((await sim.stat(CUSTOM))?.mode).toBe(0o700);
  const engine = engineFor(sim);
  const op = migration((await engine.plan(CHOICES)).plan.tasks)!.operations.find(
    (o) => o.kind === 'write' && o.path === CUSTOM,
  );
  expect(op).toMatchObject({ kind: 'write', mode: 0o700 });
  await engine.apply(CHOICES);
  expect(await sim.readText(CUSTOM)).not.toContain('Qubes in tmpfs');
  expect((await sim.stat(CUSTOM))?.mode).toBe(0o700);
  await engine.rollback();
  expect(await sim.readText(CUSTOM)).toContain('Qubes in tmpfs');
  expect((await sim.stat(CUSTOM))?.mode).toBe(0o700);
});

describe('journal trust and the forum migration', () => {
  async function installedForum(family: ForumFamily) {
    const sim = await tempSim('qubes-4.2', family);
    const r = await engineFor(sim).apply(CHOICES);
    const file = sim.tree.hostPath(`${TX_DIR}/${r.transaction.id}.json`);
    const tx = JSON.parse(await readFile(file, 'utf8')) as ApplyTransaction;
    return { sim, file, tx };
  }
  const forumOps = (tx: ApplyTransaction) =>
    tx.plan.tasks.find((t) => t.id === 'forum-migration')!.operations;

  it("accepts the migration's journal (its rollback preview lists the unit's re-enable)", async () => {
    const { sim } = await installedForum('ramlovingpenguin');
    const preview = await engineFor(sim).rollbackPreview();
    expect(preview.conflicts).toEqual([]);
    expect(preview.commands.map((c) => c.argv.join(' '))).toContain(
      '/usr/bin/sudo -n -- /usr/bin/systemctl enable -- rw.service',
    );
  });

  it('refuses a journal whose disabled unit was changed into another one', async () => {
    const { sim, file, tx } = await installedForum('ramlovingpenguin');
    const op = forumOps(tx)[2]!;
    if (op.kind !== 'setting' || op.ref.kind !== 'unit-enabled') throw new Error('not the unit setting');
    op.ref.unit = 'sshd.service';
    op.command = { ...op.command, args: ['disable', '--', 'sshd.service'] };
    await writeFile(file, JSON.stringify(tx));
    await expect(engineFor(sim).rollbackPreview()).rejects.toMatchObject({
      code: 'journal-untrusted',
      params: { entry: 'task forum-migration operation 2 (setting)' },
    });
  });

  it("refuses a journal whose omit conf would omit something other than the recipes' modules", async () => {
    const { sim, file, tx } = await installedForum('xuy');
    const op = forumOps(tx)[0]!;
    if (op.kind !== 'write') throw new Error('not the omit conf');
    op.content = op.content.replace(' ramboot ', ' crypt ');
    const { createHash } = await import('node:crypto');
    op.sha256 = createHash('sha256').update(op.content).digest('hex');
    await writeFile(file, JSON.stringify(tx));
    await expect(engineFor(sim).rollbackPreview()).rejects.toMatchObject({
      code: 'journal-untrusted',
      params: { entry: 'task forum-migration operation 0 (write)' },
    });
  });

  it('refuses a journal that says 40_custom did not exist before the migration (its rollback would delete it)', async () => {
    const { sim, file, tx } = await installedForum('xuy');
    const op = forumOps(tx)[1]!;
    if (op.kind !== 'write' || op.path !== CUSTOM) throw new Error('not the 40_custom edit');
    op.beforeSha256 = null;
    await writeFile(file, JSON.stringify(tx));
    await expect(engineFor(sim).rollbackPreview()).rejects.toMatchObject({
      code: 'journal-untrusted',
      params: { entry: 'task forum-migration operation 1 (write)' },
    });
    expect(await sim.stat(CUSTOM)).not.toBeNull();
  });
});
