import { buildBootEntry } from '../boot-entry.js';
import type { Compressor, WizardChoices } from '../choices.js';
import type { SystemFacts } from '../facts.js';
import {
  BOOT_KIT_OVERLAY_MIN_MIB,
  BOOT_KIT_ZRAM_ESTIMATE_PCT,
  DEFAULT_QUBE_MEMORY_MIB,
  DOM0_MEM_STEP_MIB,
  EXT4_FIXED_OVERHEAD_MIB,
  EXT4_INODE_BYTES,
  EXT4_INODE_TABLE_RATIO,
  HOST_MINIMUM_MIB,
  HOST_RECOMMENDED_MIB,
  KERNEL_FIXED_OVERHEAD_MIB,
  KERNEL_PAGE_ARRAY_DIVISOR,
  QUBE_OVERHEAD,
  RAM_POOL_DISPOSABLE_ROOM_MIB,
  RAM_POOL_WRITES_MIB,
  SESSION_WRITES_MIB,
  SIZE_STEP_MIB,
  TIGHT_SPARE_QUBES,
  TMPFS_INODE_KIB,
  TYPICAL_DOM0_USED_MIB,
  TYPICAL_INODES_PER_MIB,
  TYPICAL_RATIO_UNCERTAINTY,
  XEN_FRAME_TABLE_DIVISOR,
  XEN_FREE_MEM_LEFT_MIB,
  XFS_OVERHEAD_MIB,
  ZRAM_SWAP_MAX_MIB,
  ZRAM_TABLE_BYTES_PER_PAGE,
} from './constants.js';
import type { Message, RamMeasurements, RamModel, RamModelInput, RamWarning } from './ram-estimate.js';
import { ratioForSetting, zramSettingFor } from './zram-settings.js';

/**
 * The RAM model: pure arithmetic over RamModelInput, so the renderer can recompute it for every choice the
 * user tries. Every constant is in constants.ts with its source. Sizes are whole MiB, always rounded up for
 * what is needed and down for what is available.
 */

const up = (v: number, step: number) => Math.ceil(v / step) * step;
const down = (v: number, step: number) => Math.floor(v / step) * step;
const ceil = (v: number) => Math.ceil(v - 1e-9);

/** zram's table: one entry per 4 KiB page of the device's logical size. */
const zramTableMiB = (disksizeMiB: number) =>
  ceil((disksizeMiB * 256 * ZRAM_TABLE_BYTES_PER_PAGE) / (1024 * 1024));

/** What qubesd asks qmemman for when it starts this qube (qubes/vm/qubesvm.py request_mem). */
export function qubeStartNeedMiB(
  release: RamModelInput['release'],
  memoryMiB: number,
  maxmemMiB: number,
): number {
  // maxmem 0 = no balloon: PCI devices (qubes/vm/qubesvm.py is_memory_balancing_possible), which Qubes runs as
  // HVM with a stubdomain. Facts carry no virt_mode, so this is how HVM service qubes are recognised.
  const hvm = maxmemMiB === 0;
  const paging = release === '4.3' ? ceil((maxmemMiB || memoryMiB) / QUBE_OVERHEAD.pagingDivisor43) : 0;
  return ceil(
    memoryMiB +
      (hvm ? QUBE_OVERHEAD.hvmStubdomMiB : 0) +
      QUBE_OVERHEAD.baseMiB +
      QUBE_OVERHEAD.defaultVcpus * QUBE_OVERHEAD.perVcpuMiB +
      paging,
  );
}

