import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate } from '../../../shared/i18n/translate.js';
import { main } from '../../cli/main.js';
import type { SimSystem } from '../../sim/sim-system.js';
import { engineFor } from '../../testing/engine-fixture.js';
import { tempDir, tempSim } from '../../testing/temp-sim.js';
import { PATHS } from './paths.js';
import { stockXenSection } from './verify.js';

const CHOICES = { dom0: { mode: 'zram' as const } };

/** What a forum recipe does: add a kernel word to /etc/default/grub, and forget grub2-mkconfig. */
async function editDefaultGrubOnly(sim: SimSystem): Promise<void> {
  const grub = await sim.readText(PATHS.defaultGrub);
  await sim.writeFileAtomic(
    PATHS.defaultGrub,
    grub.replace(/^GRUB_CMDLINE_LINUX="(.*)"$/m, 'GRUB_CMDLINE_LINUX="$1 mitigations=auto,nosmt"'),
  );
}

describe('a pending /etc/default/grub edit', () => {
  it('is not reported when grub.cfg is what regeneration gives', async () => {
    const sim = await tempSim();
    const { plan } = await engineFor(sim).plan(CHOICES);
    expect(plan.pendingGrub).toEqual([]);
    expect(plan.preconditions.find((p) => p.id === 'grub-pending')).toMatchObject({ ok: true });
    expect(plan.preconditions.find((p) => p.id === 'grub-regenerates')).toMatchObject({ ok: true });
  });

  it('is detected at plan time with a diff of the stock entries, and blocks apply without the choice', async () => {
    const sim = await tempSim();
    const cfgBefore = await sim.readText(PATHS.grubCfg);
    await editDefaultGrubOnly(sim);
    const engine = engineFor(sim);
    const { plan } = await engine.plan(CHOICES);
    expect(plan.pendingGrub.map((p) => p.path)).toEqual([PATHS.grubCfg]);
    const diff = plan.pendingGrub[0]!.diff;
    // The stock Linux lines gain the word; nothing of ours is in it.
    expect(diff).toMatch(
      /^-\tmodule2\t\/vmlinuz-6\.6\.63-1\.qubes\.fc37\.x86_64 placeholder .*rd\.qubes\.hide_all_usb $/m,
    );
    expect(diff).toMatch(
      /^\+\tmodule2\t\/vmlinuz-6\.6\.63-1\.qubes\.fc37\.x86_64 placeholder .*mitigations=auto,nosmt rd\.qubes\.hide_all_usb $/m,
    );
    expect(diff).not.toContain('stateless');
    expect(plan.preconditions.find((p) => p.id === 'grub-pending')).toMatchObject({
      ok: false,
      params: { paths: PATHS.grubCfg },
    });

    await expect(engine.apply(CHOICES)).rejects.toMatchObject({
      code: 'precondition-failed',
      message: expect.stringMatching(/cannot apply: grub-pending/),
      params: expect.objectContaining({ 'grub-pending.paths': PATHS.grubCfg }),
    });
    expect(await sim.readText(PATHS.grubCfg)).toBe(cfgBefore);
    expect(await engine.transactions()).toEqual([]);
  });

  it('is applied when the user includes it, verified against the preview, and rolled back to the original bytes', async () => {
    const sim = await tempSim('qubes-4.3');
    await editDefaultGrubOnly(sim);
    const cfgBefore = await sim.readFile(PATHS.grubCfg);
    const defaultGrubEdited = await sim.readText(PATHS.defaultGrub);
    const engine = engineFor(sim);
    const choices = { ...CHOICES, acceptPendingGrub: true };
    const { plan } = await engine.plan(choices);
    expect(plan.preconditions.filter((p) => !p.ok)).toEqual([]);
    const result = await engine.apply(choices);
    const check = result.checks.find((c) => c.task === 'boot-entries');
    expect(check?.ok).toBe(true);
    expect(translate(check!.detail.key, check!.detail.params)).toContain('as previewed');
    const after = await sim.readText(PATHS.grubCfg);
    expect(stockXenSection(after)).toContain('mitigations=auto,nosmt');
    // Once in grub.cfg, the edit is no longer pending.
    expect((await engine.plan(CHOICES)).plan.pendingGrub).toEqual([]);

    await engine.rollback({});
    expect((await sim.readFile(PATHS.grubCfg)).equals(cfgBefore)).toBe(true);
    // The user's own edit stays: it was never ours to undo.
    expect(await sim.readText(PATHS.defaultGrub)).toBe(defaultGrubEdited);
  });

  it('a grub2-mkconfig that fails already at plan time blocks the plan, with its own words', async () => {
    const sim = await tempSim();
    await sim.tree.writeAtomic('/etc/grub.d/41_custom', '#!/bin/sh\necho "menuentry broken {"\n', {
      mode: 0o755,
    });
    const { plan } = await engineFor(sim).plan(CHOICES);
    expect(plan.preconditions.find((p) => p.id === 'grub-regenerates')).toMatchObject({
      ok: false,
      params: { reason: expect.stringMatching(/grub2-mkconfig .*exit 1.*Syntax errors are detected/) },
    });
  });

  it('on the CLI: plan shows the change and fails; apply says why; --include-pending-grub applies it', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    const io = { out: '', err: '' };
    const cli = async (...argv: string[]) => {
      io.out = '';
      io.err = '';
      return main(argv, { out: (t) => void (io.out += t), err: (t) => void (io.err += t) });
    };
    expect(await cli('sim', 'init', dir, '--profile', 'qubes-4.2')).toBe(0);
    const { SimSystem } = await import('../../sim/sim-system.js');
    await editDefaultGrubOnly(await SimSystem.open(dir));
    expect(await cli('--sim', dir, 'plan', '--mode', 'zram', '--no-sample')).toBe(1);
    expect(io.out).toMatch(/^ {2}FAIL \/boot\/grub2\/grub\.cfg: the stock boot entries differ/m);
    expect(io.out).toMatch(/Pending GRUB change \(not included, so the plan is blocked\):/);
    expect(io.out).toMatch(/^ {2}\+\tmodule2\t\/vmlinuz-\S+ placeholder .*mitigations=auto,nosmt/m);
    expect(await cli('--sim', dir, 'apply', '--mode', 'zram', '--no-sample', '--yes')).toBe(1);
    expect(io.err).toMatch(
      /^Failed: \/boot\/grub2\/grub\.cfg: the stock boot entries differ .*include it \(--include-pending-grub\), or undo that edit first\.$/m,
    );
    expect(
      await cli('--sim', dir, 'apply', '--mode', 'zram', '--no-sample', '--yes', '--include-pending-grub'),
    ).toBe(0);
    expect(io.out).toMatch(/^Installed and verified: transaction /);
  });
});
