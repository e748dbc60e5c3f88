import { translate } from '../../shared/i18n/translate.js';
import type { EstimateOptions } from '../core/ram/estimate-ram.js';
import type { CommandContext } from './command.js';
import { UsageError } from './command.js';

/** How the RAM model samples the root, for every command that sizes something (ram, plan, apply). */
export const SAMPLE_OPTIONS = {
  'no-sample': { type: 'boolean' },
  'time-budget': { type: 'string' },
} as const;
export const SAMPLE_SYNOPSIS = '[--no-sample] [--time-budget SECONDS]';

/**
 * The sampling options as given, with progress on stderr (stdout stays the result). Sampling the root takes up
 * to the time budget, so it says when each phase starts rather than staying silent.
 */
export function estimateOptionsFrom(ctx: CommandContext): EstimateOptions {
  const budget = ctx.values['time-budget'];
  if (budget !== undefined && (typeof budget !== 'string' || !/^\d+$/.test(budget)))
    throw new UsageError('cli.usage.wholeNumber', { option: '--time-budget', value: String(budget) });
  let phase = '';
  return {
    sample: !ctx.values['no-sample'],
    ...(budget !== undefined ? { timeBudgetMs: Number(budget) * 1000 } : {}),
    onProgress: (p) => {
      if (p.phase === phase) return;
      phase = p.phase;
      ctx.io.err(`${translate(`cli.measuring.${p.phase}`)}\n`);
    },
  };
}
