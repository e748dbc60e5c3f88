import { translate } from '../../shared/i18n/translate.js';
import type { CommandContext } from './command.js';

export type Confirmation = 'yes' | 'no' | 'no-terminal';

/**
 * `--yes`, or a `[y/N]` question on a terminal. Like dnf 4's Output.userconfirm (rpm-software-management/dnf,
 * tag 4.14.0, the dnf of Qubes 4.2's dom0, dnf/cli/output.py: "Is this ok [y/N]: ", y/yes or n/no) the default
 * is No: an empty line, end of input or anything but y/yes declines (dnf asks again on an unknown word; we take
 * it as No, which changes nothing either way). A declined question exits 1, like dnf's "Operation aborted."
 * (a CliError, which dnf/cli/main.py turns into 1).
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
