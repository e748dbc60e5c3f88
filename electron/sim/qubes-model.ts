import { qubeNameProblem, poolNameProblem } from '../../shared/qube-names.js';
import type { SimPool, SimQube, SimState, SimVolume } from './sim-state.js';

/**
 * qubesd as the simulated dom0 sees it: properties with defaults, pools and volumes, and the checks the real
 * daemon makes (qubes-core-admin qubes/vm/*.py, qubes/api/admin.py, qubes/app.py). Tools (qvm-*) are thin
 * argv layers over this model, so their failures come from the same rules.
 */
export class QubesError extends Error {}

export const LABELS = ['red', 'orange', 'yellow', 'green', 'gray', 'blue', 'purple', 'black'] as const;

/** Driver parameters (qubes.storage.driver_parameters of each pool class, 4.2 = 4.3). */
export const POOL_DRIVERS: Record<string, { params: readonly string[]; required: readonly string[] }> = {
  file: { params: ['dir_path', 'revisions_to_keep', 'ephemeral_volatile'], required: ['dir_path'] },
  'file-reflink': {
    params: ['dir_path', 'setup_check', 'revisions_to_keep', 'ephemeral_volatile'],
    required: ['dir_path'],
  },
  lvm_thin: {
    params: ['volume_group', 'thin_pool', 'revisions_to_keep', 'ephemeral_volatile'],
    required: ['volume_group', 'thin_pool'],
  },
  'linux-kernel': { params: ['dir_path'], required: ['dir_path'] },
  callback: { params: ['backend_class', 'conf_id'], required: ['conf_id'] },
  zfs: { params: ['container', 'revisions_to_keep', 'ephemeral_volatile'], required: ['container'] },
};

const BOOL_TRUE = new Set(['1', 'yes', 'true', 'on']);
const BOOL_FALSE = new Set(['0', 'no', 'false', 'off', '']);
export function parseBool(v: string): boolean {
  const l = v.toLowerCase();
  if (BOOL_TRUE.has(l)) return true;
  if (BOOL_FALSE.has(l)) return false;
  throw new QubesError(`Invalid property value: ${v}`);
}
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

export function findQube(state: SimState, name: string): SimQube | undefined {
  return state.qubes.find((q) => q.name === name);
}
export function getQube(state: SimState, name: string): SimQube {
  const q = findQube(state, name);
  if (!q) throw new QubesError(`no such domain: '${name}'`);
  return q;
}
export function getPool(state: SimState, name: string): SimPool {
  const p = state.pools.find((x) => x.name === name);
  if (!p) throw new QubesError(`No such pool: ${name}`);
  return p;
}

type PropValue = { value: string; isDefault: boolean };

/** Properties each class has (a subset: those the app reads or sets). */
function propertyNames(q: SimQube): string[] {
  if (q.klass === 'AdminVM') return ['name', 'klass', 'label', 'default_dispvm', 'icon', 'qid', 'uuid'];
  // qubes-core-admin release4.3 qubes/vm/remotevm.py: a BaseVM (uuid, name, qid, label) plus these; no memory.
  if (q.klass === 'RemoteVM')
    return [
      'include_in_backups',
      'klass',
      'label',
      'name',
      'qid',
      'relayvm',
      'remote_name',
      'transport_rpc',
      'uuid',
    ];
  const common = [
    'name',
    'klass',
    'label',
    'memory',
    'maxmem',
    'autostart',
    'netvm',
    'default_dispvm',
    'vcpus',
    'include_in_backups',
    'virt_mode',
    'kernel',
    'qrexec_timeout',
  ];
  if (q.klass === 'AppVM' || q.klass === 'StandaloneVM') common.push('template_for_dispvms');
  if (q.klass === 'AppVM' || q.klass === 'DispVM') common.push('template');
  return common.sort();
}

export function hasProperty(q: SimQube, prop: string): boolean {
  return propertyNames(q).includes(prop);
}

