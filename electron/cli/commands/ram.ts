import type { RamEstimate } from '../../../shared/ram/ram-estimate.js';
import { probeFacts } from '../../core/probes/probe-facts.js';
import { estimateRam } from '../../core/ram/estimate-ram.js';
import { translate } from '../../../shared/i18n/translate.js';
import { CHOICE_OPTIONS, choicesFromOptions } from '../choice-options.js';
import { SAMPLE_OPTIONS, SAMPLE_SYNOPSIS, estimateOptionsFrom } from '../sample-options.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

const formatMessage = (m: {
  key: string;
  params: Readonly<Record<string, string | number | boolean>>;
}): string => translate(m.key, m.params);

const pct = (r: number) => `${Math.round(r * 100)}%`;

/** The human-readable `ram` report. */
export function formatRam(e: RamEstimate): string {
  const { model: m, measurements: me, input } = e;
  const r = input.ratio;
  const lines = [
    `${e.simulated ? 'SIMULATED ' : ''}RAM estimate for a stateless dom0: mode ${m.mode}${m.mode === 'zram' || m.ramPool ? `, ${m.compressor}` : ''}`,
    `verdict:        ${formatMessage(m.verdict)}`,
    '',
    `host:           ${input.hostTotalMiB} MiB (Xen keeps ${m.xenReservedMiB}, ${m.hostUsableMiB} for domains)`,
    `root used:      ${m.rootUsedMiB} MiB${me.root.inodes !== null ? `, ${me.root.inodes} inodes` : ''} (${me.root.source})`,
    ...me.root.breakdown
      .filter((d) => d.usedMiB > 0)
      .slice(0, 8)
      .map((d) => `  ${d.path.padEnd(14)}${String(d.usedMiB).padStart(8)} MiB`),
    `compression:    ${r.compressor} ${pct(r.ratio)} of the bytes (${r.source}${r.method === 'lz4-proxy' ? ', from lz4' : ''})${me.sample ? `; sampled ${me.sample.sampledPages} pages of ${me.sample.sampledFiles} files in ${(me.sample.elapsedMs / 1000).toFixed(1)} s` : ''}`,
    ...(me.ratioNote ? [`                ${formatMessage({ key: me.ratioNote, params: {} })}`] : []),
    `root in RAM:    ${m.root.atBootMiB} MiB at boot + ${m.root.sessionWritesMiB} MiB for the session's writes = ${m.root.totalMiB} MiB`,
    ...(m.ramPool
      ? [
          `RAM pool:       ${m.ramPool.sizeMiB} MiB (clones ${m.ramPool.clonesMiB} MiB): ${m.ramPool.atBootMiB} MiB of RAM at boot, ${m.ramPool.totalMiB} MiB budgeted, ${m.ramPool.worstCaseMiB} MiB if full`,
        ]
      : []),
    `dom0 itself:    ${m.dom0WorkingSetMiB} MiB${input.dom0UsedMiB !== null && !input.bootedStateless ? ' (measured)' : ' (typical)'}; qmemman keeps dom0 at ≥ ${m.dom0.qmemmanPrefMiB} MiB`,
    `dom0 needs:     ${m.dom0.needMiB} MiB; recommended dom0_mem=max:${m.dom0.recommendedMaxMiB}M${input.dom0MemMaxMiB !== null ? ` (chosen: ${input.dom0MemMaxMiB}M)` : ''}`,
    `left for qubes: ${m.leftForQubesMiB} MiB; autostart qubes need ${m.autostart.totalMiB} MiB → ${m.leftAfterAutostartMiB} MiB left`,
    ...m.autostart.qubes.map(
      (q) => `  ${q.name.padEnd(14)}${String(q.needMiB).padStart(8)} MiB${q.fixed ? ' (no balloon)' : ''}`,
    ),
    `kernel words:   ${m.cmdline.linuxWords.join(' ')}`,
    `Xen words:      ${m.cmdline.xenWords.join(' ')}`,
  ];
  if (m.warnings.length)
    lines.push('', 'warnings:', ...m.warnings.map((w) => `  [${w.severity}] ${formatMessage(w)}`));
  return `${lines.join('\n')}\n`;
}

export const ramCommand: CliCommand = {
  name: 'ram',
  synopsis: [`ram [CHOICES] ${SAMPLE_SYNOPSIS}`],
  options: { ...CHOICE_OPTIONS, ...SAMPLE_OPTIONS },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('cli.usage.unexpectedArgument', { arg: ctx.args[0]! });
    const choices = choicesFromOptions(ctx.values as Parameters<typeof choicesFromOptions>[0]);
    const sampling = estimateOptionsFrom(ctx);
    const sys = await ctx.system();
    const facts = await probeFacts(sys);
    const estimate = await estimateRam(sys, facts, choices, sampling);
    ctx.io.out(ctx.values.json ? `${JSON.stringify(estimate, null, 2)}\n` : formatRam(estimate));
    return 0;
  },
};
