import type { SystemFacts } from './facts.js';

/**
 * Readiness checks shown on the System check screen and by the CLI. Pure data: each check names an i18n key
 * (`checks.<id>.<status>`) and its parameters; the UI supplies the words.
 */
export type CheckStatus = 'ok' | 'warn' | 'block';

export interface Check {
  readonly id:
    'release' | 'boot-mode' | 'last-boot' | 'host-memory' | 'kernels' | 'boot-space' | 'swap' | 'disk-layout';
  readonly status: CheckStatus;
  readonly params: Readonly<Record<string, string | number>>;
}

const MiB = 1024 * 1024;
/** qubes-doc system requirements: 16 GB recommended, 6 GB minimum — and a RAM root needs more than a disk one. */
export const RECOMMENDED_HOST_MIB = 16 * 1024;
export const MINIMUM_HOST_MIB = 8 * 1024;
/** dracut images on dom0 run ~40–70 MiB; an extra module and the rebuild's temporary file need room. */
export const MIN_BOOT_FREE_MIB = 128;

export function systemChecks(f: SystemFacts): Check[] {
  const bootFreeMiB = Math.floor(f.bootFs.availBytes / MiB);
  const xenKernels = f.kernels.filter((k) => k.xenDom0);
  return [
    { id: 'release', status: 'ok', params: { release: f.qubesRelease, name: f.releaseName } },
    f.bootMode.kind === 'persistent'
      ? { id: 'boot-mode', status: 'ok', params: {} }
      : { id: 'boot-mode', status: 'block', params: { mode: f.bootMode.mode } },
    ...(f.statelessStatus?.result === 'fallback'
      ? [
          {
            id: 'last-boot' as const,
            status: 'warn' as const,
            params: {
              mode: f.statelessStatus.mode,
              reason: f.statelessStatus.reason,
              message: f.statelessStatus.message,
            },
          },
        ]
      : []),
    {
      id: 'host-memory',
      status:
        f.memory.totalMiB >= RECOMMENDED_HOST_MIB
          ? 'ok'
          : f.memory.totalMiB >= MINIMUM_HOST_MIB
            ? 'warn'
            : 'block',
      params: {
        totalMiB: f.memory.totalMiB,
        recommendedMiB: RECOMMENDED_HOST_MIB,
        minimumMiB: MINIMUM_HOST_MIB,
      },
    },
    {
      id: 'kernels',
      status: xenKernels.length === 0 ? 'block' : xenKernels.every((k) => k.initramfs) ? 'ok' : 'warn',
      params: {
        count: xenKernels.length,
        missing: xenKernels
          .filter((k) => !k.initramfs)
          .map((k) => k.version)
          .join(', '),
      },
    },
    // The plan refuses the plain layout and warns on btrfs (electron/core/tasks/planner.ts); say so up front.
    {
      id: 'disk-layout',
      status: f.layout.kind === 'plain' ? 'block' : f.layout.kind === 'lvm-thin' ? 'ok' : 'warn',
      params: {
        kind: f.layout.kind,
        target: f.layout.fstabMount ?? f.layout.varLibQubes.target,
        fsType: f.layout.varLibQubes.fsType,
        rootFsType: f.rootFs.fsType,
      },
    },
    {
      id: 'boot-space',
      status: bootFreeMiB >= MIN_BOOT_FREE_MIB ? 'ok' : 'block',
      params: { freeMiB: bootFreeMiB, neededMiB: MIN_BOOT_FREE_MIB },
    },
    {
      id: 'swap',
      status: 'ok',
      params: {
        disk: f.swap.filter((s) => !s.device.startsWith('/dev/zram')).length,
        zram: f.swap.filter((s) => s.device.startsWith('/dev/zram')).length,
      },
    },
  ];
}
