import { messageText, translate } from '../../../shared/i18n/translate.js';
import { startSession } from '../../core/session/session-start.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

/** Run by qubes-stateless-session.service at the start of a stateless session (not meant to be typed). */
export const sessionCommand: CliCommand = {
  name: 'session',
  synopsis: ['session start'],
  async run(ctx) {
    if (ctx.args.length !== 1 || ctx.args[0] !== 'start') throw new UsageError('cli.usage.sessionStart');
    const report = await startSession(await ctx.system(), (line) => ctx.io.err(`${messageText(line)}\n`));
    if (ctx.values.json) ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
    else if (!report.ran) ctx.io.out(`${translate(`session.skipped.${report.skipped}`)}\n`);
    else {
      const summary = translate('session.summary', {
        done: report.done.length,
        problems: translate('count.problems', { count: report.problems.length }),
      });
      const lines = report.problems.map((p) => `\n  ${messageText(p)}`).join('');
      ctx.io.out(`${summary}${report.problems.length ? ':' : ''}${lines}\n`);
    }
    return report.problems.length ? 1 : 0;
  },
};
