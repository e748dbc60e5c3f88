import type { EstimateOptions } from '../core/ram/estimate-ram.js';
import type { CommandContext } from './command.js';
import { UsageError } from './command.js';

/** How the RAM model samples the root, for every command that sizes something (ram, plan, apply). */
export const SAMPLE_OPTIONS = {
  'no-sample': { type: 'boolean' },
  'time-budget': { type: 'string' },
} as const;
export const SAMPLE_USAGE = '[--no-sample] [--time-budget S]';

/**
 * The sampling options as given, with progress on stderr (stdout stays the result). Sampling the root takes up
 * to the time budget, so it says when it starts and ends rather than staying silent.
 */
export function estimateOptionsFrom(ctx: CommandContext): EstimateOptions {
  const budget = ctx.values['time-budget'];
  if (budget !== undefined && (typeof budget !== 'string' || !/^\d+$/.test(budget)))
    throw new UsageError('--time-budget expects whole seconds');
  let phase = '';
  return {
    sample: !ctx.values['no-sample'],
    ...(budget !== undefined ? { timeBudgetMs: Number(budget) * 1000 } : {}),
    onProgress: (p) => {
      if (p.phase === phase) return;
      phase = p.phase;
      ctx.io.err(`measuring RAM: ${p.phase}…\n`);
    },
  };
}
