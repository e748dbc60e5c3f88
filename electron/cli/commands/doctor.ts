import os from 'node:os';
import { buildReport, writeReport } from '../../core/doctor/report.js';
import { runDoctor } from '../../core/doctor/run-doctor.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { formatDoctor } from '../format-doctor.js';
import { translate } from '../../../shared/i18n/translate.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  synopsis: ['doctor [--report FILE [--anonymize]]'],
  options: { report: { type: 'string' }, anonymize: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('cli.usage.unexpectedArgument', { arg: ctx.args[0]! });
    if (ctx.values.anonymize && typeof ctx.values.report !== 'string')
      throw new UsageError('cli.usage.anonymizeNeedsReport');
    const sys = await ctx.system();
    const run = await runDoctor(sys, { assetsDir: ctx.assetsDir });
    if (typeof ctx.values.report === 'string') {
      const report = buildReport(run, {
        anonymize: !!ctx.values.anonymize,
        username: os.userInfo().username,
        kind: sys.kind,
      });
      await writeReport(ctx.values.report, report);
      ctx.io.err(
        `qubes-stateless: ${translate('cli.doctor.wroteReport', { file: ctx.values.report, count: report.body.events.length })}\n`,
      );
    }
    ctx.io.out(
      ctx.values.json
        ? `${JSON.stringify(run.result, null, 2)}\n`
        : formatDoctor(run.result, sys.description),
    );
    return run.result.ok ? 0 : 1;
  },
};
