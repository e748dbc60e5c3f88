import type {
  BootMode,
  FilesystemFact,
  KernelFact,
  QubeFact,
  QubesRelease,
  StatelessMode,
  SystemFacts,
  VolumeFact,
} from '../../../shared/facts.js';
import { AppError } from '../errors.js';
import { BIN } from '../system/binaries.js';
import {
  globalPrefsList,
  poolInfo,
  poolList,
  qubePrefGet,
  qvmLsRaw,
  volumeList,
} from '../qubes/admin-commands.js';
import type { SystemReader } from '../system/system.js';
import { findmntArgs, parseFindmnt } from './parse-findmnt.js';
import { probeLayout } from './probe-layout.js';
import { parseProcSwaps, parseQubesRelease, statelessFlag } from './parse-proc.js';
import { parseStatelessStatus } from './parse-stateless-status.js';
import {
  QVM_LS_FIELDS,
  hasMemoryProperty,
  parsePoolInfo,
  parsePoolList,
  parsePrefsListing,
  parseQvmLsRaw,
  parseSinglePrefInt,
  parseVolumeList,
} from './parse-qvm.js';
import { parseDom0Mem, parseXlInfo, parseXlListDom0 } from './parse-xl.js';
import { detectForumInstall } from './forum-install.js';

/** Written by our dracut module at boot (assets/README.md, "Status file"). */
export const STATUS_FILE = '/run/qubes-stateless/status';

/** Run `fn` over `items` with at most `limit` in flight (qvm-* calls are slow; dom0 is not to be flooded). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function readRelease(sys: SystemReader) {
  if (!(await sys.stat('/etc/qubes-release'))) {
    throw new AppError('not-qubes', 'precondition', 'this is not a Qubes OS dom0 (no /etc/qubes-release)', {
      path: '/etc/qubes-release',
    });
  }
  const rel = parseQubesRelease(await sys.readText('/etc/qubes-release'));
  if (!rel.release) {
    throw new AppError(
      'unsupported-release',
      'precondition',
      `Qubes ${rel.version} is not supported (4.2 and 4.3 are)`,
      { version: rel.version },
    );
  }
  return { release: rel.release, name: rel.name };
}

async function findmnt(sys: SystemReader, target: string): Promise<FilesystemFact> {
  return parseFindmnt((await sys.run({ bin: BIN.findmnt, args: findmntArgs(target) })).stdout);
}

/** Kernels and Xen images in /boot, the way 20_linux_xen finds them. */
async function probeBoot(sys: SystemReader): Promise<{ kernels: KernelFact[]; xenImages: string[] }> {
  const names = (await sys.listDir('/boot')).sort();
  const kernels: KernelFact[] = [];
  for (const name of names) {
    const m = /^vmlinuz-(.+)$/.exec(name);
    if (!m) continue;
    const version = m[1]!;
    const config = names.includes(`config-${version}`) ? await sys.readText(`/boot/config-${version}`) : '';
    const initramfs = `/boot/initramfs-${version}.img`;
    const st = await sys.stat(initramfs);
    kernels.push({
      version,
      vmlinuz: `/boot/${name}`,
      initramfs: st ? initramfs : null,
      initramfsBytes: st ? st.size : null,
      xenDom0: /^CONFIG_XEN_DOM0=y$/m.test(config),
    });
  }
  const xenImages = names
    .filter((n) => /^xen.*\.gz$/.test(n) && !/^xen-syms-|^xenpolicy-/.test(n))
    .map((n) => `/boot/${n}`);
  return { kernels, xenImages };
}

