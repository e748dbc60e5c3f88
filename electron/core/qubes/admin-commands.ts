import { QUBE_SHUTDOWN_TIMEOUT_SEC } from '../../../shared/contracts.js';
import type { QubesRelease } from '../../../shared/facts.js';
import { poolNameProblem, qubeNameProblem } from '../../../shared/qube-names.js';
import { AppError } from '../errors.js';
import { BIN } from '../system/binaries.js';
import type { Command } from '../system/system.js';
import { checkGrammar } from './admin-grammar.js';

/**
 * Builders for every qvm-* / qubes-prefs command the app runs. Each one validates names with qubesd's rules,
 * builds an argv (never a shell string) and checks it against the tool's grammar (admin-grammar.ts).
 * Qube names are never passed after `--`: argparse would accept it, but names are validated to start with a
 * letter, so they cannot be mistaken for options.
 */

const TOOL_BIN = {
  'qvm-ls': BIN.qvmLs,
  'qvm-pool': BIN.qvmPool,
  'qvm-volume': BIN.qvmVolume,
  'qvm-prefs': BIN.qvmPrefs,
  'qubes-prefs': BIN.qubesPrefs,
  'qvm-clone': BIN.qvmClone,
  'qvm-create': BIN.qvmCreate,
  'qvm-remove': BIN.qvmRemove,
  'qvm-shutdown': BIN.qvmShutdown,
} as const;

function tool(name: keyof typeof TOOL_BIN, args: string[], release: QubesRelease): Command {
  checkGrammar(name, args, release);
  return { bin: TOOL_BIN[name], args };
}

export function checkQubeName(name: string, release: QubesRelease): string {
  const problem = qubeNameProblem(name, release);
  if (problem)
    throw new AppError('invalid-qube-name', 'user', `"${name}" is not a valid qube name (${problem})`, {
      name,
      problem,
    });
  return name;
}

function checkPoolName(name: string): string {
  if (poolNameProblem(name))
    throw new AppError('invalid-qube-name', 'user', `"${name}" is not a valid pool name`, {
      name,
      problem: 'bad-char',
    });
  return name;
}

function checkValue(value: string): string {
  // A value starting with '-' would be parsed as an option by argparse; none of ours legitimately does.
  if (value.startsWith('-') || value.includes('\n'))
    throw new AppError('internal', 'internal', `refusing to pass "${value}" as a value`);
  return value;
}

// qvm_pool.py init_add_parser: `add POOL_NAME DRIVER [-o opt=val]...`; one opt=val per -o (4.1+ syntax:
// dict(opt.split('=', 1) for opt in args.option)), unlike the legacy comma-separated form.
export const poolAdd = (
  name: string,
  driver: string,
  options: Readonly<Record<string, string>>,
  r: QubesRelease,
): Command =>
  tool(
    'qvm-pool',
    [
      'add',
      checkPoolName(name),
      driver,
      ...Object.entries(options).flatMap(([k, v]) => ['-o', `${k}=${checkValue(v)}`]),
    ],
    r,
  );

// qvm_pool.py init_set_parser: `set POOL_NAME -o opt=val`; only revisions_to_keep and ephemeral_volatile
// have setters (qubesadmin/storage.py Pool).
export const poolSet = (
  name: string,
  option: 'ephemeral_volatile' | 'revisions_to_keep',
  value: string,
  r: QubesRelease,
): Command => tool('qvm-pool', ['set', checkPoolName(name), '-o', `${option}=${checkValue(value)}`], r);

// qvm_pool.py init_info_parser (4.2 and 4.3): `info POOL_NAME`, exactly one pool (PoolsAction, no nargs): one
// call per pool.
export const poolInfo = (name: string, r: QubesRelease): Command =>
  tool('qvm-pool', ['info', checkPoolName(name)], r);

// qvm_pool.py get_parser: `list` (aliases l, ls), NAME/DRIVER table.
export const poolList = (r: QubesRelease): Command => tool('qvm-pool', ['list'], r);

// qvm_volume.py init_list_parser: `list --full` (all qubes' volumes, POOL:VOLUME with the full vid).
export const volumeList = (r: QubesRelease): Command => tool('qvm-volume', ['list', '--full'], r);

// qvm_ls.py get_parser: `--raw-data --fields F,...` (one `|`-separated line per qube) and `--raw-list` (names).
export const qvmLsRaw = (fields: readonly string[], r: QubesRelease): Command =>
  tool('qvm-ls', ['--raw-data', '--fields', fields.join(',')], r);
export const qvmLsNames = (r: QubesRelease): Command => tool('qvm-ls', ['--raw-list'], r);

// qubes_prefs.py with no PROPERTY: every global property, "name  D|-  value" (qvm_prefs.py process_actions).
export const globalPrefsList = (r: QubesRelease): Command => tool('qubes-prefs', [], r);

