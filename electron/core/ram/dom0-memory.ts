import { QMEMMAN_DEFAULTS } from '../../../shared/ram/constants.js';
import type { QmemmanSettings } from '../../../shared/ram/ram-estimate.js';
import type { SystemReader } from '../system/system.js';

/** `/proc/meminfo` "Key:   value kB" lines, in KiB. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** The Xen balloon driver's view of dom0's allocation (KiB): the whole domain, kernel-reserved pages included. */
export const BALLOON_CURRENT_KB = '/sys/devices/system/xen_memory/xen_memory0/info/current_kb';

/**
 * dom0's used memory as qmemman sees it, the formula of qmemman's meminfo-writer (QubesOS/qubes-linux-utils
 * qmemman/meminfo-writer.c, release4.2 and release4.3): MemTotal − MemFree − Buffers − Cached + SwapTotal −
 * SwapFree, where MemTotal is replaced by the balloon's current_kb whenever that reads non-zero (it opens
 * BALLOON_CURRENT_KB at start). current_kb counts the pages the kernel reserved at boot, which MemTotal does
 * not, so qmemman sees dom0 using that much more. Page cache (and tmpfs, which Linux counts in Cached) is left out.
 */
export function usedMiBFromMeminfo(
  info: Map<string, number>,
  currentKb: number | null = null,
): number | null {
  const keys = ['MemTotal', 'MemFree', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'] as const;
  if (keys.some((k) => !info.has(k))) return null;
  const g = (k: (typeof keys)[number]) => info.get(k)!;
  const total = currentKb ? currentKb : g('MemTotal');
  return Math.max(
    0,
    Math.ceil((total - g('MemFree') - g('Buffers') - g('Cached') + g('SwapTotal') - g('SwapFree')) / 1024),
  );
}

/** current_kb as meminfo-writer reads it (strtoll of the file); null if absent or not a number. */
export function parseCurrentKb(text: string): number | null {
  const m = /^\s*(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

export async function readDom0UsedMiB(sys: SystemReader): Promise<number | null> {
  const text = await sys.readText('/proc/meminfo').catch(() => null);
  if (text === null) return null;
  const current = await sys.readText(BALLOON_CURRENT_KB).then(parseCurrentKb, () => null);
  return usedMiBFromMeminfo(parseMeminfo(text), current);
}

/** A qmemman size ("350M", "200MiB", "1G", bytes) in MiB. */
function sizeMiB(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?B)?$/.exec(v.trim());
  if (!m) return null;
  const f: Record<string, number> = { '': 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024 };
  return Math.round(Number(m[1]) * f[m[2]!.toLowerCase()]!);
}

/** /etc/qubes/qmemman.conf `[global]` (core-admin etc/qmemman.conf); missing keys keep qmemman's defaults. */
export function parseQmemmanConf(text: string): QmemmanSettings {
  const kv = new Map<string, string>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) section = sec[1]!.trim();
    else if (section === 'global') {
      const m = /^([\w-]+)\s*[=:]\s*(.*)$/.exec(line);
      if (m) kv.set(m[1]!, m[2]!);
    }
  }
  const factor = Number(kv.get('cache-margin-factor'));
  const boost = kv.has('dom0-mem-boost') ? sizeMiB(kv.get('dom0-mem-boost')!) : null;
  const minMem = kv.has('vm-min-mem') ? sizeMiB(kv.get('vm-min-mem')!) : null;
  return {
    cacheMarginFactor: Number.isFinite(factor) && factor > 0 ? factor : QMEMMAN_DEFAULTS.cacheMarginFactor,
    dom0MemBoostMiB: boost ?? QMEMMAN_DEFAULTS.dom0MemBoostMiB,
    vmMinMemMiB: minMem ?? QMEMMAN_DEFAULTS.vmMinMemMiB,
    source: 'file',
  };
}

export async function readQmemman(sys: SystemReader): Promise<QmemmanSettings> {
  const text = await sys.readText('/etc/qubes/qmemman.conf').catch(() => null);
  return text === null ? { ...QMEMMAN_DEFAULTS, source: 'default' } : parseQmemmanConf(text);
}
