import type { WizardChoices } from '../../shared/choices.js';
import { parseChoices } from '../../shared/choice-rules.js';
import { messageText } from '../../shared/i18n/translate.js';
import { UsageError } from './command.js';

/**
 * The wizard's choices as command-line options, shared by `plan`, `apply` and `ram`. Parsed into the same
 * schema the IPC contract validates, so the CLI and the GUI cannot disagree on what a choice means.
 */
export const CHOICE_OPTIONS = {
  mode: { type: 'string' },
  compressor: { type: 'string' },
  selection: { type: 'string' },
  'prompt-timeout': { type: 'string' },
  'dom0-mem': { type: 'string' },
  'no-hardening': { type: 'boolean' },
  swap: { type: 'string' },
  'ram-pool': { type: 'boolean' },
  'ram-pool-size': { type: 'string' },
  'ephemeral-volatile': { type: 'boolean' },
  'read-only-root': { type: 'string', multiple: true },
  template: { type: 'string', multiple: true },
  'default-dispvm': { type: 'boolean' },
  'save-vault': { type: 'string' },
  'include-pending-grub': { type: 'boolean' },
} as const;

export const CHOICE_USAGE = `choices:
  --mode overlay|zram|tmpfs        how dom0's root runs from RAM (default zram)
  --compressor lz4|zstd|lzo-rle    zram compressor (default zstd)
  --selection entry|prompt         own GRUB entry, or that entry asking with a timeout
  --prompt-timeout SECONDS         prompt wait; no answer boots persistent (default 10)
  --dom0-mem MiB                   dom0_mem=max for stateless boots (default: recommended)
  --no-hardening                   no init_on_free/init_on_alloc on the stateless entry
  --swap stateless-only|disable    keep disk swap for persistent boots, or turn it off for good
  --ram-pool [--ram-pool-size MiB] a compressed RAM pool for stateless qubes
  --ephemeral-volatile             encrypt vm-pool volatile volumes with throw-away keys
  --read-only-root QUBE[,QUBE]     make these qubes' root volumes read-only
  --template TPL[:CLONE[:DVM]]     RAM clone and disposable template of TPL in stateless sessions
  --default-dispvm                 make the first of those the default disposable template
  --save-vault NAME                create a persistent, network-less qube NAME for saved files
  --include-pending-grub           also apply an /etc/default/grub edit not yet in grub.cfg (the plan shows it)
`;

/** A bad choice on the command line is a usage error: the CLI prints it with the usage, exit code 2. */
export class ChoiceError extends UsageError {}

type Values = {
  [K in keyof typeof CHOICE_OPTIONS]?: (typeof CHOICE_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : (typeof CHOICE_OPTIONS)[K] extends { multiple: true }
      ? string[]
      : string;
};

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ChoiceError(`--${name} expects a whole number, got "${v}"`);
  return Number(v);
};

export function choicesFromOptions(values: Values): WizardChoices {
  const templates = (values.template ?? []).map((spec) => {
    const [template, cloneName, dvmName, ...extra] = spec.split(':');
    if (!template || extra.length)
      throw new ChoiceError(`--template expects TPL[:CLONE[:DVM]], got "${spec}"`);
    return { template, ...(cloneName ? { cloneName } : {}), ...(dvmName ? { dvmName } : {}) };
  });
  const raw = {
    dom0: {
      mode: values.mode ?? 'zram',
      ...(values.compressor ? { compressor: values.compressor } : {}),
      ...(values.selection ? { selection: values.selection } : {}),
      ...(values['prompt-timeout']
        ? { promptTimeoutSec: int('prompt-timeout', values['prompt-timeout']) }
        : {}),
      ...(values['dom0-mem'] ? { dom0MemMaxMiB: int('dom0-mem', values['dom0-mem']) } : {}),
      hardening: !values['no-hardening'],
    },
    ...(values.swap ? { swap: values.swap } : {}),
    ramPool: {
      enabled: !!values['ram-pool'] || templates.length > 0,
      sizeMiB: int('ram-pool-size', values['ram-pool-size']) ?? null,
    },
    ephemeralVolatile: !!values['ephemeral-volatile'],
    readOnlyRoot: (values['read-only-root'] ?? []).flatMap((v) => v.split(',')).filter(Boolean),
    templates,
    defaultDispvm: !!values['default-dispvm'],
    saveVault: values['save-vault']
      ? { enabled: true, name: values['save-vault'] }
      : { enabled: false, name: 'save' },
    acceptPendingGrub: !!values['include-pending-grub'],
  };
  const parsed = parseChoices(raw);
  if (parsed.problem)
    throw new ChoiceError(`invalid choice ${parsed.problem.field}: ${messageText(parsed.problem)}`);
  return parsed.choices;
}
