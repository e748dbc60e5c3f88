import type { PoolFact, QubeClass } from '../../../shared/facts.js';
import { QUBE_CLASSES } from '../../../shared/facts.js';
import { parseError } from './parse-error.js';

/**
 * Parsers for qubes-core-admin-client output formats (qubesadmin/tools/*.py, release4.2 and release4.3).
 * Tables from print_table() go through `column -t`, so cells are separated by runs of two or more spaces.
 */

/** Fields we ask qvm-ls for; MEMORY is a built-in column (current use), so the memory property comes from qvm-prefs. */
export const QVM_LS_FIELDS = [
  'NAME',
  'CLASS',
  'STATE',
  'TEMPLATE',
  'LABEL',
  'MAXMEM',
  'AUTOSTART',
  'TEMPLATE_FOR_DISPVMS',
  'ROOT-MAX',
  'ROOT-CURR',
  'PRIV-MAX',
  'PRIV-CURR',
] as const;

/**
 * Classes that have a `memory` property: those derived from QubesVM (qubes-core-admin qubes/vm/qubesvm.py, release4.2
 * and release4.3: AppVM, DispVM, StandaloneVM, TemplateVM). AdminVM (qubes/vm/adminvm.py) and 4.3's RemoteVM
 * (qubes/vm/remotevm.py, a BaseVM) have none: `qvm-prefs R memory` exits 2 with "no such property".
 */
export function hasMemoryProperty(klass: QubeClass): boolean {
  return klass === 'AppVM' || klass === 'DispVM' || klass === 'StandaloneVM' || klass === 'TemplateVM';
}

export interface QvmLsRow {
  readonly name: string;
  readonly klass: QubeClass;
  readonly state: string;
  readonly template: string | null;
  readonly label: string | null;
  readonly maxmemMiB: number | null;
  readonly autostart: boolean;
  readonly templateForDispvms: boolean;
  readonly rootMaxMiB: number;
  readonly rootCurrMiB: number;
  readonly privMaxMiB: number;
  readonly privCurrMiB: number;
}

const dash = (v: string): string | null => (v === '-' || v === '' ? null : v);
const int = (v: string, what: string): number => {
  if (v === '-' || v === '') return 0;
  if (!/^\d+$/.test(v)) throw parseError('qvm-ls', `${what} "${v}" is not a whole number`);
  return Number(v);
};

/** `qvm-ls --raw-data --fields <QVM_LS_FIELDS>`: no header, one `|`-joined line per domain, `-` for none. */
export function parseQvmLsRaw(text: string): QvmLsRow[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const cells = line.split('|');
      if (cells.length !== QVM_LS_FIELDS.length) {
        throw parseError(
          'qvm-ls',
          `expected ${QVM_LS_FIELDS.length} fields, got ${cells.length} in "${line.slice(0, 120)}"`,
        );
      }
      const [
        name,
        klass,
        state,
        template,
        label,
        maxmem,
        autostart,
        tfd,
        rootMax,
        rootCurr,
        privMax,
        privCurr,
      ] = cells as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      if (!(QUBE_CLASSES as readonly string[]).includes(klass))
        throw parseError('qvm-ls', `unknown class "${klass}" for ${name}`);
      return {
        name,
        klass: klass as QubeClass,
        state,
        template: dash(template),
        label: dash(label),
        maxmemMiB: maxmem === '-' ? null : int(maxmem, 'maxmem'),
        autostart: autostart === 'True',
        templateForDispvms: tfd === 'True',
        rootMaxMiB: int(rootMax, 'ROOT-MAX'),
        rootCurrMiB: int(rootCurr, 'ROOT-CURR'),
        privMaxMiB: int(privMax, 'PRIV-MAX'),
        privCurrMiB: int(privCurr, 'PRIV-CURR'),
      };
    });
}

const splitCells = (line: string): string[] => line.trim().split(/ {2,}|\t+/);

/**
 * VM-valued properties: global ones (qubes-core-admin qubes/app.py VMProperty, release4.2 = release4.3) and the
 * per-qube ones the app reads. Unset, qubesadmin returns None for them (qubesadmin/base.py _parse_type_value,
 * type=vm with an empty value), which a listing prints as "None"; qubesd refuses "none" as a qube name but not
 * "None", so only these properties read "None" as unset.
 */
export const VM_VALUED_PROPS: ReadonlySet<string> = new Set([
  'default_guivm',
  'default_audiovm',
  'default_netvm',
  'default_template',
  'updatevm',
  'clockvm',
  'default_dispvm',
  'management_dispvm',
  'netvm',
  'template',
  'guivm',
  'audiovm',
]);