export function computeRamModel(input: RamModelInput): RamModel {
  const { mode, release } = input;
  const ratio = input.ratio.ratio;
  const used = input.root.usedMiB;
  const inodes = input.root.inodes ?? used * TYPICAL_INODES_PER_MIB;
  const warnings: RamWarning[] = [];
  const warn = (severity: RamWarning['severity'], key: string, params: RamWarning['params'] = {}) =>
    warnings.push({ severity, key, params });

  // --- dom0's root -------------------------------------------------------------------------------------
  let atBoot: number;
  let session: number;
  let fsOverhead = 0;
  let table = 0;
  let sizeMiB: number;
  let bootKitEstimate: number;
  if (mode === 'overlay') {
    atBoot = 0;
    session = SESSION_WRITES_MIB;
    sizeMiB = SESSION_WRITES_MIB;
    bootKitEstimate = BOOT_KIT_OVERLAY_MIN_MIB;
  } else if (mode === 'tmpfs') {
    fsOverhead = ceil((inodes * TMPFS_INODE_KIB) / 1024);
    atBoot = used + fsOverhead;
    session = SESSION_WRITES_MIB;
    // The tmpfs size counts data pages only; 16 MiB is the boot kit's own slack for it.
    sizeMiB = up(used + session + 16, SIZE_STEP_MIB);
    bootKitEstimate = atBoot;
  } else {
    fsOverhead =
      ceil((inodes * EXT4_INODE_BYTES * EXT4_INODE_TABLE_RATIO) / (1024 * 1024)) + EXT4_FIXED_OVERHEAD_MIB;
    // The filesystem the boot kit needs (its _fs_kib: data + 1/32 + inode tables for used×2+65536 inodes + 64 MiB),
    // plus room for the session's writes. The device is thin: its size costs only zram's table.
    const kitFs = used + used / 32 + ((inodes * 2 + 65536) * EXT4_INODE_BYTES) / (1024 * 1024) + 64;
    sizeMiB = up(kitFs + SESSION_WRITES_MIB, SIZE_STEP_MIB);
    table = zramTableMiB(sizeMiB);
    atBoot = ceil(used * ratio) + fsOverhead + table;
    session = ceil(SESSION_WRITES_MIB * ratio);
    bootKitEstimate = ceil((used * BOOT_KIT_ZRAM_ESTIMATE_PCT) / 100);
  }
  const rootTotal = atBoot + session;

  // --- the RAM pool (XFS on zram, in dom0's memory) -----------------------------------------------------
  let pool: RamModel['ramPool'] = null;
  if (input.ramPool.enabled) {
    const clonesMiB = input.ramPool.clones.reduce((s, c) => s + (c.rootUsageMiB ?? 0), 0);
    const poolSize =
      input.ramPool.sizeMiB ??
      up(clonesMiB + Math.max(RAM_POOL_DISPOSABLE_ROOM_MIB, clonesMiB / 2), SIZE_STEP_MIB);
    const poolTable = zramTableMiB(poolSize);
    const poolAtBoot = ceil(clonesMiB * ratio) + XFS_OVERHEAD_MIB + poolTable;
    pool = {
      sizeMiB: poolSize,
      clonesMiB,
      atBootMiB: poolAtBoot,
      totalMiB: poolAtBoot + ceil(Math.min(RAM_POOL_WRITES_MIB, Math.max(0, poolSize - clonesMiB)) * ratio),
      worstCaseMiB: ceil(poolSize * ratio) + XFS_OVERHEAD_MIB + poolTable,
    };
  }
  const poolTotal = pool?.totalMiB ?? 0;

  // --- dom0 ----------------------------------------------------------------------------------------------
  const workingSet =
    !input.bootedStateless && input.dom0UsedMiB !== null ? input.dom0UsedMiB : TYPICAL_DOM0_USED_MIB;
  const { cacheMarginFactor: cmf, dom0MemBoostMiB: boost } = input.qmemman;
  const need = rootTotal + poolTotal + workingSet;
  // qmemman sees zram (root and pool) as used memory, but a tmpfs root or overlay upper as page cache.
  const seenUsed = workingSet + poolTotal + (mode === 'zram' ? rootTotal : 0);
  const qmemmanPref = ceil(seenUsed * cmf + boost);
  // Root, pool and working set with qmemman's own cache margin on the working set.
  const comfortable = rootTotal + poolTotal + ceil(workingSet * cmf) + boost;
  // The boot kit starts the copy only if its estimate (at least what the root will really take) fits in
  // MemAvailable minus reserve; MemAvailable is dom0_mem minus the kernel's share.
  const reserve = workingSet + poolTotal;
  const bootNeed = Math.max(bootKitEstimate, rootTotal);
  const bootCheckMin = ceil(
    (bootNeed + reserve + KERNEL_FIXED_OVERHEAD_MIB) / (1 - 1 / KERNEL_PAGE_ARRAY_DIVISOR),
  );

  const xenReserved = ceil(input.hostTotalMiB / XEN_FRAME_TABLE_DIVISOR) + XEN_FREE_MEM_LEFT_MIB;
  const hostUsable = Math.max(0, input.hostTotalMiB - xenReserved);
  const wanted = up(Math.max(comfortable, bootCheckMin, input.dom0.minMiB ?? 0), DOM0_MEM_STEP_MIB);
  const recommended = Math.min(wanted, down(hostUsable, DOM0_MEM_STEP_MIB));
  const chosen = input.dom0MemMaxMiB;
  const effectiveMax = chosen ?? recommended;
  // qubes-core-admin linux/aux-tools/startup-misc.sh (release4.2, release4.3), run by qubes-core.service at boot,
  // sets dom0's memory/static-max to its size then (`xl list 0`): dom0_mem=max, or what Xen had left to give.
  // qmemman never gives dom0 more than that, so dom0 can never grow past its boot size in the session.
  const staticMax = Math.min(effectiveMax, hostUsable);
  const dom0Floor = Math.min(staticMax, Math.max(need, qmemmanPref));
  const leftForQubes = hostUsable - dom0Floor;

  // --- autostart qubes -----------------------------------------------------------------------------------
  const autostartQubes = input.autostart.map((q) => ({
    name: q.name,
    needMiB: qubeStartNeedMiB(release, q.memoryMiB, q.maxmemMiB),
    fixed: q.maxmemMiB === 0,
  }));
  const autostartTotal = autostartQubes.reduce((s, q) => s + q.needMiB, 0);
  const leftAfter = leftForQubes - autostartTotal;
  const tightThreshold =
    TIGHT_SPARE_QUBES * qubeStartNeedMiB(release, DEFAULT_QUBE_MEMORY_MIB, DEFAULT_QUBE_MEMORY_MIB * 10);

  // --- verdict -------------------------------------------------------------------------------------------
  const compressedMiB = (mode === 'zram' ? rootTotal : 0) + poolTotal;
  const band = input.ratio.source === 'typical' ? ceil(compressedMiB * TYPICAL_RATIO_UNCERTAINTY) : 0;
  const needWithoutPool = Math.max(
    rootTotal + workingSet,
    ceil(
      (Math.max(bootKitEstimate, rootTotal) + workingSet + KERNEL_FIXED_OVERHEAD_MIB) /
        (1 - 1 / KERNEL_PAGE_ARRAY_DIVISOR),
    ),
  );
  let verdict: Message & { kind: RamModel['verdict']['kind'] };
  if (Math.max(need, bootCheckMin) > hostUsable) {
    verdict =
      pool && needWithoutPool <= hostUsable
        ? {
            kind: 'does-not-fit',
            key: 'ram.verdict.doesNotFit.ramPool',
            params: { needMiB: Math.max(need, bootCheckMin), hostMiB: hostUsable, poolMiB: poolTotal },
          }
        : {
            kind: 'does-not-fit',
            key: 'ram.verdict.doesNotFit.root',
            params: { needMiB: Math.max(need, bootCheckMin), hostMiB: hostUsable, rootMiB: rootTotal },
          };
  } else if (chosen !== null && chosen < Math.max(need, bootCheckMin)) {
    verdict = {
      kind: 'does-not-fit',
      key: 'ram.verdict.doesNotFit.dom0Mem',
      params: { chosenMiB: chosen, neededMiB: Math.max(need, bootCheckMin) },
    };
  } else if (pool && pool.sizeMiB < pool.clonesMiB) {
    verdict = {
      kind: 'does-not-fit',
      key: 'ram.verdict.doesNotFit.ramPoolSize',
      params: { sizeMiB: pool.sizeMiB, clonesMiB: pool.clonesMiB },
    };
  } else if (leftAfter < 0) {
    verdict = {
      kind: 'does-not-fit',
      key: 'ram.verdict.doesNotFit.autostart',
      params: { leftMiB: leftForQubes, autostartMiB: autostartTotal },
    };
  } else if (leftAfter < tightThreshold) {
    verdict = {
      kind: 'tight',
      key: 'ram.verdict.tight.autostart',
      params: { leftMiB: leftAfter, wantedMiB: tightThreshold, qubes: TIGHT_SPARE_QUBES },
    };
  } else if (band > 0 && leftAfter - band < tightThreshold) {
    verdict = {
      kind: 'tight',
      key: 'ram.verdict.tight.uncertainRatio',
      params: { leftMiB: leftAfter, uncertaintyMiB: band },
    };
  } else if (mode === 'tmpfs' && qmemmanPref < need) {
    verdict = {
      kind: 'tight',
      key: 'ram.verdict.tight.tmpfsReclaimable',
      params: { shortMiB: need - qmemmanPref },
    };
  } else {
    verdict = { kind: 'fits', key: 'ram.verdict.fits', params: { leftMiB: leftAfter } };
  }

  // --- warnings ------------------------------------------------------------------------------------------
  const zramSwap = input.swap.zramMiB > 0;
  if (mode === 'tmpfs') {
    warn(zramSwap ? 'warning' : 'danger', 'ram.warning.tmpfsReclaimable', {
      rootMiB: rootTotal,
      qmemmanPrefMiB: qmemmanPref,
      swap: zramSwap,
    });
  }
  if (mode === 'overlay') {
    warn('info', 'ram.warning.overlayWrites', { sizeMiB });
    warn('info', 'ram.warning.overlayKeepsDisk', {
      sysUsb: input.autostart.some((q) => q.name === 'sys-usb'),
    });
    if (qmemmanPref < need)
      warn('warning', 'ram.warning.overlayReclaimable', { shortMiB: need - qmemmanPref });
  }
  warn(
    zramSwap ? 'info' : mode === 'tmpfs' ? 'danger' : 'info',
    zramSwap ? 'ram.warning.zramSwapRemains' : 'ram.warning.noSwap',
    {
      diskSwapMiB: input.swap.diskMiB,
      zramSwapMiB: zramSwap ? Math.min(input.swap.zramMiB, ZRAM_SWAP_MAX_MIB) : 0,
    },
  );
  if (input.ratio.source === 'typical' && (mode === 'zram' || pool)) {
    warn('info', 'ram.warning.ratioTypical', {
      compressor: input.compressor,
      ratioPct: Math.round(input.ratio.ratio * 100),
      uncertaintyPct: Math.round(TYPICAL_RATIO_UNCERTAINTY * 100),
    });
  }
  if (input.ratio.method === 'lz4-proxy' && (mode === 'zram' || pool))
    warn('info', 'ram.warning.ratioProxy', { compressor: input.compressor });
  if (input.bootedStateless)
    warn('info', 'ram.warning.measuredInStatelessSession', { assumedMiB: TYPICAL_DOM0_USED_MIB });
  if (mode !== 'overlay') {
    // /usr is the bulk of every root; other directories this big are usually data (home, VM images, caches).
    for (const d of input.root.breakdown) {
      if (d.path !== '/usr' && d.usedMiB >= Math.max(1024, used / 8))
        warn('warning', 'ram.warning.rootLargeDir', { path: d.path, usedMiB: d.usedMiB });
    }
    const fileVols = input.fileVolumesOnRoot.reduce((s, v) => s + v.usageMiB, 0);
    if (fileVols > 0)
      warn('warning', 'ram.warning.fileVolumesOnRoot', {
        usageMiB: fileVols,
        pools: [...new Set(input.fileVolumesOnRoot.map((v) => v.pool))].join(', '),
      });
  }
  const fixed = autostartQubes.filter((q) => q.fixed);
  if (fixed.length > 0)
    warn('info', 'ram.warning.fixedMemoryAutostart', {
      qubes: fixed.map((q) => q.name).join(', '),
      totalMiB: fixed.reduce((s, q) => s + q.needMiB, 0),
    });
  if (pool) {
    const unknown = input.ramPool.clones.filter((c) => c.rootUsageMiB === null);
    for (const c of unknown) warn('warning', 'ram.warning.templateUnknown', { template: c.template });
    if (pool.worstCaseMiB - pool.totalMiB > 0 && need - poolTotal + pool.worstCaseMiB > staticMax) {
      warn('warning', 'ram.warning.ramPoolWorstCase', {
        worstMiB: pool.worstCaseMiB,
        sizeMiB: pool.sizeMiB,
        dom0MaxMiB: staticMax,
      });
    }
  } else if (input.ramPool.clones.length > 0) {
    warn('warning', 'ram.warning.templatesWithoutPool', { count: input.ramPool.clones.length });
  }
  if (chosen !== null && chosen < recommended)
    warn('warning', 'ram.warning.dom0MemBelowRecommended', {
      chosenMiB: chosen,
      recommendedMiB: recommended,
    });
  if (chosen !== null && chosen > hostUsable)
    warn('warning', 'ram.warning.dom0MemAboveHost', { chosenMiB: chosen, hostMiB: hostUsable });
  if (input.hostTotalMiB < HOST_MINIMUM_MIB)
    warn('danger', 'ram.warning.hostBelowMinimum', {
      hostMiB: input.hostTotalMiB,
      minimumMiB: HOST_MINIMUM_MIB,
    });
  else if (input.hostTotalMiB < HOST_RECOMMENDED_MIB)
    warn('info', 'ram.warning.hostBelowRecommended', {
      hostMiB: input.hostTotalMiB,
      recommendedMiB: HOST_RECOMMENDED_MIB,
    });

  const entry = buildBootEntry({
    mode,
    compressor: input.compressor,
    sizeMiB,
    reserveMiB: reserve,
    dom0MemMaxMiB: effectiveMax,
    ...input.entry,
  });

  return {
    mode,
    compressor: input.compressor,
    rootUsedMiB: used,
    root: {
      atBootMiB: atBoot,
      sessionWritesMiB: session,
      totalMiB: rootTotal,
      fsOverheadMiB: fsOverhead,
      zramTableMiB: table,
    },
    dom0WorkingSetMiB: workingSet,
    ramPool: pool,
    dom0: {
      needMiB: need,
      qmemmanPrefMiB: qmemmanPref,
      recommendedMaxMiB: recommended,
      effectiveMaxMiB: effectiveMax,
      bootCheckMinMiB: bootCheckMin,
      staticMaxMiB: staticMax,
    },
    cmdline: {
      sizeMiB,
      reserveMiB: reserve,
      dom0MemMaxMiB: effectiveMax,
      linuxWords: [...entry.linuxWords],
      xenWords: [...entry.xenWords],
      grubConf: entry.grubConf,
    },
    xenReservedMiB: xenReserved,
    hostUsableMiB: hostUsable,
    leftForQubesMiB: leftForQubes,
    autostart: { qubes: autostartQubes, totalMiB: autostartTotal },
    leftAfterAutostartMiB: leftAfter,
    tightThresholdMiB: tightThreshold,
    verdict,
    warnings,
  };
}

