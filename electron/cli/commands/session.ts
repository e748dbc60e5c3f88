import { startSession } from '../../core/session/session-start.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

/** Run by qubes-stateless-session.service at the start of a stateless session (not meant to be typed). */
export const sessionCommand: CliCommand = {
  name: 'session',
  usage:
    'session start [--json]                            set up the RAM pool and stateless templates (systemd runs this)',
  async run(ctx) {
    if (ctx.args.length !== 1 || ctx.args[0] !== 'start')
      throw new UsageError('usage: qubes-stateless session start');
    const report = await startSession(await ctx.system(), (line) => ctx.io.err(`${line}\n`));
    if (ctx.values.json) ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
    else if (!report.ran) ctx.io.out(`nothing to do (${report.skipped})\n`);
    else
      ctx.io.out(
        `${report.done.length} done, ${report.problems.length} problems${report.problems.length ? `:\n  ${report.problems.join('\n  ')}` : ''}\n`,
      );
    return report.problems.length ? 1 : 0;
  },
};
