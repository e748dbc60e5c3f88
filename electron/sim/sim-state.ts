import { z } from 'zod';
import { QubeClassSchema, QubesReleaseSchema } from '../../shared/facts.js';

/** The simulated dom0's non-file state: what qubesd, Xen and the kernel would know. Stored as state.json. */

export const SimVolumeSchema = z.object({
  pool: z.string(),
  vid: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  usageBytes: z.number().int().nonnegative(),
  rw: z.boolean(),
  snapOnStart: z.boolean(),
  saveOnStop: z.boolean(),
  /** The volume this one is a snapshot of ("vm:volume"), for snap_on_start volumes. */
  source: z.string().nullable(),
  revisionsToKeep: z.number().int(),
  ephemeral: z.boolean(),
});
export type SimVolume = z.infer<typeof SimVolumeSchema>;

export const SimQubeSchema = z.object({
  name: z.string(),
  klass: QubeClassSchema,
  state: z.enum(['Running', 'Halted', 'Paused', 'Transient']),
  label: z.string(),
  /** Explicitly set properties; anything absent has its default (see sim property tables). */
  props: z.record(z.string(), z.string()),
  volumes: z.record(z.string(), SimVolumeSchema),
  features: z.record(z.string(), z.string()).default({}),
});
export type SimQube = z.infer<typeof SimQubeSchema>;

export const SimPoolSchema = z.object({
  name: z.string(),
  driver: z.string(),
  config: z.record(z.string(), z.string()),
});
export type SimPool = z.infer<typeof SimPoolSchema>;

export const SimMountSchema = z.object({
  target: z.string(),
  source: z.string(),
  fsType: z.string(),
  options: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Bytes used by everything that is not in the simulated tree (the tree holds only small stand-ins). */
  baseUsedBytes: z.number().int().nonnegative(),
});
export type SimMount = z.infer<typeof SimMountSchema>;

/** A scripted failure: the first `times` commands whose argv starts with `argvPrefix` fail this way. */
export const SimFailureSchema = z.object({
  argvPrefix: z.array(z.string()).min(1),
  exitCode: z.number().int(),
  stderr: z.string(),
  times: z.number().int().positive().default(1),
});
export type SimFailure = z.infer<typeof SimFailureSchema>;

/**
 * The one matcher of scripted failures, for commands and for the privileged file operations alike: the first
 * failure whose prefix starts `argv`, used up once (removed from the state at its last time; save the state).
 */
export function takeScriptedFailure(
  failures: SimFailure[],
  argv: readonly string[],
): Pick<SimFailure, 'exitCode' | 'stderr'> | null {
  const f = failures.find((x) => x.argvPrefix.every((a, i) => argv[i] === a));
  if (!f) return null;
  if (--f.times === 0) failures.splice(failures.indexOf(f), 1);
  return { exitCode: f.exitCode, stderr: f.stderr };
}

export const SimStateSchema = z.object({
  format: z.literal('qubes-stateless-sim/1'),
  profile: z.string(),
  release: QubesReleaseSchema,
  host: z.object({
    totalMiB: z.number().int().positive(),
    freeMiB: z.number().int().nonnegative(),
    xenVersion: z.string(),
    xenCmdline: z.string(),
    hostname: z.string(),
    nrCpus: z.number().int().positive(),
  }),
  dom0: z.object({ currentMiB: z.number().int().positive(), vcpus: z.number().int().positive() }),
  sudo: z.enum(['allowed', 'refused']),
  mounts: z.array(SimMountSchema),
  qubes: z.array(SimQubeSchema),
  pools: z.array(SimPoolSchema),
  /** Global qubes-prefs explicitly set (others default). */
  prefs: z.record(z.string(), z.string()),
  /** zram devices created after boot (zramctl --find), besides those the mounts and swaps show. */
  zramDevices: z.array(z.object({ device: z.string(), sizeMiB: z.number().int().positive() })).default([]),
  /** Programs that are "not installed" in this simulated dom0. */
  missingBinaries: z.array(z.string()).default([]),
  failures: z.array(SimFailureSchema).default([]),
});
export type SimState = z.infer<typeof SimStateSchema>;
