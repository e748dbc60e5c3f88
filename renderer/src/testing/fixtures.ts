import type { QubeFact, SystemFacts } from '../../../shared/facts.js';
import type { RamMeasurements } from '../../../shared/ram/ram-estimate.js';

/** A small 4.2 dom0 for the renderer's unit tests (the e2e tests use the full simulated dom0). */
const vol = (usageMiB: number) => ({ pool: 'vm-pool', vid: 'x', sizeMiB: 20480, usageMiB });
const qube = (
  name: string,
  klass: QubeFact['klass'],
  state: string,
  extra: Partial<QubeFact> = {},
): QubeFact => ({
  name,
  klass,
  state,
  template: null,
  label: 'red',
  memoryMiB: 400,
  maxmemMiB: 4000,
  autostart: false,
  templateForDispvms: false,
  volumes: klass === 'AdminVM' ? {} : { root: vol(klass === 'TemplateVM' ? 4403 : 0), private: vol(10) },
  ...extra,
});

export function factsFixture(release: SystemFacts['qubesRelease'] = '4.2'): SystemFacts {
  const fs = (target: string, sizeGiB: number, usedGiB: number) => ({
    target,
    source: '/dev/x',
    fsType: 'ext4',
    options: 'rw',
    sizeBytes: sizeGiB * 1024 ** 3,
    usedBytes: usedGiB * 1024 ** 3,
    availBytes: (sizeGiB - usedGiB) * 1024 ** 3,
  });
  return {
    simulated: true,
    qubesRelease: release,
    releaseName: `Qubes release ${release}`,
    bootMode: { kind: 'persistent' },
    statelessStatus: null,
    kernelCmdline: 'root=/dev/x',
    memory: {
      totalMiB: 32614,
      freeMiB: 1000,
      xenVersion: '4.17.5',
      xenCmdline: '',
      dom0: { minMiB: 1024, maxMiB: 4096, currentMiB: 4095 },
    },
    rootFs: fs('/', 20, 7),
    bootFs: fs('/boot', 1, 0.3),
    layout: {
      kind: 'lvm-thin',
      varLibQubes: { target: '/', source: '/dev/x', fsType: 'ext4' },
      fstabMount: null,
    },
    swap: [{ device: '/dev/dm-2', type: 'partition', sizeKiB: 8 * 1024 * 1024, usedKiB: 0, priority: -2 }],
    kernels: [
      {
        version: '6.6.63',
        vmlinuz: '/boot/vmlinuz-6.6.63',
        initramfs: '/boot/initramfs-6.6.63.img',
        initramfsBytes: 50 * 1024 * 1024,
        xenDom0: true,
      },
    ],
    xenImages: ['/boot/xen.gz'],
    qubes: [
      qube('dom0', 'AdminVM', 'Running'),
      qube('debian-12-xfce', 'TemplateVM', 'Halted'),
      qube('sys-net', 'AppVM', 'Running', { autostart: true, maxmemMiB: 0, memoryMiB: 425 }),
      qube('work', 'AppVM', 'Halted'),
      qube('vault', 'AppVM', 'Halted'),
    ],
    pools: [{ name: 'vm-pool', driver: 'lvm_thin', options: {} }],
    prefs: { default_template: 'debian-12-xfce' },
  };
}

export function measurementsFixture(): RamMeasurements {
  const typical = (compressor: 'lz4' | 'zstd' | 'lzo-rle', ratio: number) => ({
    compressor,
    ratio,
    source: 'typical' as const,
    method: 'typical' as const,
  });
  return {
    root: {
      usedMiB: 7373,
      inodes: 294992,
      breakdown: [{ path: '/usr', usedMiB: 5936, inodes: 237452 }],
      source: 'du',
    },
    ratios: { lz4: typical('lz4', 0.66), zstd: typical('zstd', 0.56), 'lzo-rle': typical('lzo-rle', 0.62) },
    ratioNote: 'ram.ratio.notSampled',
    dom0UsedMiB: 1349,
    qmemman: { cacheMarginFactor: 1.3, dom0MemBoostMiB: 350, vmMinMemMiB: 200, source: 'file' },
    sample: null,
  };
}
