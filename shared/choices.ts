import { z } from 'zod';
import { StatelessModeSchema } from './facts.js';

/**
 * What the user chooses in the wizard (or on the CLI). Choices never carry paths or command lines: the main
 * process turns validated choices into a plan. Names of qubes to create are choices too, validated there.
 */

export const COMPRESSORS = ['lz4', 'zstd', 'lzo-rle'] as const;
export const CompressorSchema = z.enum(COMPRESSORS);
export type Compressor = z.infer<typeof CompressorSchema>;

/** How the stateless boot is chosen: its own GRUB entry, or that entry asking "Boot to RAM?" with a timeout. */
export const SELECTIONS = ['entry', 'prompt'] as const;

const qubeName = z.string().min(1).max(64);

/** Bounds of the numeric choices, shared by the schema and the wizard's field checks. */
export const PROMPT_TIMEOUT = { min: 3, max: 120 } as const;
export const DOM0_MEM_MIN_MIB = 1024;
export const RAM_POOL_MIN_MIB = 512;
const MAX_MIB = 1024 * 1024;

export const Dom0ChoiceSchema = z.object({
  mode: StatelessModeSchema,
  compressor: CompressorSchema.default('zstd'),
  selection: z.enum(SELECTIONS).default('entry'),
  /** Seconds the prompt waits; no answer boots persistent. */
  promptTimeoutSec: z.number().int().min(PROMPT_TIMEOUT.min).max(PROMPT_TIMEOUT.max).default(10),
  /** dom0_mem=max for the stateless entry; null = the RAM model's recommendation. */
  dom0MemMaxMiB: z.number().int().min(DOM0_MEM_MIN_MIB).max(MAX_MIB).nullable().default(null),
  /** Kernel hardening words on the stateless entry (init_on_free=1 etc.). */
  hardening: z.boolean().default(true),
});
export type Dom0Choice = z.infer<typeof Dom0ChoiceSchema>;

export const StatelessTemplateChoiceSchema = z.object({
  /** An existing TemplateVM to clone into RAM at every stateless boot. */
  template: qubeName,
  /** Name of the clone; default `<template>-ram`. */
  cloneName: qubeName.optional(),
  /** Name of the disposable template based on the clone; default `<clone>-dvm`. */
  dvmName: qubeName.optional(),
});
export type StatelessTemplateChoice = z.infer<typeof StatelessTemplateChoiceSchema>;

export const WizardChoicesSchema = z.object({
  dom0: Dom0ChoiceSchema,
  /** 'stateless-only': disk swap stays off only in stateless sessions; 'disable': off for good (fstab). */
  swap: z.enum(['stateless-only', 'disable']).default('stateless-only'),
  /** A RAM-backed storage pool (zram, compressed) for fully stateless qubes in stateless sessions. */
  ramPool: z
    .object({
      enabled: z.boolean(),
      sizeMiB: z.number().int().min(RAM_POOL_MIN_MIB).max(MAX_MIB).nullable().default(null),
    })
    .default({ enabled: false, sizeMiB: null }),
  /** Encrypt volatile volumes of vm-pool with a throw-away key (qvm-pool set vm-pool -o ephemeral_volatile=True). */
  ephemeralVolatile: z.boolean().default(false),
  /** Qubes whose root volume becomes read-only (qvm-volume config VM:root rw False). */
  readOnlyRoot: z.array(qubeName).max(200).default([]),
  /** Templates that get a RAM clone and a disposable template in stateless sessions (needs ramPool). */
  templates: z.array(StatelessTemplateChoiceSchema).max(20).default([]),
  /** Make the first stateless disposable template the default_dispvm in stateless sessions. */
  defaultDispvm: z.boolean().default(false),
  /** A persistent, network-less qube for keeping files from stateless sessions. */
  saveVault: z
    .object({ enabled: z.boolean(), name: qubeName.default('save') })
    .default({ enabled: false, name: 'save' }),
  /**
   * Include a pending /etc/default/grub edit (grub.cfg's stock entries differ from what regeneration gives):
   * without it such a plan is blocked, since our grub2-mkconfig would apply that edit too.
   */
  acceptPendingGrub: z.boolean().default(false),
  /** Move a forum recipe's install found on this dom0 into ours (shared/forum-install.ts); nothing when none is. */
  migrateForum: z.boolean().default(true),
});
export type WizardChoices = z.infer<typeof WizardChoicesSchema>;
export type WizardChoicesInput = z.input<typeof WizardChoicesSchema>;
