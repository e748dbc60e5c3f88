import { describe, expect, it } from 'vitest';
import type { WizardChoicesInput } from '../../../shared/choices.js';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import { computeRamModel, ramInputFrom } from '../../../shared/ram/model.js';
import { Engine } from './engine.js';
import { PATHS, entryTitle } from './paths.js';
import { modelSizing } from './sizing.js';
import { measureRam } from '../ram/estimate-ram.js';
import { probeFacts } from '../probes/probe-facts.js';
import { testAssetsDir } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { entryCmdlines } from '../../sim/sim-boot.js';

/** The Xen and Linux words of a grub.cfg entry, by title (read as the simulated boot reads them). */
function entryWords(cfg: string, title: string): { xen: string[]; linux: string[] } {
  const lines = entryCmdlines(cfg, title);
  expect(lines, `no entry '${title}' in grub.cfg`).not.toBeNull();
  const words = (line: string) => line.split(/\s+/).filter(Boolean);
  return { xen: words(lines!.xen), linux: words(lines!.linux) };
}

/**
 * The words the RAM screen and the Review show are the installed entry's: the plan and the screen share one
 * builder (shared/boot-entry.ts), and the simulated dom0's grub2-mkconfig runs the real 21_qubes_stateless on
 * the grub.conf it wrote. So what the stateless entry carries beyond the normal entry is exactly those words.
 */
describe('the stateless entry shown is the one installed', () => {
  const cases: [string, WizardChoicesInput][] = [
    [
      'zram with the prompt and hardening',
      { dom0: { mode: 'zram', selection: 'prompt', promptTimeoutSec: 15 } },
    ],
    ['tmpfs without hardening', { dom0: { mode: 'tmpfs', selection: 'entry', hardening: false } }],
    ['overlay with a chosen dom0_mem', { dom0: { mode: 'overlay', dom0MemMaxMiB: 6144 } }],
  ];
  it.each(cases)('%s', async (_name, input) => {
    const sim = await tempSim();
    const facts = await probeFacts(sim);
    const choices = WizardChoicesSchema.parse(input);
    // Measured once, as the app does: the RAM screen's model and the plan's sizing read the same figures.
    const measurements = await measureRam(sim, facts, {});
    const shown = computeRamModel(ramInputFrom(facts, choices, measurements)).cmdline;
    const engine = new Engine({
      sys: sim,
      assetsDir: testAssetsDir(),
      sizing: modelSizing(async () => measurements),
    });
    const { plan } = await engine.plan(choices);
    expect(plan.ram.cmdline).toEqual(shown);
    await engine.apply(choices);

    expect(await sim.readText(PATHS.grubConf)).toBe(shown.grubConf);
    const cfg = await sim.readText(PATHS.grubCfg);
    const normal = entryWords(cfg, 'Qubes, with Xen hypervisor');
    const ours = entryWords(cfg, entryTitle(choices.dom0.mode));
    expect(ours.xen).toEqual([...normal.xen, ...shown.xenWords]);
    expect(ours.linux).toEqual([...normal.linux, ...shown.linuxWords]);
    // The choices themselves, so a builder that dropped a word on both sides would not pass unseen.
    expect(shown.linuxWords[0]).toBe(`rd.qubes.stateless=${choices.dom0.mode}`);
    expect(shown.linuxWords.includes('init_on_free=1')).toBe(choices.dom0.hardening);
    expect(shown.linuxWords.includes('rd.qubes.stateless.prompt=15')).toBe(
      choices.dom0.selection === 'prompt',
    );
    if (choices.dom0.dom0MemMaxMiB !== null) expect(shown.xenWords).toEqual(['dom0_mem=max:6144M']);
  });
});

describe("zram's level on the entry", () => {
  // 4.3's dom0 kernels are 6.12 (algorithm_params), 4.2's are 6.6: zstd gets level 1 on 4.3 only.
  it.each([
    ['qubes-4.3', ['rd.qubes.stateless.comp=zstd', 'rd.qubes.stateless.comp_level=1']],
    ['qubes-4.2', ['rd.qubes.stateless.comp=zstd']],
  ])('%s: the installed entry carries %j', async (profile, words) => {
    const sim = await tempSim(profile);
    const facts = await probeFacts(sim);
    const choices = WizardChoicesSchema.parse({ dom0: { mode: 'zram', compressor: 'zstd' } });
    const measurements = await measureRam(sim, facts, {});
    const shown = computeRamModel(ramInputFrom(facts, choices, measurements)).cmdline;
    expect(shown.linuxWords.filter((w) => w.startsWith('rd.qubes.stateless.comp'))).toEqual(words);
    const engine = new Engine({
      sys: sim,
      assetsDir: testAssetsDir(),
      sizing: modelSizing(async () => measurements),
    });
    await engine.apply(choices);
    const ours = entryWords(await sim.readText(PATHS.grubCfg), entryTitle('zram'));
    expect(ours.linux.filter((w) => w.startsWith('rd.qubes.stateless.comp'))).toEqual(words);
  });
});
