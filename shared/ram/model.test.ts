import { describe, expect, it } from 'vitest';
import { QMEMMAN_DEFAULTS } from './constants.js';
import { computeRamModel, qubeStartNeedMiB } from './model.js';
import type { RamModelInput } from './ram-estimate.js';
import { ratioForSetting } from './zram-settings.js';
import { RamModelSchema } from './ram-estimate.js';

const GiB = 1024;

export function baseInput(o: Partial<RamModelInput> = {}): RamModelInput {
  return {
    release: '4.2',
    hostTotalMiB: 16 * GiB,
    dom0: { currentMiB: 4095, minMiB: 1024, maxMiB: 4096 },
    bootedStateless: false,
    mode: 'zram',
    compressor: 'zstd',
    ratio: { compressor: 'zstd', ratio: 0.4, source: 'measured', method: 'direct' },
    root: {
      usedMiB: 7000,
      inodes: 280_000,
      breakdown: [{ path: '/usr', usedMiB: 5600, inodes: 200_000 }],
      source: 'du',
    },
    dom0UsedMiB: 1300,
    qmemman: { ...QMEMMAN_DEFAULTS, source: 'default' },
    swap: { diskMiB: 8191, zramMiB: 0 },
    autostart: [
      { name: 'sys-net', memoryMiB: 425, maxmemMiB: 0 },
      { name: 'sys-firewall', memoryMiB: 500, maxmemMiB: 4000 },
    ],
    ramPool: { enabled: false, sizeMiB: null, clones: [] },
    fileVolumesOnRoot: [],
    dom0MemMaxMiB: null,
    entry: { promptTimeoutSec: null, hardening: false },
    ...o,
  };
}

describe('computeRamModel, worked example (16 GiB, 4.2, zram/zstd at 40 %)', () => {
  const m = computeRamModel(baseInput());

  it('puts the compressed root, its filesystem and zram table in RAM', () => {
    // ext4: 280k inodes × 256 B × 0.25 → 18 MiB + 4 fixed; device 8704 MiB → table 34 MiB.
    expect(m.cmdline.sizeMiB).toBe(8704);
    expect(m.root).toEqual({
      atBootMiB: 2800 + 22 + 34,
      sessionWritesMiB: 410,
      totalMiB: 3266,
      fsOverheadMiB: 22,
      zramTableMiB: 34,
    });
  });

  it("recommends dom0_mem from the root, dom0's own use and qmemman's margin, and the boot kit's check", () => {
    expect(m.dom0.needMiB).toBe(3266 + 1300);
    expect(m.dom0.qmemmanPrefMiB).toBe(Math.ceil((1300 + 3266) * 1.3 + 350));
    // The boot kit estimates zram at 50 % of 7000 MiB and keeps reserve = 1300 MiB free on top.
    expect(m.dom0.bootCheckMinMiB).toBe(Math.ceil(((3500 + 1300 + 256) * 64) / 63));
    expect(m.dom0.recommendedMaxMiB).toBe(5376);
    expect(m.cmdline.linuxWords).toEqual([
      'rd.qubes.stateless=zram',
      'rd.qubes.stateless.comp=zstd',
      'rd.qubes.stateless.size=8704',
      'rd.qubes.stateless.reserve=1300',
    ]);
    expect(m.cmdline.xenWords).toEqual(['dom0_mem=max:5376M']);
  });

  it('leaves the rest for qubes, autostart qubes with their stubdomain and qubesd overheads first', () => {
    expect(m.xenReservedMiB).toBe(128 + 50);
    expect(m.leftForQubesMiB).toBe(16384 - 178 - 5376);
    expect(m.autostart.qubes).toEqual([
      { name: 'sys-net', needMiB: 425 + 144 + 7, fixed: true },
      { name: 'sys-firewall', needMiB: 507, fixed: false },
    ]);
    expect(m.leftAfterAutostartMiB).toBe(16384 - 178 - 5376 - 576 - 507);
    expect(m.verdict).toEqual({
      kind: 'fits',
      key: 'ram.verdict.fits',
      params: { leftMiB: m.leftAfterAutostartMiB },
    });
    expect(() => RamModelSchema.parse(m)).not.toThrow();
  });
});

describe('qube start needs (qubes/vm/qubesvm.py request_mem)', () => {
  it('adds 4.3 paging overhead per MiB of maxmem, and the stubdomain for no-balloon (HVM) qubes', () => {
    expect(qubeStartNeedMiB('4.2', 400, 4000)).toBe(407);
    expect(qubeStartNeedMiB('4.3', 400, 4000)).toBe(407 + 32);
    expect(qubeStartNeedMiB('4.3', 425, 0)).toBe(425 + 144 + 7 + 4);
  });
});

