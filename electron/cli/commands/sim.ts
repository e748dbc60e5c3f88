import { initSim } from '../../sim/init-sim.js';
import { SIM_LAYOUTS } from '../../sim/profiles/layouts.js';
import { FORUM_PROFILES } from '../../sim/profiles/forum.js';
import { PROFILE_NAMES } from '../../sim/profiles/profiles.js';
import { bootSim } from '../../sim/sim-boot.js';
import { initSimFromReport } from '../../sim/sim-from-report.js';
import { SimSystem } from '../../sim/sim-system.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

export const simCommand: CliCommand = {
  name: 'sim',
  synopsis: [
    `sim init DIR [--profile ${PROFILE_NAMES.join('|')}] [--layout ${SIM_LAYOUTS.join('|')}] [--forum ${FORUM_PROFILES.join('|')}]`,
    'sim init DIR --from-report FILE',
    'sim boot DIR [--stateless]',
  ],
  options: {
    profile: { type: 'string' },
    layout: { type: 'string' },
    forum: { type: 'string' },
    stateless: { type: 'boolean' },
    'from-report': { type: 'string' },
  },
  async run(ctx) {
    const [sub, dir, ...extra] = ctx.args;
    if (sub === 'boot' && dir && !extra.length) {
      const report = await bootSim(await SimSystem.open(dir), ctx.values.stateless ? 'stateless' : 'normal');
      ctx.io.out(
        ctx.values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `booted the ${report.entry} entry: ${report.result}${report.result === 'fallback' ? ` (${report.reason})` : ''}${report.session ? `; session: ${report.session.done.length} set up, ${report.session.problems.length} problems` : ''}\n`,
      );
      return 0;
    }
    if (sub !== 'init' || !dir || extra.length) throw new UsageError('cli.usage.simSubcommand');
    const fromReport = ctx.values['from-report'];
    if (typeof fromReport === 'string') {
      if (
        typeof ctx.values.profile === 'string' ||
        typeof ctx.values.layout === 'string' ||
        typeof ctx.values.forum === 'string'
      )
        throw new UsageError('cli.usage.fromReportExcludes');
      const sim = await initSimFromReport(dir, fromReport, ctx.assetsDir);
      ctx.io.out(`created ${sim.description} (from the report ${fromReport})\n`);
      return 0;
    }
    const profile = typeof ctx.values.profile === 'string' ? ctx.values.profile : 'qubes-4.2';
    const layout = typeof ctx.values.layout === 'string' ? ctx.values.layout : 'lvm-thin';
    const forum = typeof ctx.values.forum === 'string' ? ctx.values.forum : null;
    const sim = await initSim(dir, profile, layout, forum);
    ctx.io.out(
      `created ${sim.description} (profile ${profile}, layout ${layout}${forum ? `, forum recipe ${forum}` : ''})\n`,
    );
    return 0;
  },
};
