import type { DoctorResult } from '../../shared/doctor.js';
import { doctorCheckText, doctorCommandText } from '../../shared/doctor.js';
import { translate } from '../../shared/i18n/translate.js';

const LABEL = { ok: 'ok', warn: 'warn', problem: 'PROBLEM' } as const;

/** doctor's table: one line per check (status, stage, what was checked or run and its exit status), then what to do. */
export function formatDoctor(r: DoctorResult, description: string): string {
  const lines = [
    translate(r.simulated ? 'doctor.summary.headerSimulated' : 'doctor.summary.header', {
      system: description,
      ok: r.counts.ok,
      warn: translate('count.warnings', { count: r.counts.warn }),
      problem: translate('count.problems', { count: r.counts.problem }),
      files: translate('count.fileOperations', { count: r.fileOperations }),
    }),
  ];
  for (const c of r.checks) {
    const text = c.command
      ? `${doctorCommandText(c.command)}${c.status === 'ok' ? '' : `  (${doctorCheckText(c, translate)})`}`
      : doctorCheckText(c, translate);
    lines.push(`  ${LABEL[c.status].padEnd(7)} ${c.group.padEnd(9)} ${text}`);
    if (c.hint && c.status !== 'ok')
      lines.push(`  ${''.padEnd(7)} ${''.padEnd(9)} → ${translate(c.hint, c.params)}`);
  }
  lines.push(translate(r.ok ? 'doctor.summary.ok' : 'doctor.summary.problems', {}));
  return `${lines.join('\n')}\n`;
}