// qvm_pool.py init_remove_parser: `remove POOL_NAME...`.
export const poolRemove = (name: string, r: QubesRelease): Command =>
  tool('qvm-pool', ['remove', checkPoolName(name)], r);

// qvm_volume.py config subparser: `config VM:VOLUME PROPERTY VALUE`, PROPERTY in rw|revisions_to_keep|ephemeral.
export const volumeConfig = (
  qube: string,
  volume: 'root' | 'private' | 'volatile',
  property: 'rw' | 'ephemeral' | 'revisions_to_keep',
  value: string,
  r: QubesRelease,
): Command =>
  tool('qvm-volume', ['config', `${checkQubeName(qube, r)}:${volume}`, property, checkValue(value)], r);

// qvm_volume.py info subparser: `info VM:VOLUME [PROPERTY]`.
export const volumeInfo = (qube: string, volume: string, property: string, r: QubesRelease): Command =>
  tool('qvm-volume', ['info', `${checkQubeName(qube, r)}:${volume}`, property], r);

// qvm_prefs.py get_parser(vmname_nargs=1): `VMNAME [PROPERTY [VALUE]]`; `none` means unset for VM-valued
// properties (process_actions maps it to '').
export const qubePrefGet = (qube: string, property: string, r: QubesRelease): Command =>
  tool('qvm-prefs', [checkQubeName(qube, r), property], r);
export const qubePrefSet = (qube: string, property: string, value: string, r: QubesRelease): Command =>
  tool('qvm-prefs', [checkQubeName(qube, r), property, value === '' ? 'none' : checkValue(value)], r);

// qubes_prefs.py (qvm_prefs.get_parser(None)): `[PROPERTY [VALUE | --default]]`.
export const globalPrefGet = (property: string, r: QubesRelease): Command =>
  tool('qubes-prefs', [property], r);
export const globalPrefSet = (property: string, value: string, r: QubesRelease): Command =>
  tool('qubes-prefs', [property, value === '' ? 'none' : checkValue(value)], r);

// qvm_clone.py: `[-P POOL] VMNAME NEWVM`; -P moves every volume that is not a snapshot to POOL.
export const qvmClone = (source: string, name: string, pool: string | null, r: QubesRelease): Command =>
  tool(
    'qvm-clone',
    [...(pool ? ['-P', checkPoolName(pool)] : []), checkQubeName(source, r), checkQubeName(name, r)],
    r,
  );

// qvm_create.py: `[--class C] [-t TPL] -l LABEL [-P POOL] [--prop NAME=VALUE]... VMNAME`; --label is required.
export function qvmCreate(
  o: {
    name: string;
    klass: 'AppVM' | 'TemplateVM' | 'StandaloneVM';
    template: string | null;
    label: string;
    pool: string | null;
    props: Readonly<Record<string, string>>;
  },
  r: QubesRelease,
): Command {
  return tool(
    'qvm-create',
    [
      '--class',
      o.klass,
      ...(o.template ? ['--template', checkQubeName(o.template, r)] : []),
      '--label',
      checkValue(o.label),
      ...(o.pool ? ['-P', checkPoolName(o.pool)] : []),
      ...Object.entries(o.props).flatMap(([k, v]) => ['--prop', `${k}=${v === '' ? '' : checkValue(v)}`]),
      checkQubeName(o.name, r),
    ],
    r,
  );
}

// qvm_remove.py: `--force VMNAME...`; without --force it asks on the terminal, which a GUI cannot answer.
export const qvmRemove = (name: string, r: QubesRelease): Command =>
  tool('qvm-remove', ['--force', checkQubeName(name, r)], r);

/**
 * qvm_shutdown.py (qubes-core-admin-client, release4.2 and release4.3): with `--wait` it shuts the names down in
 * rounds (at most one per name): a qube whose shutdown was refused is asked again in the next round, after the
 * others halted; each round waits up to its own `--timeout` seconds (default 60 on both branches) and then kills
 * the qubes of that round still running, so the whole wait is bounded by rounds x timeout, not by one timeout.
 * The refusal of a qube other running qubes depend on is qubesd's, in its `domain-pre-shutdown` handlers
 * (qubes-core-admin, release4.2 and release4.3: qubes/vm/mix/net.py for a netvm's connected qubes,
 * qubes/ext/gui.py for a GuiVM's, qubes/ext/audio.py for an AudioVM's), which only `--force` passes over; it is
 * left out on purpose: stopping a qube others depend on is not the wizard's call.
 */
export const qvmShutdown = (names: readonly string[], r: QubesRelease): Command =>
  tool(
    'qvm-shutdown',
    ['--wait', '--timeout', String(QUBE_SHUTDOWN_TIMEOUT_SEC), ...names.map((n) => checkQubeName(n, r))],
    r,
  );
