import { describe, expect, it } from 'vitest';
import { engineFor } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { BIN } from '../system/binaries.js';
import { CONFLICT_DIFF_MAX_BYTES } from '../../../shared/plan.js';
import { PATHS } from './paths.js';

const HAND_EDIT = '# edited by hand\nQS_MODES="tmpfs"\nQS_DOM0_MEM_MAX_MIB="9000"\nQS_LINUX_ARGS=""\n';

async function installed() {
  const sim = await tempSim();
  const engine = engineFor(sim);
  await engine.apply({ dom0: { mode: 'tmpfs' } });
  return { sim, engine, installedConf: await sim.readText(PATHS.grubConf) };
}

const fileConflict = async (engine: ReturnType<typeof engineFor>, path: string) =>
  (await engine.rollbackPreview()).conflicts.find((c) => c.subject === path);

describe('rollback conflicts carry the diff to show before choosing', () => {
  it('a hand-edited file we wrote: the diff from the file as installed to the file now', async () => {
    const { sim, engine, installedConf } = await installed();
    await sim.writeFileAtomic(PATHS.grubConf, HAND_EDIT);
    const c = await fileConflict(engine, PATHS.grubConf);
    expect(c?.view?.kind).toBe('diff');
    if (c?.view?.kind !== 'diff') return;
    expect(c.view.against).toBe('installed');
    expect(c.view.diff).toContain('+# edited by hand');
    expect(c.view.diff).toContain('+QS_DOM0_MEM_MAX_MIB="9000"');
    // Every installed line that is gone shows as removed.
    for (const line of installedConf.split('\n').filter((l) => l && !HAND_EDIT.includes(l)))
      expect(c.view.diff).toContain(`-${line}`);
  });

  it('a removed file: every installed line shows as removed', async () => {
    const { sim, engine, installedConf } = await installed();
    await sim.removeFile(PATHS.grubConf);
    const c = await fileConflict(engine, PATHS.grubConf);
    expect(c?.view).toMatchObject({ kind: 'diff', against: 'installed' });
    if (c?.view?.kind === 'diff') expect(c.view.diff).toContain(`-${installedConf.split('\n')[0]}`);
  });

  it('a regenerated grub.cfg (not kept as installed): the diff from the pre-install copy that Restore brings back', async () => {
    const { sim, engine } = await installed();
    const k = '6.6.70-1.qubes.fc37.x86_64';
    await sim.writeFileAtomic(`/boot/vmlinuz-${k}`, 'kernel');
    await sim.writeFileAtomic(`/boot/config-${k}`, 'CONFIG_XEN_DOM0=y\n');
    await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg], privileged: true });
    const c = await fileConflict(engine, PATHS.grubCfg);
    expect(c?.view).toMatchObject({ kind: 'diff', against: 'before' });
    if (c?.view?.kind === 'diff')
      expect(c.view.diff).toMatch(new RegExp(`^\\+.*${k.replace(/\./g, '\\.')}`, 'm'));
  });

  it('caps huge and binary files with the reason and size instead of a diff', async () => {
    const { sim, engine } = await installed();
    const huge = 'x'.repeat(CONFLICT_DIFF_MAX_BYTES + 1);
    await sim.writeFileAtomic(PATHS.grubConf, huge);
    expect((await fileConflict(engine, PATHS.grubConf))?.view).toEqual({
      kind: 'omitted',
      reason: 'too-large',
      bytes: huge.length,
    });
    await sim.writeFileAtomic(PATHS.grubConf, Buffer.from([0x51, 0x53, 0x00, 0x01]));
    expect((await fileConflict(engine, PATHS.grubConf))?.view).toEqual({
      kind: 'omitted',
      reason: 'binary',
      bytes: 4,
    });
  });
});