export function getProp(state: SimState, q: SimQube, prop: string): PropValue {
  if (!hasProperty(q, prop)) throw new QubesError(`no such property: '${prop}'`);
  if (prop === 'name') return { value: q.name, isDefault: false };
  if (prop === 'klass') return { value: q.klass, isDefault: false };
  if (prop === 'label') return { value: q.label, isDefault: false };
  const set = q.props[prop];
  if (set !== undefined) return { value: set, isDefault: false };
  const tpl = q.props.template !== undefined ? findQube(state, q.props.template) : undefined;
  const fromTemplate = (p: string, fallback: string): string =>
    tpl ? getProp(state, tpl, p).value : fallback;
  switch (prop) {
    case 'memory':
      return { value: fromTemplate('memory', '400'), isDefault: true };
    case 'maxmem':
      return {
        value: fromTemplate('maxmem', String(Math.min(4000, Math.floor(state.host.totalMiB / 2)))),
        isDefault: true,
      };
    case 'autostart':
    case 'template_for_dispvms':
    case 'include_in_backups':
      // include_in_backups defaults to True on QubesVM, False on RemoteVM (remotevm.py).
      return { value: pyBool(prop === 'include_in_backups' && q.klass !== 'RemoteVM'), isDefault: true };
    case 'netvm':
      return { value: q.klass === 'TemplateVM' ? '' : (state.prefs.default_netvm ?? ''), isDefault: true };
    case 'default_dispvm':
      return {
        value: q.klass === 'DispVM' ? (q.props.template ?? '') : (state.prefs.default_dispvm ?? ''),
        isDefault: true,
      };
    case 'vcpus':
      return { value: '2', isDefault: true };
    case 'virt_mode':
      return { value: 'pvh', isDefault: true };
    case 'kernel':
      return { value: state.prefs.default_kernel ?? '', isDefault: true };
    case 'qrexec_timeout':
      return { value: '60', isDefault: true };
    default:
      return { value: '', isDefault: true };
  }
}

export function listProps(state: SimState, q: SimQube): [string, PropValue][] {
  return propertyNames(q).map((p) => [p, getProp(state, q, p)]);
}

function requireHalted(q: SimQube, what: string): void {
  if (q.state !== 'Halted')
    throw new QubesError(`Cannot change ${what} of a running qube ${q.name}; shut it down first`);
}

export function setProp(state: SimState, q: SimQube, prop: string, value: string | null): void {
  if (!hasProperty(q, prop)) throw new QubesError(`no such property: '${prop}'`);
  if (prop === 'name' || prop === 'klass') throw new QubesError(`property '${prop}' is read-only`);
  if (value === null) {
    if (
      prop === 'template_for_dispvms' &&
      state.qubes.some((d) => d.klass === 'DispVM' && d.props.template === q.name)
    ) {
      throw new QubesError(
        `Cannot change template_for_dispvms to False while there are some DispVMs based on this DVM template`,
      );
    }
    delete q.props[prop];
    return;
  }
  switch (prop) {
    case 'label':
      if (!(LABELS as readonly string[]).includes(value)) throw new QubesError(`Invalid label: ${value}`);
      q.label = value;
      return;
    case 'memory':
    case 'maxmem':
    case 'vcpus':
    case 'qrexec_timeout':
      if (!/^\d+$/.test(value)) throw new QubesError(`Invalid ${prop} value: ${value}`);
      if (prop === 'memory' && Number(value) <= 0) throw new QubesError('memory must be positive');
      q.props[prop] = String(Number(value));
      return;
    case 'autostart':
    case 'include_in_backups':
      q.props[prop] = pyBool(parseBool(value));
      return;
    case 'template_for_dispvms': {
      const b = parseBool(value);
      if (!b && state.qubes.some((d) => d.klass === 'DispVM' && d.props.template === q.name)) {
        throw new QubesError(
          `Cannot change template_for_dispvms to False while there are some DispVMs based on this DVM template`,
        );
      }
      q.props[prop] = pyBool(b);
      return;
    }
    case 'template': {
      requireHalted(q, 'template');
      const t = getQube(state, value);
      if (q.klass === 'AppVM' && t.klass !== 'TemplateVM')
        throw new QubesError(`template for ${q.name} must be a TemplateVM`);
      q.props.template = value;
      return;
    }
    case 'netvm':
    case 'default_dispvm': {
      if (value !== '') {
        const target = getQube(state, value);
        if (prop === 'default_dispvm' && getProp(state, target, 'template_for_dispvms').value !== 'True') {
          throw new QubesError(`${value} is not a disposable template (template_for_dispvms is False)`);
        }
      }
      q.props[prop] = value;
      return;
    }
    default:
      q.props[prop] = value;
  }
}

