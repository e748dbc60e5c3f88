/**
 * /etc/fstab: turning swap entries off while keeping every other byte. A disabled line stays in the file
 * behind a marker, so a human can see what was there and why.
 */

export const SWAP_MARKER = '#qubes-stateless: swap disabled# ';

export interface FstabEntry {
  readonly line: number;
  readonly spec: string;
  readonly file: string;
  readonly type: string;
  readonly options: string;
}

/** Entries (1-based line numbers), skipping comments and blank lines; fields may use \040-style escapes. */
export function parseFstab(text: string): FstabEntry[] {
  const out: FstabEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [spec, file, type, options] = line.split(/\s+/);
    if (!spec || !file || !type) return;
    out.push({ line: i + 1, spec, file, type, options: options ?? 'defaults' });
  });
  return out;
}

export const swapEntries = (text: string): FstabEntry[] => parseFstab(text).filter((e) => e.type === 'swap');

/** fstab(5) field escapes: \040 (space), \011 (tab), \012, \134 (backslash), any \NNN octal. */
export function unescapeFstabField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The udev link name of a tag value: libblkid blkid_encode_string keeps [0-9A-Za-z#+-.:=@_] (and UTF-8), else \xNN. */
function udevEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      b >= 0x80 || /[0-9A-Za-z#+\-.:=@_]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, '0')}`,
    )
    .join('')
    .replace(/[\x80-\xff]+/g, (m) => Buffer.from(m, 'latin1').toString('utf8'));
}

// libblkid evaluate.c evaluate_by_udev (util-linux v2.38 = Fedora 37, v2.40 = Fedora 41): the tags swapon(8) and
// mount(8) accept in fstab and the udev links they are looked up as (include/pathnames.h _PATH_DEV_BY*).
const TAG_DIRS: Readonly<Record<string, string>> = {
  UUID: '/dev/disk/by-uuid',
  LABEL: '/dev/disk/by-label',
  PARTUUID: '/dev/disk/by-partuuid',
  PARTLABEL: '/dev/disk/by-partlabel',
  ID: '/dev/disk/by-id',
};

/**
 * The path a swap entry's first field names, that `readlink -f` resolves to what /proc/swaps lists: a path
 * (/dev/mapper/..., /dev/disk/by-*, /dev/sdX, a swap file) as it is, a UUID=/LABEL=/PARTUUID=/PARTLABEL=/ID= tag
 * as its udev link; optional quotes around a tag's value are dropped as libblkid's blkid_parse_tag_string does.
 */
export function swapDevicePath(spec: string): string {
  const s = unescapeFstabField(spec);
  const m = /^([A-Z]+)=(.*)$/.exec(s);
  if (!m || !TAG_DIRS[m[1]!]) return s;
  const value = m[2]!.replace(/^"(.*)"$|^'(.*)'$/, (_, a?: string, b?: string) => a ?? b ?? '');
  return `${TAG_DIRS[m[1]!]}/${udevEncode(value)}`;
}

/**
 * Comment out every swap entry; idempotent (a disabled line is a comment, so it is not matched again).
 * `devices` are the entries' device paths (swapDevicePath), for readlink -f and swapoff.
 */
export function disableSwap(text: string): { text: string; devices: string[] } {
  const entries = swapEntries(text);
  const lines = text.split('\n');
  for (const e of entries) lines[e.line - 1] = `${SWAP_MARKER}${lines[e.line - 1]}`;
  return { text: lines.join('\n'), devices: entries.map((e) => swapDevicePath(e.spec)) };
}
