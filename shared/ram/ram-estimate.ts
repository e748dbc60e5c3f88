import { z } from 'zod';
import { CompressorSchema } from '../choices.js';
import { QubesReleaseSchema, StatelessModeSchema } from '../facts.js';

/**
 * The RAM model's contracts: what the core measures (RamMeasurements), what the pure model reads
 * (RamModelInput, built from facts + choices + measurements by ramInputFrom), what it computes (RamModel),
 * and the bundle the core returns (RamEstimate). All sizes are whole MiB. Messages are i18n keys + params.
 */

const mib = z.number().int().nonnegative();
const Params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const RatioSourceSchema = z.enum(['measured', 'typical']);
export type RatioSource = z.infer<typeof RatioSourceSchema>;

/** zram RAM per byte stored: (zsmalloc memory incl. incompressible pages and fragmentation) ÷ bytes stored. */
export const CompressionRatioSchema = z.object({
  compressor: CompressorSchema,
  ratio: z.number().positive().max(1.1),
  source: RatioSourceSchema,
  /** direct: the compressor itself on sampled pages; lz4-proxy: lzo-rle estimated from lz4 (no JS lzo). */
  method: z.enum(['direct', 'lz4-proxy', 'typical']),
});
export type CompressionRatio = z.infer<typeof CompressionRatioSchema>;

export const RatiosSchema = z.object({
  lz4: CompressionRatioSchema,
  zstd: CompressionRatioSchema,
  'lzo-rle': CompressionRatioSchema,
});
export type Ratios = z.infer<typeof RatiosSchema>;

export const RootUsageEntrySchema = z.object({
  path: z.string(),
  usedMiB: mib,
  inodes: z.number().int().nonnegative().nullable(),
});
export const RootUsageSchema = z.object({
  usedMiB: mib,
  inodes: z.number().int().nonnegative().nullable(),
  /** Top-level directories of the root filesystem, biggest first (du, one filesystem). */
  breakdown: z.array(RootUsageEntrySchema),
  /** du: measured per directory; findmnt: only the filesystem's used bytes were available. */
  source: z.enum(['du', 'findmnt']),
});
export type RootUsage = z.infer<typeof RootUsageSchema>;

export const SampleStatsSchema = z.object({
  walkedFiles: z.number().int().nonnegative(),
  sampledFiles: z.number().int().nonnegative(),
  sampledPages: z.number().int().nonnegative(),
  sameFilledPages: z.number().int().nonnegative(),
  skippedUnreadable: z.number().int().nonnegative(),
  /** The walk covered the whole root (false: cut by the time budget). */
  complete: z.boolean(),
  elapsedMs: z.number().int().nonnegative(),
});
export type SampleStats = z.infer<typeof SampleStatsSchema>;

export const QmemmanSettingsSchema = z.object({
  cacheMarginFactor: z.number().positive(),
  dom0MemBoostMiB: mib,
  vmMinMemMiB: mib,
  source: z.enum(['file', 'default']),
});
export type QmemmanSettings = z.infer<typeof QmemmanSettingsSchema>;

export const RamMeasurementsSchema = z.object({
  root: RootUsageSchema,
  ratios: RatiosSchema,
  /** Why the ratios are typical, when they are (i18n key). */
  ratioNote: z.string().nullable(),
  /**
   * dom0's used memory besides page cache as qmemman sees it (meminfo-writer's formula, with the balloon's
   * current_kb for MemTotal); null when not measurable.
   */
  dom0UsedMiB: mib.nullable(),
  qmemman: QmemmanSettingsSchema,
  sample: SampleStatsSchema.nullable(),
});
export type RamMeasurements = z.infer<typeof RamMeasurementsSchema>;

export const AutostartQubeSchema = z.object({ name: z.string(), memoryMiB: mib, maxmemMiB: mib });
export const RamPoolCloneSchema = z.object({ template: z.string(), rootUsageMiB: mib.nullable() });
export const FileVolumeOnRootSchema = z.object({ pool: z.string(), usageMiB: mib });