describe('hosts of 8/16/32/64 GiB, every mode, both releases', () => {
  const hosts = [8, 16, 32, 64];
  for (const release of ['4.2', '4.3'] as const) {
    for (const mode of ['overlay', 'zram', 'tmpfs'] as const) {
      it.each(hosts)(`${release} ${mode} on %i GiB`, (gib) => {
        const input = baseInput({
          release,
          mode,
          hostTotalMiB: gib * GiB - 154,
          swap: { diskMiB: 8191, zramMiB: release === '4.3' ? 8191 : 0 },
        });
        const m = computeRamModel(input);
        expect(() => RamModelSchema.parse(m)).not.toThrow();
        expect(m.dom0.recommendedMaxMiB).toBeLessThanOrEqual(m.hostUsableMiB);
        expect(m.dom0.recommendedMaxMiB % 128).toBe(0);
        if (mode === 'overlay') expect(m.root.atBootMiB).toBe(0);
        if (mode === 'tmpfs') expect(m.root.atBootMiB).toBe(7000 + Math.ceil(280_000 / 1024));
        if (mode === 'tmpfs') expect(m.warnings.map((w) => w.key)).toContain('ram.warning.tmpfsReclaimable');
        expect(m.warnings.map((w) => w.key)).toContain(
          release === '4.3' ? 'ram.warning.zramSwapRemains' : 'ram.warning.noSwap',
        );
        // A 7 GiB root in tmpfs does not fit in 8 GiB; overlay and zram do.
        if (gib === 8 && mode === 'tmpfs') expect(m.verdict.kind).toBe('does-not-fit');
        if (gib >= 16 && mode !== 'tmpfs') expect(m.verdict.kind).toBe('fits');
        if (gib >= 32) expect(m.verdict.kind).not.toBe('does-not-fit');
      });
    }
  }

  it('an 8 GiB host with zram is tight or fits, never silently comfortable with many autostart qubes', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ name: `svc${i}`, memoryMiB: 800, maxmemMiB: 0 }));
    const m = computeRamModel(baseInput({ hostTotalMiB: 8 * GiB - 154, autostart: many }));
    expect(m.verdict.kind).toBe('does-not-fit');
    expect(m.verdict.key).toBe('ram.verdict.doesNotFit.autostart');
  });
});