/**
 * `qvm-prefs VM` / `qubes-prefs` (qubesadmin/tools/qvm_prefs.py process_actions): one row per property, sorted,
 * the name padded to the longest: "name  -  value" (set), "name  D  value" (default), "name  U" (unreadable);
 * `{value!s}`, so an unset VM-valued property reads "None" (kept here as '').
 */
export function parsePrefsListing(
  text: string,
  source: string,
): Map<string, { value: string; isDefault: boolean }> {
  const out = new Map<string, { value: string; isDefault: boolean }>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^(\w+)\s+([-DU])(?:\s\s(.*))?$/.exec(line.trimEnd());
    if (!m) throw parseError(source, `bad line "${line.slice(0, 120)}"`);
    if (m[2] === 'U') continue;
    const value = m[3] ?? '';
    out.set(m[1]!, {
      value: value === 'None' && VM_VALUED_PROPS.has(m[1]!) ? '' : value,
      isDefault: m[2] === 'D',
    });
  }
  return out;
}

/** `qvm-prefs VM PROP` prints the value alone (nothing when None). */
export function parseSinglePrefInt(text: string, source: string): number | null {
  const v = text.trim();
  if (v === '' || v === 'None') return null;
  if (!/^\d+$/.test(v)) throw parseError(source, `"${v.slice(0, 40)}" is not a whole number`);
  return Number(v);
}

/** `qvm-pool list`: header NAME DRIVER. */
export function parsePoolList(text: string): { name: string; driver: string }[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ? splitCells(lines[0]) : [];
  if (header[0] !== 'NAME' || header[1] !== 'DRIVER')
    throw parseError('qvm-pool list', 'missing NAME/DRIVER header');
  return lines.slice(1).map((l) => {
    const [name, driver] = splitCells(l);
    if (!name || !driver) throw parseError('qvm-pool list', `bad row "${l}"`);
    return { name, driver };
  });
}

/**
 * Rows qubesd's admin.pool.Info appends to a pool's config (qubes-core-admin qubes/api/admin.py pool_info, 4.2 and
 * 4.3): not driver options, and `usage` changes all the time, so they are not kept in the pool's options.
 */
export const POOL_INFO_EXTRAS = ['size', 'usage', 'included_in'] as const;

/**
 * `qvm-pool info POOL` (qubesadmin/tools/qvm_pool.py info_pools): a "name POOL" row, then every other config item
 * sorted by key, through print_table (`column -t`, cells apart by two or more spaces; an empty value leaves the key
 * alone). The app asks one pool per call (init_info_parser takes one POOL_NAME); blank-row-separated pools, as
 * info_pools prints for several, are read too.
 */
export function parsePoolInfo(text: string): PoolFact[] {
  const pools: PoolFact[] = [];
  let cur: { name: string; options: Record<string, string> } | null = null;
  const flush = () => {
    if (!cur) return;
    const { driver, ...options } = cur.options;
    if (!driver) throw parseError('qvm-pool info', `pool ${cur.name} has no driver`);
    pools.push({ name: cur.name, driver, options });
    cur = null;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const m = /^\s*(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    const value = (m[2] ?? '').trimEnd();
    if (key === 'name') {
      flush();
      cur = { name: value, options: {} };
    } else if (cur) {
      if (!(POOL_INFO_EXTRAS as readonly string[]).includes(key)) cur.options[key] = value;
    } else {
      throw parseError('qvm-pool info', `row before any pool name: "${line}"`);
    }
  }
  flush();
  return pools;
}

/** `qvm-volume list --full`: header POOL:VOLUME VMNAME VOLUME_NAME REVERT_POSSIBLE. */
export function parseVolumeList(text: string): { pool: string; vid: string; vm: string; volume: string }[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ? splitCells(lines[0]) : [];
  if (header[0] !== 'POOL:VOLUME' || header[1] !== 'VMNAME')
    throw parseError('qvm-volume list', 'missing header');
  const rows: { pool: string; vid: string; vm: string; volume: string }[] = [];
  for (const l of lines.slice(1)) {
    const [poolVid, vm, volume] = splitCells(l);
    if (!poolVid || !vm || !volume) continue; // a volume attached to no domain
    const colon = poolVid.indexOf(':');
    if (colon <= 0) throw parseError('qvm-volume list', `bad POOL:VOLUME "${poolVid}"`);
    rows.push({ pool: poolVid.slice(0, colon), vid: poolVid.slice(colon + 1), vm, volume });
  }
  return rows;
}
