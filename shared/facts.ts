import { z } from 'zod';
import { ForumInstallSchema } from './forum-install.js';

/** What the app knows about the machine. Produced by the core's probes, shown by the UI and `status --json`. */

export const QUBES_RELEASES = ['4.2', '4.3'] as const;
export const QubesReleaseSchema = z.enum(QUBES_RELEASES);
export type QubesRelease = z.infer<typeof QubesReleaseSchema>;

export const STATELESS_MODES = ['overlay', 'zram', 'tmpfs'] as const;
export const StatelessModeSchema = z.enum(STATELESS_MODES);
export type StatelessMode = z.infer<typeof StatelessModeSchema>;

export const BootModeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('persistent') }),
  /** `viaQubesStateless` is false when the RAM root was made by something else (e.g. a forum recipe). */
  z.object({ kind: z.literal('stateless'), mode: StatelessModeSchema, viaQubesStateless: z.boolean() }),
]);
export type BootMode = z.infer<typeof BootModeSchema>;

export const VolumeFactSchema = z.object({
  pool: z.string(),
  vid: z.string(),
  sizeMiB: z.number().int().nonnegative(),
  usageMiB: z.number().int().nonnegative(),
});
export type VolumeFact = z.infer<typeof VolumeFactSchema>;

export const QUBE_CLASSES = ['AdminVM', 'AppVM', 'TemplateVM', 'StandaloneVM', 'DispVM', 'RemoteVM'] as const;
export const QubeClassSchema = z.enum(QUBE_CLASSES);
export type QubeClass = z.infer<typeof QubeClassSchema>;

export const QubeFactSchema = z.object({
  name: z.string(),
  klass: QubeClassSchema,
  state: z.string(),
  template: z.string().nullable(),
  label: z.string().nullable(),
  memoryMiB: z.number().int().nonnegative().nullable(),
  maxmemMiB: z.number().int().nonnegative().nullable(),
  autostart: z.boolean(),
  templateForDispvms: z.boolean(),
  volumes: z.record(z.string(), VolumeFactSchema),
});
export type QubeFact = z.infer<typeof QubeFactSchema>;

export const PoolFactSchema = z.object({
  name: z.string(),
  driver: z.string(),
  options: z.record(z.string(), z.string()),
});
export type PoolFact = z.infer<typeof PoolFactSchema>;

export const FilesystemFactSchema = z.object({
  target: z.string(),
  source: z.string(),
  fsType: z.string(),
  options: z.string(),
  sizeBytes: z.number().nonnegative(),
  usedBytes: z.number().nonnegative(),
  availBytes: z.number().nonnegative(),
});
export type FilesystemFact = z.infer<typeof FilesystemFactSchema>;

export const KernelFactSchema = z.object({
  version: z.string(),
  vmlinuz: z.string(),
  initramfs: z.string().nullable(),
  initramfsBytes: z.number().int().nonnegative().nullable(),
  /** Only kernels whose config has CONFIG_XEN_DOM0=y get Xen GRUB entries (20_linux_xen). */
  xenDom0: z.boolean(),
});
export type KernelFact = z.infer<typeof KernelFactSchema>;

export const SwapFactSchema = z.object({
  device: z.string(),
  type: z.string(),
  sizeKiB: z.number().int().nonnegative(),
  usedKiB: z.number().int().nonnegative(),
  priority: z.number().int(),
});
export type SwapFact = z.infer<typeof SwapFactSchema>;

export const Dom0MemSettingSchema = z.object({
  /** Values from Xen's command line (`dom0_mem=min:…,max:…`), MiB; null when not set. */
  minMiB: z.number().int().nonnegative().nullable(),
  maxMiB: z.number().int().nonnegative().nullable(),
  currentMiB: z.number().int().nonnegative(),
});

/** What our dracut module recorded about this boot (/run/qubes-stateless/status), if it was asked to run. */
export const StatelessStatusSchema = z.object({
  mode: z.string(),
  result: z.enum(['active', 'fallback']),
  /** ok, or why the boot fell back to persistent (not-enough-ram, declined, no-answer, copy-failed, …). */
  reason: z.string(),
  message: z.string(),
  seconds: z.string(),
  bytes: z.number().nullable(),
});
export type StatelessStatus = z.infer<typeof StatelessStatusSchema>;

/**
 * The disk layout, as the installer may leave it (QubesOS/qubes-anaconda release4.2 and release4.3,
 * `qubesos.conf` [Storage]: `default_partitioning` on LVM thin, the default; `default_partitioning_plain`
 * with `/var/lib/qubes (min 20 GiB, fstype xfs)` on its own; `default_partitioning_btrfs` with `/` on btrfs).
 */
export const DISK_LAYOUTS = ['lvm-thin', 'plain', 'btrfs', 'other'] as const;
export const DiskLayoutSchema = z.object({
  kind: z.enum(DISK_LAYOUTS),
  /** The filesystem that holds /var/lib/qubes, where qubesd keeps qubes.xml (findmnt --target). */
  varLibQubes: z.object({ target: z.string(), source: z.string(), fsType: z.string() }),
  /** The mount point of an /etc/fstab line that mounts /var/lib/qubes or a directory above it (not /). */
  fstabMount: z.string().nullable(),
});
export type DiskLayout = z.infer<typeof DiskLayoutSchema>;

export const SystemFactsSchema = z.object({
  simulated: z.boolean(),
  qubesRelease: QubesReleaseSchema,
  releaseName: z.string(),
  bootMode: BootModeSchema,
  statelessStatus: StatelessStatusSchema.nullable(),
  kernelCmdline: z.string(),
  memory: z.object({
    totalMiB: z.number().int().nonnegative(),
    freeMiB: z.number().int().nonnegative(),
    xenVersion: z.string(),
    xenCmdline: z.string(),
    dom0: Dom0MemSettingSchema,
  }),
  rootFs: FilesystemFactSchema,
  bootFs: FilesystemFactSchema,
  layout: DiskLayoutSchema,
  swap: z.array(SwapFactSchema),
  kernels: z.array(KernelFactSchema),
  xenImages: z.array(z.string()),
  qubes: z.array(QubeFactSchema),
  pools: z.array(PoolFactSchema),
  prefs: z.record(z.string(), z.string()),
  /** What a forum recipe left on this dom0 (null: none found); absent in facts from before it was probed. */
  forumInstall: ForumInstallSchema.nullable().optional(),
});
export type SystemFacts = z.infer<typeof SystemFactsSchema>;
