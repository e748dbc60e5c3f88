import type { RamEstimate } from '../../../shared/ram/ram-estimate.js';
import { probeFacts } from '../../core/probes/probe-facts.js';
import { estimateRam } from '../../core/ram/estimate-ram.js';
import { asSentence, translate } from '../../../shared/i18n/translate.js';
import { CHOICE_OPTIONS, choicesFromOptions } from '../choice-options.js';
import { SAMPLE_OPTIONS, SAMPLE_SYNOPSIS, estimateOptionsFrom } from '../sample-options.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';

const formatMessage = (m: {
  key: string;
  params: Readonly<Record<string, string | number | boolean>>;
}): string => translate(m.key, m.params);

const pct = (r: number) => `${Math.round(r * 100)}%`;

/** The human-readable `ram` report, in the catalogue's words (`cli.ramReport.*`). */
export function formatRam(e: RamEstimate): string {
  const { model: m, measurements: me, input } = e;
  const r = input.ratio;
  const t = (key: string, params: Readonly<Record<string, string | number>> = {}) =>
    translate(`cli.ramReport.${key}`, params);
  const mib = (name: string, value: number) => `  ${name.padEnd(14)}${String(value).padStart(8)} MiB`;
  const lines = [
    t(e.simulated ? 'headingSimulated' : 'heading', {
      mode: m.mode,
      compressor: m.mode === 'zram' || m.ramPool ? `, ${m.compressor}` : '',
    }),
    t('verdict', { text: asSentence(formatMessage(m.verdict)) }),
    '',
    t('host', { total: input.hostTotalMiB, xen: m.xenReservedMiB, usable: m.hostUsableMiB }),
    t(me.root.inodes !== null ? 'rootUsedInodes' : 'rootUsed', {
      used: m.rootUsedMiB,
      count: me.root.inodes ?? 0,
      source: me.root.source,
    }),
    ...me.root.breakdown
      .filter((d) => d.usedMiB > 0)
      .slice(0, 8)
      .map((d) => mib(d.path, d.usedMiB)),
    `${t('compression', { compressor: r.compressor, pct: pct(r.ratio), source: r.source })}${r.method === 'lz4-proxy' ? t('fromLz4') : ''}${
      me.sample
        ? t('sampled', {
            pages: translate('count.pages', { count: me.sample.sampledPages }),
            files: translate('count.files', { count: me.sample.sampledFiles }),
            seconds: (me.sample.elapsedMs / 1000).toFixed(1),
          })
        : ''
    }`,
    ...(me.ratioNote ? [`                ${formatMessage({ key: me.ratioNote, params: {} })}`] : []),
    t('rootInRam', { boot: m.root.atBootMiB, writes: m.root.sessionWritesMiB, total: m.root.totalMiB }),
    ...(m.ramPool
      ? [
          t('ramPool', {
            size: m.ramPool.sizeMiB,
            clones: m.ramPool.clonesMiB,
            boot: m.ramPool.atBootMiB,
            total: m.ramPool.totalMiB,
            worst: m.ramPool.worstCaseMiB,
          }),
        ]
      : []),
    t(input.dom0UsedMiB !== null && !input.bootedStateless ? 'dom0ItselfMeasured' : 'dom0ItselfTypical', {
      mib: m.dom0WorkingSetMiB,
      pref: m.dom0.qmemmanPrefMiB,
    }),
    `${t('dom0Needs', { need: m.dom0.needMiB, recommended: m.dom0.recommendedMaxMiB })}${
      input.dom0MemMaxMiB !== null ? t('chosen', { chosen: input.dom0MemMaxMiB }) : ''
    }`,
    t('leftForQubes', {
      left: m.leftForQubesMiB,
      autostart: m.autostart.totalMiB,
      after: m.leftAfterAutostartMiB,
    }),
    ...m.autostart.qubes.map((q) => `${mib(q.name, q.needMiB)}${q.fixed ? t('noBalloon') : ''}`),
    t('kernelWords', { words: m.cmdline.linuxWords.join(' ') }),
    t('xenWords', { words: m.cmdline.xenWords.join(' ') }),
  ];
  if (m.warnings.length)
    lines.push(
      '',
      t('warnings'),
      ...m.warnings.map((w) => `  [${t(`severity.${w.severity}`)}] ${formatMessage(w)}`),
    );
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