const FILE_DRIVERS = new Set(['file', 'file-reflink']);

/** The model's input from probed facts, the user's choices and what the core measured. */
export function ramInputFrom(
  facts: SystemFacts,
  choices: WizardChoices,
  m: RamMeasurements,
  compressor: Compressor = choices.dom0.compressor,
): RamModelInput {
  // The level the entry gets (none unless every dom0 kernel has algorithm_params), and the ratio it gives.
  const { level } =
    choices.dom0.mode === 'zram' ? zramSettingFor(compressor, facts.kernels) : { level: null };
  const byName = new Map(facts.qubes.map((q) => [q.name, q]));
  const zram = (d: string) => d.startsWith('/dev/zram');
  const mounts = [facts.bootFs.target].filter((t) => t !== '/');
  const onRoot = (dir: string) => !mounts.some((t) => dir === t || dir.startsWith(`${t}/`));
  const filePools = facts.pools.filter(
    (p) => FILE_DRIVERS.has(p.driver) && onRoot(p.options.dir_path ?? '/var/lib/qubes'),
  );
  const fileVolumesOnRoot = filePools.flatMap((p) =>
    facts.qubes.flatMap((q) =>
      Object.values(q.volumes)
        .filter((v) => v.pool === p.name && v.usageMiB > 0)
        .map((v) => ({ pool: p.name, usageMiB: v.usageMiB })),
    ),
  );
  return {
    release: facts.qubesRelease,
    hostTotalMiB: facts.memory.totalMiB,
    dom0: facts.memory.dom0,
    bootedStateless: facts.bootMode.kind === 'stateless',
    mode: choices.dom0.mode,
    compressor,
    ratio: ratioForSetting(m.ratios[compressor], { compressor, level }),
    root: m.root,
    dom0UsedMiB: m.dom0UsedMiB,
    qmemman: m.qmemman,
    swap: {
      diskMiB: Math.floor(
        facts.swap.filter((s) => !zram(s.device)).reduce((a, s) => a + s.sizeKiB, 0) / 1024,
      ),
      zramMiB: Math.floor(facts.swap.filter((s) => zram(s.device)).reduce((a, s) => a + s.sizeKiB, 0) / 1024),
    },
    autostart: facts.qubes
      .filter((q) => q.autostart && q.klass !== 'AdminVM')
      .map((q) => ({
        name: q.name,
        memoryMiB: q.memoryMiB ?? DEFAULT_QUBE_MEMORY_MIB,
        maxmemMiB: q.maxmemMiB ?? q.memoryMiB ?? DEFAULT_QUBE_MEMORY_MIB,
      })),
    ramPool: {
      enabled: choices.ramPool.enabled,
      sizeMiB: choices.ramPool.sizeMiB,
      clones: choices.templates.map((t) => ({
        template: t.template,
        rootUsageMiB: byName.get(t.template)?.volumes.root?.usageMiB ?? null,
      })),
    },
    fileVolumesOnRoot,
    dom0MemMaxMiB: choices.dom0.dom0MemMaxMiB,
    entry: {
      promptTimeoutSec: choices.dom0.selection === 'prompt' ? choices.dom0.promptTimeoutSec : null,
      hardening: choices.dom0.hardening,
      ...(level !== null ? { compLevel: level } : {}),
    },
  };
}
