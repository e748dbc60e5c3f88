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
  'keep-forum-install': { type: 'boolean' },
} as const;

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
  if (!/^\d+$/.test(v)) throw new ChoiceError('cli.usage.wholeNumber', { option: `--${name}`, value: v });
  return Number(v);
};

/**
 * The option a choice's field (its path in WizardChoices, shared/choice-rules.ts) comes from, so an invalid
 * choice names what the user typed, not the schema's path.
 */
const FIELD_OPTIONS: readonly [prefix: string, option: string][] = [
  ['dom0.mode', 'mode'],
  ['dom0.compressor', 'compressor'],
  ['dom0.selection', 'selection'],
  ['dom0.promptTimeoutSec', 'prompt-timeout'],
  ['dom0.dom0MemMaxMiB', 'dom0-mem'],
  ['swap', 'swap'],
  ['ramPool.sizeMiB', 'ram-pool-size'],
  ['ramPool', 'ram-pool'],
  ['readOnlyRoot', 'read-only-root'],
  ['templates', 'template'],
  ['defaultDispvm', 'default-dispvm'],
  ['saveVault', 'save-vault'],
];
const optionOf = (field: string): string => {
  const hit = FIELD_OPTIONS.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`));
  return hit ? `--${hit[1]}` : field;
};

export function choicesFromOptions(values: Values): WizardChoices {
  const templates = (values.template ?? []).map((spec) => {
    const [template, cloneName, dvmName, ...extra] = spec.split(':');
    if (!template || extra.length) throw new ChoiceError('cli.usage.templateSyntax', { value: spec });
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
    migrateForum: !values['keep-forum-install'],
  };
  const parsed = parseChoices(raw);
  if (parsed.problem)
    throw new ChoiceError('cli.usage.invalidChoice', {
      option: optionOf(parsed.problem.field ?? 'choices'),
      text: messageText(parsed.problem),
    });
  return parsed.choices;
}