/** Global properties (qubes/app.py Qubes class), with the defaults that matter here. */
const GLOBAL_DEFAULTS: Record<string, (state: SimState) => string> = {
  clockvm: () => '',
  default_dispvm: () => '',
  default_kernel: () => '',
  default_netvm: () => '',
  default_pool: (s) => (s.pools.some((p) => p.name === 'vm-pool') ? 'vm-pool' : 'varlibqubes'),
  default_pool_kernel: () => 'linux-kernel',
  default_pool_private: (s) => getGlobal(s, 'default_pool').value,
  default_pool_root: (s) => getGlobal(s, 'default_pool').value,
  default_pool_volatile: (s) => getGlobal(s, 'default_pool').value,
  default_qrexec_timeout: () => '60',
  default_shutdown_timeout: () => '60',
  default_template: () => '',
  management_dispvm: () => '',
  stats_interval: () => '3',
  updatevm: () => '',
};

export function globalNames(): string[] {
  return Object.keys(GLOBAL_DEFAULTS).sort();
}

export function getGlobal(state: SimState, prop: string): PropValue {
  const def = GLOBAL_DEFAULTS[prop];
  if (!def) throw new QubesError(`no such property: '${prop}'`);
  const set = state.prefs[prop];
  return set !== undefined ? { value: set, isDefault: false } : { value: def(state), isDefault: true };
}

export function setGlobal(state: SimState, prop: string, value: string | null): void {
  if (!GLOBAL_DEFAULTS[prop]) throw new QubesError(`no such property: '${prop}'`);
  if (value === null) {
    delete state.prefs[prop];
    return;
  }
  if (prop.startsWith('default_pool')) getPool(state, value);
  if (
    [
      'default_dispvm',
      'default_netvm',
      'default_template',
      'clockvm',
      'updatevm',
      'management_dispvm',
    ].includes(prop) &&
    value !== ''
  ) {
    const q = getQube(state, value);
    if (
      (prop === 'default_dispvm' || prop === 'management_dispvm') &&
      getProp(state, q, 'template_for_dispvms').value !== 'True'
    ) {
      throw new QubesError(`${value} is not a disposable template (template_for_dispvms is False)`);
    }
    if (prop === 'default_template' && q.klass !== 'TemplateVM')
      throw new QubesError(`${value} is not a TemplateVM`);
  }
  state.prefs[prop] = value;
}

export function checkNewName(state: SimState, name: string): void {
  const problem = qubeNameProblem(name, state.release);
  if (problem) {
    const why: Record<string, string> = {
      empty: 'VM name must not be empty',
      'too-long': 'VM name must be shorter than 32 characters',
      'bad-first-char': 'VM name cannot start with hyphen, underscore, dot or numbers',
      'bad-char': 'VM name contains illegal characters',
      reserved: `VM name cannot be '${name}'`,
      'dm-suffix': 'VM name cannot end with -dm',
    };
    throw new QubesError(why[problem]!);
  }
  if (findQube(state, name))
    throw new QubesError(`A VM with the name '${name}' already exists in the system.`);
}

function volumeVid(pool: SimPool, qube: string, klass: string, volume: string): string {
  if (pool.driver === 'lvm_thin') return `${pool.config.volume_group}/vm-${qube}-${volume}`;
  const sub = klass === 'TemplateVM' ? 'vm-templates' : 'appvms';
  return `${sub}/${qube}/${volume}`;
}

/** Volumes a new qube of `klass` gets (qubes/vm/*.py default_volume_config), placed per -P rules. */
function newVolumes(
  state: SimState,
  name: string,
  klass: string,
  template: SimQube | null,
  poolName: string | null,
): Record<string, SimVolume> {
  const rwPool = getPool(state, poolName ?? getGlobal(state, 'default_pool').value);
  const GiB = 1024 ** 3;
  const mk = (
    volume: string,
    pool: SimPool,
    sizeBytes: number,
    usageBytes: number,
    o: Partial<SimVolume>,
  ): SimVolume => ({
    pool: pool.name,
    vid: volumeVid(pool, name, klass, volume),
    sizeBytes,
    usageBytes,
    rw: true,
    snapOnStart: false,
    saveOnStop: false,
    source: null,
    revisionsToKeep: Number(pool.config.revisions_to_keep ?? '1'),
    ephemeral: false,
    ...o,
  });
  const vols: Record<string, SimVolume> = {};
  if (template) {
    // root is a snapshot of the template's root and must stay in the template's pool (_patch_pool_config).
    const tr = template.volumes.root!;
    vols.root = {
      ...tr,
      vid: `${tr.vid}-snap-${name}`,
      rw: true,
      snapOnStart: true,
      saveOnStop: false,
      source: `${template.name}:root`,
      usageBytes: 0,
    };
  } else {
    vols.root = mk('root', rwPool, 20 * GiB, 0, { saveOnStop: true });
  }
  vols.private = mk('private', rwPool, 2 * GiB, 0, { saveOnStop: true });
  vols.volatile = mk(
    'volatile',
    getPool(state, poolName ?? getGlobal(state, 'default_pool_volatile').value),
    10 * GiB,
    0,
    {},
  );
  return vols;
}

