import { translate } from '../../shared/i18n/translate.js';
import type { CommandContext } from './command.js';

export type Confirmation = 'yes' | 'no' | 'no-terminal';

/**
 * `--yes`, or a `[y/N]` question on a terminal. Like dnf's Output.userconfirm (dnf/cli/output.py, tag 4.14.0,
 * the dnf of Qubes 4.2's dom0, and 4.24.0) the default is No: an empty line, end of input or anything but
 * y/yes declines (dnf asks again on an unknown word; we take it as No, which changes nothing either way).
 * Without a terminal nobody can answer, so nothing is asked and the command refuses.
 */
export async function confirmChange(ctx: CommandContext, questionKey: string): Promise<Confirmation> {
  if (ctx.values.yes) return 'yes';
  const tty = ctx.io.terminal;
  if (!tty?.interactive) return 'no-terminal';
  ctx.io.out(`${translate(questionKey)} [y/N]: `);
  const answer = ((await tty.readLine()) ?? '').trim().toLowerCase();
  return answer === 'y' || answer === 'yes' ? 'yes' : 'no';
}
