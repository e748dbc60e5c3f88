import { parseError } from './parse-error.js';

/** `xl info`: "key   : value" lines. Memory figures are MiB (xen tools/xl/xl_info.c). */
export interface XlInfo {
  readonly totalMiB: number;
  readonly freeMiB: number;
  readonly xenVersion: string;
  readonly xenCmdline: string;
}

export function parseXlInfo(text: string): XlInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s*:\s?(.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!.trim());
  }
  const num = (key: string): number => {
    const raw = fields.get(key);
    if (raw === undefined || !/^\d+$/.test(raw)) throw parseError('xl info', `missing or non-numeric ${key}`);
    return Number(raw);
  };
  const version =
    fields.get('xen_version') ??
    (fields.has('xen_major')
      ? `${fields.get('xen_major')}.${fields.get('xen_minor') ?? '0'}${fields.get('xen_extra') ?? ''}`
      : undefined);
  if (version === undefined) throw parseError('xl info', 'no xen version');
  return {
    totalMiB: num('total_memory'),
    freeMiB: num('free_memory'),
    xenVersion: version,
    xenCmdline: fields.get('xen_commandline') ?? '',
  };
}

/** `xl list 0`: header line, then "Domain-0  0  <MiB>  <vcpus>  <state>  <time>". */
export function parseXlListDom0(text: string): number {
  const row = text.split('\n').find((l) => /^Domain-0\s/.test(l));
  const mem = row?.trim().split(/\s+/)[2];
  if (mem === undefined || !/^\d+$/.test(mem)) throw parseError('xl list 0', 'no Domain-0 row with memory');
  return Number(mem);
}

/**
 * Xen size syntax as parsed by parse_size_and_unit(): digits with an optional B/K/M/G/T suffix, kilobytes
 * when there is none. Relative forms (negative, percentages) depend on host memory and are resolved here.
 */
export function xenSizeToMiB(spec: string, hostMiB: number): number | null {
  const pct = /^(?:(\d+[bkmgt]?)\+)?(\d+)%$/i.exec(spec);
  if (pct) {
    const base = pct[1] ? (xenSizeToMiB(pct[1], hostMiB) ?? 0) : 0;
    return Math.floor(base + (hostMiB * Number(pct[2])) / 100);
  }
  const m = /^(-?)(\d+)([bkmgt]?)$/i.exec(spec);
  if (!m) return null;
  const factorKiB: Record<string, number> = { b: 1 / 1024, k: 1, '': 1, m: 1024, g: 1024 ** 2, t: 1024 ** 3 };
  const mib = Math.floor((Number(m[2]) * factorKiB[m[3]!.toLowerCase()]!) / 1024);
  return m[1] === '-' ? Math.max(0, hostMiB - mib) : mib;
}

/**
 * Every `dom0_mem=` on Xen's command line: each occurrence sets only the fields it names and a later one wins
 * (xen/arch/x86/dom0_build.c parse_dom0_mem). A bare size sets the initial amount.
 */
export function parseDom0Mem(
  xenCmdline: string,
  hostMiB: number,
): { minMiB: number | null; maxMiB: number | null; exactMiB: number | null } {
  let minMiB: number | null = null;
  let maxMiB: number | null = null;
  let exactMiB: number | null = null;
  for (const word of xenCmdline.split(/\s+/)) {
    if (!word.startsWith('dom0_mem=')) continue;
    for (const part of word.slice('dom0_mem='.length).split(',')) {
      if (part.startsWith('min:')) minMiB = xenSizeToMiB(part.slice(4), hostMiB);
      else if (part.startsWith('max:')) maxMiB = xenSizeToMiB(part.slice(4), hostMiB);
      else if (part !== '') exactMiB = xenSizeToMiB(part, hostMiB);
    }
  }
  return { minMiB, maxMiB, exactMiB };
}
