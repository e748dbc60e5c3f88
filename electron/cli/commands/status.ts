import { probeFacts } from '../../core/probes/probe-facts.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { formatStatus } from '../format-status.js';

export const statusCommand: CliCommand = {
  name: 'status',
  synopsis: ['status'],
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('cli.usage.unexpectedArgument', { arg: ctx.args[0]! });
    const facts = await probeFacts(await ctx.system());
    ctx.io.out(ctx.values.json ? `${JSON.stringify(facts, null, 2)}\n` : formatStatus(facts));
    return 0;
  },
};