describe('verdicts and warnings', () => {
  it('a dom0_mem below what the root needs is does-not-fit (the boot would fall back)', () => {
    const m = computeRamModel(baseInput({ dom0MemMaxMiB: 4096 }));
    expect(m.verdict).toMatchObject({
      kind: 'does-not-fit',
      key: 'ram.verdict.doesNotFit.dom0Mem',
      params: { chosenMiB: 4096 },
    });
    expect(m.warnings.map((w) => w.key)).toContain('ram.warning.dom0MemBelowRecommended');
  });

  it('a typical ratio widens the margin: tight where a measured one fits', () => {
    const tightHost = 8704;
    const measured = computeRamModel(baseInput({ hostTotalMiB: tightHost }));
    const typical = computeRamModel(
      baseInput({
        hostTotalMiB: tightHost,
        ratio: { compressor: 'zstd', ratio: 0.4, source: 'typical', method: 'typical' },
      }),
    );
    expect(measured.verdict.kind).toBe('fits');
    expect(typical.verdict).toMatchObject({ kind: 'tight', key: 'ram.verdict.tight.uncertainRatio' });
  });

  it('the RAM pool holds the template clones compressed, and must be big enough for them', () => {
    const clones = [{ template: 'fedora-40-xfce', rootUsageMiB: 5222 }];
    const m = computeRamModel(baseInput({ ramPool: { enabled: true, sizeMiB: null, clones } }));
    expect(m.ramPool).toMatchObject({
      clonesMiB: 5222,
      sizeMiB: 7936,
      atBootMiB: Math.ceil(5222 * 0.4) + 32 + 31,
    });
    expect(m.dom0.needMiB).toBe(m.root.totalMiB + m.ramPool!.totalMiB + 1300);
    const small = computeRamModel(baseInput({ ramPool: { enabled: true, sizeMiB: 4096, clones } }));
    expect(small.verdict).toMatchObject({ kind: 'does-not-fit', key: 'ram.verdict.doesNotFit.ramPoolSize' });
    const unknown = computeRamModel(
      baseInput({
        ramPool: { enabled: true, sizeMiB: null, clones: [{ template: 'gone', rootUsageMiB: null }] },
      }),
    );
    expect(unknown.warnings.map((w) => w.key)).toContain('ram.warning.templateUnknown');
  });

  it('a pool that fits alone but not with the root names the pool', () => {
    const clones = [{ template: 't', rootUsageMiB: 20_000 }];
    const m = computeRamModel(
      baseInput({ hostTotalMiB: 12 * GiB, ramPool: { enabled: true, sizeMiB: null, clones } }),
    );
    expect(m.verdict).toMatchObject({ kind: 'does-not-fit', key: 'ram.verdict.doesNotFit.ramPool' });
  });

  it('tmpfs: qmemman does not see the root, so dom0 may be squeezed (tight), and the warning says so', () => {
    const m = computeRamModel(
      baseInput({
        mode: 'tmpfs',
        hostTotalMiB: 64 * GiB,
        root: { usedMiB: 3000, inodes: 100_000, breakdown: [], source: 'du' },
      }),
    );
    expect(m.dom0.qmemmanPrefMiB).toBeLessThan(m.dom0.needMiB);
    expect(m.verdict.key).toBe('ram.verdict.tight.tmpfsReclaimable');
    expect(m.warnings.find((w) => w.key === 'ram.warning.tmpfsReclaimable')?.severity).toBe('danger');
  });

  it('uses the typical dom0 figure in a stateless session, and flags big non-/usr directories and file pools on the root', () => {
    const m = computeRamModel(
      baseInput({
        bootedStateless: true,
        root: {
          usedMiB: 9000,
          inodes: null,
          breakdown: [
            { path: '/usr', usedMiB: 5600, inodes: null },
            { path: '/var', usedMiB: 3000, inodes: null },
          ],
          source: 'du',
        },
        fileVolumesOnRoot: [{ pool: 'varlibqubes', usageMiB: 2500 }],
      }),
    );
    expect(m.dom0WorkingSetMiB).toBe(1024);
    const keys = m.warnings.map((w) => `${w.key}:${String(w.params.path ?? '')}`);
    expect(keys).toContain('ram.warning.rootLargeDir:/var');
    expect(keys).not.toContain('ram.warning.rootLargeDir:/usr');
    expect(keys).toContain('ram.warning.fileVolumesOnRoot:');
    expect(keys).toContain('ram.warning.measuredInStatelessSession:');
  });

  it('overlay needs no root copy: only the session writes', () => {
    const m = computeRamModel(baseInput({ mode: 'overlay', hostTotalMiB: 8 * GiB }));
    expect(m.root).toMatchObject({ atBootMiB: 0, totalMiB: 1024 });
    expect(m.cmdline.linuxWords).toEqual([
      'rd.qubes.stateless=overlay',
      'rd.qubes.stateless.size=1024',
      'rd.qubes.stateless.reserve=1300',
    ]);
    expect(m.warnings.map((w) => w.key)).toContain('ram.warning.overlayKeepsDisk');
  });
});

describe("qmemman's static-max for dom0 (startup-misc.sh: dom0's size at boot)", () => {
  it('is dom0_mem=max when the host has it, and what Xen can give when dom0_mem=max asks for more', () => {
    const m = computeRamModel(baseInput());
    expect(m.dom0.staticMaxMiB).toBe(m.dom0.effectiveMaxMiB);
    // 6 GiB host, dom0_mem=max:8G: qmemman would like dom0 above what the host has; it boots at what Xen can give.
    const greedy = computeRamModel(baseInput({ hostTotalMiB: 6 * GiB, dom0MemMaxMiB: 8 * GiB }));
    expect(greedy.dom0.effectiveMaxMiB).toBe(8 * GiB);
    expect(greedy.dom0.qmemmanPrefMiB).toBeGreaterThan(greedy.hostUsableMiB);
    expect(greedy.dom0.staticMaxMiB).toBe(greedy.hostUsableMiB);
    // dom0 cannot be held above its boot size, so what it keeps is capped there and the rest is the qubes'.
    expect(greedy.leftForQubesMiB).toBe(
      greedy.hostUsableMiB -
        Math.min(greedy.dom0.staticMaxMiB, Math.max(greedy.dom0.needMiB, greedy.dom0.qmemmanPrefMiB)),
    );
    expect(greedy.leftForQubesMiB).toBe(0);
  });
});

describe('computeRamModel with a zram level measured by the boot benchmark', () => {
  it('feeds the RAM model: a smaller ratio for the level, less RAM for the root', () => {
    const table = { zstd: 0.44, 'zstd:level=9': 0.33 };
    const base = { compressor: 'zstd', ratio: 0.4, source: 'measured', method: 'direct' } as const;
    const m = computeRamModel(
      baseInput({ ratio: ratioForSetting(base, { compressor: 'zstd', level: 9 }, table) }),
    );
    // 7000 MiB × 0.3 = 2100, + 22 MiB of ext4 metadata + the 34 MiB zram table (as in model.test.ts at 0.4).
    expect(m.root.atBootMiB).toBe(2100 + 22 + 34);
  });
});