export const RamModelInputSchema = z.object({
  release: QubesReleaseSchema,
  hostTotalMiB: mib,
  dom0: z.object({ currentMiB: mib, minMiB: mib.nullable(), maxMiB: mib.nullable() }),
  /** The boot being measured is a stateless one (dom0's used memory then includes its RAM root). */
  bootedStateless: z.boolean(),
  mode: StatelessModeSchema,
  compressor: CompressorSchema,
  ratio: CompressionRatioSchema,
  root: RootUsageSchema,
  dom0UsedMiB: mib.nullable(),
  qmemman: QmemmanSettingsSchema,
  swap: z.object({ diskMiB: mib, zramMiB: mib }),
  autostart: z.array(AutostartQubeSchema),
  ramPool: z.object({ enabled: z.boolean(), sizeMiB: mib.nullable(), clones: z.array(RamPoolCloneSchema) }),
  /** Volumes of file pools whose directory is on the root filesystem (copied into RAM with it). */
  fileVolumesOnRoot: z.array(FileVolumeOnRootSchema),
  /** The user's dom0_mem=max for stateless boots; null = the recommendation. */
  dom0MemMaxMiB: mib.nullable(),
  /** The stateless entry's options besides its sizes (shared/boot-entry.ts builds its command line). */
  entry: z.object({
    promptTimeoutSec: z.number().int().positive().nullable(),
    hardening: z.boolean(),
    /** zram's algorithm_params level on the entry (shared/ram/zram-settings.ts); absent: the default. */
    compLevel: z.number().int().min(1).max(22).optional(),
  }),
});
export type RamModelInput = z.infer<typeof RamModelInputSchema>;

export const VERDICT_KINDS = ['fits', 'tight', 'does-not-fit'] as const;
export const MessageSchema = z.object({ key: z.string(), params: Params });
export type Message = z.infer<typeof MessageSchema>;
export const WarningSchema = MessageSchema.extend({ severity: z.enum(['info', 'warning', 'danger']) });
export type RamWarning = z.infer<typeof WarningSchema>;

export const RamModelSchema = z.object({
  mode: StatelessModeSchema,
  compressor: CompressorSchema,
  rootUsedMiB: mib,
  /** RAM taken by dom0's root: right after boot, what a session adds, and their sum. */
  root: z.object({
    atBootMiB: mib,
    sessionWritesMiB: mib,
    totalMiB: mib,
    fsOverheadMiB: mib,
    zramTableMiB: mib,
  }),
  /** What dom0 uses besides its root and the RAM pool. */
  dom0WorkingSetMiB: mib,
  ramPool: z
    .object({ sizeMiB: mib, clonesMiB: mib, atBootMiB: mib, totalMiB: mib, worstCaseMiB: mib })
    .nullable(),
  dom0: z.object({
    /** Root + RAM pool + working set: below this dom0 runs out of memory. */
    needMiB: mib,
    /** What qmemman will not take away from dom0 (its preferred memory, as qmemman sees dom0's use). */
    qmemmanPrefMiB: mib,
    recommendedMaxMiB: mib,
    /** The user's choice if any, else the recommendation. */
    effectiveMaxMiB: mib,
    /** The least dom0_mem=max with which the boot kit starts the copy (its pre-copy check). */
    bootCheckMinMiB: mib,
    /**
     * dom0's size at boot (dom0_mem=max, or less when Xen has less to give), which qubes-core.service's
     * startup-misc.sh writes as dom0's memory/static-max: qmemman never balloons dom0 above it.
     */
    staticMaxMiB: mib,
  }),
  /** What goes on the stateless GRUB entry: its sizes and shared/boot-entry.ts's output for them. */
  cmdline: z.object({
    sizeMiB: mib,
    reserveMiB: mib,
    dom0MemMaxMiB: mib,
    /** Linux words the stateless entry adds after the installer's (read by the boot kit). */
    linuxWords: z.array(z.string()),
    /** Xen words the stateless entry adds after the installer's (so they win). */
    xenWords: z.array(z.string()),
    /** /etc/qubes-stateless/grub.conf, from which 21_qubes_stateless adds the words above. */
    grubConf: z.string(),
  }),
  xenReservedMiB: mib,
  hostUsableMiB: mib,
  leftForQubesMiB: z.number().int(),
  autostart: z.object({
    qubes: z.array(z.object({ name: z.string(), needMiB: mib, fixed: z.boolean() })),
    totalMiB: mib,
  }),
  leftAfterAutostartMiB: z.number().int(),
  /** Room kept for starting qubes after the autostart ones; below it the verdict is "tight". */
  tightThresholdMiB: mib,
  verdict: MessageSchema.extend({ kind: z.enum(VERDICT_KINDS) }),
  warnings: z.array(WarningSchema),
});
export type RamModel = z.infer<typeof RamModelSchema>;

export const RamEstimateSchema = z.object({
  simulated: z.boolean(),
  measurements: RamMeasurementsSchema,
  input: RamModelInputSchema,
  model: RamModelSchema,
});
export type RamEstimate = z.infer<typeof RamEstimateSchema>;