async function probeQubes(sys: SystemReader, release: QubesRelease): Promise<QubeFact[]> {
  const ls = parseQvmLsRaw((await sys.run(qvmLsRaw(QVM_LS_FIELDS, release))).stdout);
  const vols = parseVolumeList((await sys.run(volumeList(release))).stdout);
  const memory = await mapLimited(ls, 4, async (row) =>
    hasMemoryProperty(row.klass)
      ? parseSinglePrefInt(
          (await sys.run(qubePrefGet(row.name, 'memory', release))).stdout,
          `qvm-prefs ${row.name} memory`,
        )
      : null,
  );
  return ls.map((row, i) => {
    const volumes: Record<string, VolumeFact> = {};
    for (const v of vols.filter((x) => x.vm === row.name)) {
      const [sizeMiB, usageMiB] =
        v.volume === 'root'
          ? [row.rootMaxMiB, row.rootCurrMiB]
          : v.volume === 'private'
            ? [row.privMaxMiB, row.privCurrMiB]
            : [0, 0];
      volumes[v.volume] = { pool: v.pool, vid: v.vid, sizeMiB, usageMiB };
    }
    return {
      name: row.name,
      klass: row.klass,
      state: row.state,
      template: row.template,
      label: row.label,
      memoryMiB: memory[i] ?? null,
      maxmemMiB: row.maxmemMiB,
      autostart: row.autostart,
      templateForDispvms: row.templateForDispvms,
      volumes,
    };
  });
}

async function probePools(sys: SystemReader, release: QubesRelease) {
  const list = parsePoolList((await sys.run(poolList(release))).stdout);
  // `qvm-pool info` takes exactly one POOL_NAME (qvm_pool.py init_info_parser, release4.2 and release4.3).
  const infos = await mapLimited(list, 4, async (p) =>
    parsePoolInfo((await sys.run(poolInfo(p.name, release))).stdout),
  );
  return infos.flat();
}

/** What the running dom0 is booted as: our flag plus what `/` really is (a fallback boot keeps the flag on disk root). */
export function detectBootMode(cmdline: string, root: FilesystemFact): BootMode {
  const ramRoot = root.fsType === 'tmpfs' || root.fsType === 'overlay' || root.source.startsWith('/dev/zram');
  if (!ramRoot) return { kind: 'persistent' };
  // The root itself decides; a RAM root without our flag (a hand-made recipe) is stateless all the same.
  const mode: StatelessMode =
    root.fsType === 'tmpfs' ? 'tmpfs' : root.fsType === 'overlay' ? 'overlay' : 'zram';
  return { kind: 'stateless', mode, viaQubesStateless: statelessFlag(cmdline) === mode };
}

/** Gather every fact the app shows or plans with, through the same commands and files on real and simulated dom0. */
export async function probeFacts(sys: SystemReader): Promise<SystemFacts> {
  const { release, name } = await readRelease(sys);
  const kernelCmdline = (await sys.readText('/proc/cmdline')).trim();
  const xl = parseXlInfo((await sys.run({ bin: BIN.xl, args: ['info'], privileged: true })).stdout);
  const dom0Current = parseXlListDom0(
    (await sys.run({ bin: BIN.xl, args: ['list', '0'], privileged: true })).stdout,
  );
  const dom0Mem = parseDom0Mem(xl.xenCmdline, xl.totalMiB);
  const rootFs = await findmnt(sys, '/');
  const bootFs = await findmnt(sys, '/boot');
  const { kernels, xenImages } = await probeBoot(sys);
  const prefs = parsePrefsListing((await sys.run(globalPrefsList(release))).stdout, 'qubes-prefs');
  const facts: SystemFacts = {
    simulated: sys.kind === 'simulated',
    qubesRelease: release,
    releaseName: name,
    bootMode: detectBootMode(kernelCmdline, rootFs),
    statelessStatus: (await sys.stat(STATUS_FILE))
      ? parseStatelessStatus(await sys.readText(STATUS_FILE))
      : null,
    kernelCmdline,
    memory: {
      totalMiB: xl.totalMiB,
      freeMiB: xl.freeMiB,
      xenVersion: xl.xenVersion,
      xenCmdline: xl.xenCmdline,
      dom0: { minMiB: dom0Mem.minMiB, maxMiB: dom0Mem.maxMiB, currentMiB: dom0Current },
    },
    rootFs,
    bootFs,
    layout: await probeLayout(sys, rootFs),
    swap: parseProcSwaps(await sys.readText('/proc/swaps')),
    kernels,
    xenImages,
    qubes: await probeQubes(sys, release),
    pools: await probePools(sys, release),
    prefs: Object.fromEntries([...prefs].map(([k, v]) => [k, v.value])),
  };
  // Last, as it reads the pools' settings the probes above gathered.
  return { ...facts, forumInstall: await detectForumInstall(sys, facts, release) };
}
