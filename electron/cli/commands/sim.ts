import { initSim } from '../../core/sim/init-sim.js';
import { PROFILE_NAMES } from '../../core/sim/profiles/profiles.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

export const simCommand: CliCommand = {
  name: 'sim',
  usage: `sim init DIR [--profile ${PROFILE_NAMES.join('|')}]   create a simulated dom0 in DIR`,
  options: { profile: { type: 'string' } },
  async run(ctx) {
    const [sub, dir, ...extra] = ctx.args;
    if (sub !== 'init' || !dir || extra.length) throw new UsageError('usage: qubes-stateless sim init DIR [--profile NAME]');
    const profile = typeof ctx.values.profile === 'string' ? ctx.values.profile : 'qubes-4.2';
    const sim = await initSim(dir, profile);
    ctx.io.out(`created ${sim.description} (profile ${profile})\n`);
    return 0;
  },
};
