import type { FilesystemFact } from '../../../shared/facts.js';
import { parseError } from './parse-error.js';

/** Arguments for `findmnt` that produce what parseFindmnt reads: one JSON filesystem for the target path. */
export function findmntArgs(target: string): string[] {
  return [
    '--json',
    '--bytes',
    '--output',
    'TARGET,SOURCE,FSTYPE,OPTIONS,SIZE,USED,AVAIL',
    '--target',
    target,
  ];
}

const toNumber = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw parseError('findmnt', `${what} is not a number`);
  return n;
};

/** util-linux prints numbers as JSON numbers since 2.37 and as strings before; accept both. */
export function parseFindmnt(text: string): FilesystemFact {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw parseError('findmnt', 'output is not JSON');
  }
  const fs = (data as { filesystems?: unknown[] })?.filesystems?.[0] as Record<string, unknown> | undefined;
  if (
    !fs ||
    typeof fs.target !== 'string' ||
    typeof fs.source !== 'string' ||
    typeof fs.fstype !== 'string'
  ) {
    throw parseError('findmnt', 'no filesystem entry');
  }
  return {
    target: fs.target,
    source: fs.source,
    fsType: fs.fstype,
    options: typeof fs.options === 'string' ? fs.options : '',
    sizeBytes: toNumber(fs.size, 'size'),
    usedBytes: toNumber(fs.used, 'used'),
    availBytes: toNumber(fs.avail, 'avail'),
  };
}
