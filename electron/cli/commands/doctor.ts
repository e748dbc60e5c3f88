import os from 'node:os';
import { buildReport, writeReport } from '../../core/doctor/report.js';
import { runDoctor } from '../../core/doctor/run-doctor.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { formatDoctor } from '../format-doctor.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: `doctor [--json] [--report FILE [--anonymize]]   read-only self-test: every probe, command and exit status
                                              (--report: what the probes read, user data redacted)`,
  options: { report: { type: 'string' }, anonymize: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('doctor takes no arguments');
    if (ctx.values.anonymize && typeof ctx.values.report !== 'string')
      throw new UsageError('--anonymize goes with --report FILE');
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
        `qubes-stateless: wrote the report to ${ctx.values.report} (${report.body.events.length} records, mode 0600)\n`,
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