export function createQube(
  state: SimState,
  o: {
    name: string;
    klass: string;
    label: string;
    template: string | null;
    pool: string | null;
    props: Record<string, string>;
  },
): SimQube {
  checkNewName(state, o.name);
  if (!(LABELS as readonly string[]).includes(o.label)) throw new QubesError(`Invalid label: ${o.label}`);
  if (!['AppVM', 'TemplateVM', 'StandaloneVM', 'DispVM'].includes(o.klass))
    throw new QubesError(`Invalid VM class: ${o.klass}`);
  let template: SimQube | null = null;
  if (o.klass === 'AppVM' || o.klass === 'DispVM') {
    const tname = o.template ?? (o.klass === 'AppVM' ? state.prefs.default_template : undefined);
    if (!tname) throw new QubesError('template not given and no default_template');
    template = getQube(state, tname);
    if (o.klass === 'AppVM' && template.klass !== 'TemplateVM')
      throw new QubesError(`${tname} is not a TemplateVM`);
    if (o.klass === 'DispVM' && getProp(state, template, 'template_for_dispvms').value !== 'True')
      throw new QubesError(`${tname} is not a disposable template`);
  }
  if (o.pool) getPool(state, o.pool);
  const q: SimQube = {
    name: o.name,
    klass: o.klass as SimQube['klass'],
    state: 'Halted',
    label: o.label,
    props: template ? { template: template.name } : {},
    volumes: newVolumes(state, o.name, o.klass, template, o.pool),
    features: {},
  };
  state.qubes.push(q);
  try {
    for (const [k, v] of Object.entries(o.props)) setProp(state, q, k, v);
  } catch (e) {
    state.qubes.pop();
    throw e;
  }
  state.qubes.sort((a, b) => a.name.localeCompare(b.name));
  return q;
}

export function cloneQube(
  state: SimState,
  src: SimQube,
  newName: string,
  pool: string | null,
  klass: string | null,
): SimQube {
  checkNewName(state, newName);
  const target = pool ? getPool(state, pool) : null;
  const k = klass ?? src.klass;
  const volumes: Record<string, SimVolume> = {};
  for (const [vname, v] of Object.entries(src.volumes)) {
    if (v.snapOnStart) {
      volumes[vname] = { ...v, vid: `${v.vid.replace(/-snap-.*$/, '')}-snap-${newName}` };
      continue;
    }
    const p = target ?? getPool(state, v.pool);
    volumes[vname] = {
      ...v,
      pool: p.name,
      vid: volumeVid(p, newName, k, vname),
      revisionsToKeep: Number(p.config.revisions_to_keep ?? v.revisionsToKeep),
    };
  }
  const q: SimQube = {
    name: newName,
    klass: k as SimQube['klass'],
    state: 'Halted',
    label: src.label,
    props: { ...src.props },
    volumes,
    features: { ...src.features },
  };
  delete q.props.autostart;
  state.qubes.push(q);
  state.qubes.sort((a, b) => a.name.localeCompare(b.name));
  return q;
}

export function removeQube(state: SimState, q: SimQube): void {
  if (q.klass === 'AdminVM') throw new QubesError('Cannot remove dom0');
  if (q.state !== 'Halted') throw new QubesError(`Domain ${q.name} is running; shut it down first`);
  const users = state.qubes
    .filter(
      (d) => d.props.template === q.name || d.props.netvm === q.name || d.props.default_dispvm === q.name,
    )
    .map((d) => d.name);
  const globals = globalNames()
    .filter((g) => state.prefs[g] === q.name)
    .map((g) => `@GLOBAL (${g})`);
  if (users.length + globals.length > 0)
    throw new QubesError(`VM ${q.name} is in use by: ${[...users, ...globals].join(', ')}`);
  state.qubes.splice(state.qubes.indexOf(q), 1);
}

