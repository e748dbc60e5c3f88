import { describe, expect, it } from 'vitest';
import type { SimSystem } from '../../sim/sim-system.js';
import { BIN } from '../system/binaries.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { readFile } from 'node:fs/promises';
import { PATHS } from '../tasks/paths.js';
import { REPO } from '../../testing/engine-fixture.js';
import { messageText } from '../../../shared/i18n/translate.js';
import { RAM_POOL_DIR, startSession } from './session-start.js';

/** Reboot the simulated dom0 into the stateless entry: root in RAM, our words on the command line, no disk swap. */
async function bootStateless(sim: SimSystem, mode: 'zram' | 'tmpfs'): Promise<void> {
  const cmdline = await sim.readText('/proc/cmdline');
  await sim.tree.writeAtomic('/proc/cmdline', `${cmdline.trim()} rd.qubes.stateless=${mode}\n`);
  await sim.tree.writeAtomic('/proc/swaps', 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  await sim.updateState((s) => {
    const root = s.mounts.find((m) => m.target === '/')!;
    Object.assign(
      root,
      mode === 'zram' ? { source: '/dev/zram0', fsType: 'ext2' } : { source: 'none', fsType: 'tmpfs' },
    );
  });
}

/** The report in the catalogue's words, as the CLI prints it. */
async function startWorded(sim: SimSystem) {
  const r = await startSession(sim);
  return { ...r, done: r.done.map((m) => messageText(m)), problems: r.problems.map((m) => messageText(m)) };
}

describe('stateless session start', () => {
  it('is run by the installed unit through the CLI path the install checks for', async () => {
    const unit = await readFile(`${REPO}/assets/systemd/qubes-stateless-session.service`, 'utf8');
    expect(unit).toMatch(new RegExp(`^ExecStart=${PATHS.sessionCli} session start$`, 'm'));
  });

  it('does nothing in a persistent session', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    expect(await startWorded(sim)).toMatchObject({ ran: false, skipped: 'persistent' });
  });

  it('creates the compressed RAM pool, the template clones and their disposable templates', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    await bootStateless(sim, 'zram');
    const report = await startWorded(sim);
    expect(report.problems).toEqual([]);
    expect(report.done).toHaveLength(4);
    const state = sim.snapshotState();
    // The root took /dev/zram0, so the pool gets a device of its own.
    expect(state.mounts.find((m) => m.target === RAM_POOL_DIR)).toMatchObject({
      source: '/dev/zram1',
      fsType: 'xfs',
    });
    expect(state.pools.find((p) => p.name === 'ram')).toMatchObject({
      driver: 'file-reflink',
      config: { dir_path: RAM_POOL_DIR },
    });
    const clone = state.qubes.find((q) => q.name === 'debian-12-xfce-ram')!;
    expect(clone).toMatchObject({ klass: 'TemplateVM' });
    expect(clone.volumes.root?.pool).toBe('ram');
    const dvm = state.qubes.find((q) => q.name === 'debian-12-xfce-ram-dvm')!;
    expect(dvm.props).toMatchObject({ template: 'debian-12-xfce-ram', template_for_dispvms: 'True' });
    expect(dvm.volumes.private?.pool).toBe('ram');
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_dispvm'] })).stdout).toBe(
      'debian-12-xfce-ram-dvm\n',
    );
    // A qube created in the session lands in the RAM pool; kernels stay where they are.
    for (const p of ['default_pool_root', 'default_pool_private', 'default_pool_volatile']) {
      expect((await sim.run({ bin: BIN.qubesPrefs, args: [p] })).stdout).toBe('ram\n');
    }
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_pool_kernel'] })).stdout).toBe(
      'linux-kernel\n',
    );
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_pool'] })).stdout).toBe('vm-pool\n');
  });

  it('recognises its own RAM pool on a second start in the same session', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    await bootStateless(sim, 'zram');
    expect((await startWorded(sim)).problems).toEqual([]);
    const again = await startWorded(sim);
    // The pool is taken as the RAM pool (no "is not the RAM pool"); the clones exist already.
    expect(again.problems).toEqual([expect.stringMatching(/already exists; left alone/)]);
    expect(again.done).toEqual([expect.stringMatching(/^new qubes of this session go to ram/)]);
  });

  it('leaves a file-reflink pool at the RAM pool directory alone when no zram XFS is mounted there', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    await bootStateless(sim, 'tmpfs');
    // Named and placed like the RAM pool, but only a directory of the root.
    await sim.run({
      bin: BIN.qvmPool,
      args: ['add', 'ram', 'file-reflink', '-o', `dir_path=${RAM_POOL_DIR}`, '-o', 'setup_check=False'],
    });
    const report = await startWorded(sim);
    expect(report.problems[0]).toMatch(
      new RegExp(`is not the RAM pool \\(${RAM_POOL_DIR} is not a mount point`),
    );
    expect(report.problems).toContain(
      'no RAM pool: qubes created in this session are stored on disk and stay after it',
    );
    expect(sim.snapshotState().qubes.some((q) => q.name === 'debian-12-xfce-ram')).toBe(false);
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_pool_private'] })).stdout).toBe('vm-pool\n');
  });

  it('leaves existing qubes alone and reports it', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    await sim.run({ bin: BIN.qvmClone, args: ['debian-12-xfce', 'debian-12-xfce-ram'] });
    await bootStateless(sim, 'tmpfs');
    const report = await startWorded(sim);
    expect(report.problems).toEqual([expect.stringMatching(/already exists; left alone/)]);
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_dispvm'] })).stdout).toBe('default-dvm\n');
  });

  it('makes no clones in a pool named like the RAM pool that is not the RAM pool', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    // Made after the install (the install refuses a taken name): a disk pool that would keep the clones.
    await sim.run({ bin: BIN.qvmPool, args: ['add', 'ram', 'file', '-o', 'dir_path=/var/lib/qubes/ram'] });
    await bootStateless(sim, 'zram');
    const report = await startWorded(sim);
    expect(report.problems).toEqual([
      expect.stringMatching(
        /a pool named ram already exists \(file\) and is not the RAM pool \(its driver is file, not file-reflink\)/,
      ),
      'no RAM pool: qubes created in this session are stored on disk and stay after it',
      'debian-12-xfce-ram: no RAM pool',
    ]);
    expect(sim.snapshotState().qubes.some((q) => q.name === 'debian-12-xfce-ram')).toBe(false);
  });
});