export function addPool(
  state: SimState,
  name: string,
  driver: string,
  options: Record<string, string>,
  fsTypeAt: (dir: string) => string,
): void {
  if (poolNameProblem(name)) throw new QubesError(`Invalid pool name: ${name}`);
  if (state.pools.some((p) => p.name === name)) throw new QubesError(`pool named ${name} already exists`);
  const spec = POOL_DRIVERS[driver];
  if (!spec) throw new QubesError(`unknown storage driver: ${driver}`);
  const unexpected = Object.keys(options).filter((k) => !spec.params.includes(k));
  if (unexpected.length) throw new QubesError(`unexpected driver options: ${unexpected.join(', ')}`);
  const missing = spec.required.filter((k) => !(k in options));
  if (missing.length) throw new QubesError(`missing driver options: ${missing.join(', ')}`);
  if (driver === 'file' && Number(options.revisions_to_keep ?? '1') > 1)
    throw new QubesError('Maximum supported revisions_to_keep for file pool is 1');
  if (driver === 'file-reflink' && parseBool(options.setup_check ?? 'True')) {
    const fsType = fsTypeAt(options.dir_path!);
    if (!['btrfs', 'xfs'].includes(fsType)) {
      throw new QubesError(
        `The filesystem for ${options.dir_path} does not support reflinks. If you can live with VM startup delays and wasted disk space, pass the "setup_check=False" option.`,
      );
    }
  }
  const config: Record<string, string> = { driver, ...options };
  if (driver !== 'linux-kernel' && driver !== 'callback') {
    config.revisions_to_keep ??= '1';
    config.ephemeral_volatile ??= 'False';
  }
  state.pools.push({ name, driver, config });
  state.pools.sort((a, b) => a.name.localeCompare(b.name));
}

export function setPoolOption(state: SimState, pool: SimPool, key: string, value: string): void {
  if (key === 'revisions_to_keep') {
    if (!/^\d+$/.test(value)) throw new QubesError(`Invalid value for revisions_to_keep: ${value}`);
    pool.config[key] = value;
  } else if (key === 'ephemeral_volatile') {
    pool.config[key] = pyBool(parseBool(value));
  } else {
    throw new QubesError(`Setting option ${key} is not supported for pool ${pool.name}`);
  }
}

export function removePool(state: SimState, pool: SimPool): void {
  const defaults = [
    'default_pool',
    'default_pool_kernel',
    'default_pool_private',
    'default_pool_root',
    'default_pool_volatile',
  ];
  const used = defaults.filter((d) => getGlobal(state, d).value === pool.name);
  if (used.length) throw new QubesError(`Cannot remove pool that is used as ${used.join(', ')}`);
  const vols = state.qubes.flatMap((q) =>
    Object.entries(q.volumes)
      .filter(([, v]) => v.pool === pool.name)
      .map(([n]) => `${q.name}:${n}`),
  );
  if (vols.length)
    throw new QubesError(`Cannot remove pool ${pool.name}, still used by volumes: ${vols.join(', ')}`);
  state.pools.splice(state.pools.indexOf(pool), 1);
}

export function setVolumeProp(q: SimQube, volume: string, prop: string, value: string): void {
  const v = q.volumes[volume];
  if (!v) throw new QubesError(`No volume ${volume} in ${q.name}`);
  if (!['rw', 'revisions_to_keep', 'ephemeral'].includes(prop))
    throw new QubesError(`Invalid property: ${prop}`);
  if ((prop === 'rw' || prop === 'ephemeral') && q.state !== 'Halted')
    throw new QubesError(`Cannot change ${prop} on running VM ${q.name}`);
  if (prop === 'rw') v.rw = parseBool(value);
  else if (prop === 'ephemeral') v.ephemeral = parseBool(value);
  else {
    if (!/^-?\d+$/.test(value)) throw new QubesError(`Invalid value for revisions_to_keep: ${value}`);
    v.revisionsToKeep = Number(value);
  }
}
