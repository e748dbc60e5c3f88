import { describe, expect, it } from 'vitest';
import { BIN } from '../system/binaries.js';
import { tempSim } from '../../testing/temp-sim.js';
import {
  QVM_LS_FIELDS,
  parsePoolInfo,
  parsePoolList,
  parsePrefsListing,
  parseQvmLsRaw,
  parseVolumeList,
} from './parse-qvm.js';

/*
 * Outputs as the real tools print them, each written from the tool's source (QubesOS/qubes-core-admin-client and
 * qubes-core-admin, release4.2 and release4.3), parsed by our parsers and compared with what the simulator prints.
 */

// qubesadmin/tools/qvm_ls.py Table.write_table, raw_data branch: for vm in sorted(domains): '|'.join(get_row(vm));
// Column.cell = `format(vm) or '-'`: a missing property (AttributeError, QubesNoSuchPropertyError) or an empty
// value is '-'; ROOT-/PRIV- columns are calc_size/calc_usage, 0 (printed "0") for a qube without that volume.
// A 4.3 RemoteVM (qubes-core-admin qubes/vm/remotevm.py) is a BaseVM: get_power_state() "Running", a label, no
// template, maxmem, autostart or template_for_dispvms, no volumes (admin.vm.volume.List lists none but QubesVMs').
const QVM_LS_43 =
  [
    'dom0|AdminVM|Running|-|black|-|-|-|0|0|0|0',
    'fedora-42-xfce|TemplateVM|Halted|-|black|4000|False|-|20480|5222|2048|60',
    'remote-vault|RemoteVM|Running|-|black|-|-|-|0|0|0|0',
  ].join('\n') + '\n';

// qvm_pool.py info_pools + print_table (`column -t`): "name POOL", then sorted(config items) without name, where
// config is admin.pool.Info (qubes/api/admin.py pool_info): the pool's sorted config, then size=, usage= (when the
// driver knows them) and included_in= (when another pool holds its directory: search_pool_containing_dir).
const POOL_INFO_VM_POOL =
  [
    'name                vm-pool',
    'driver              lvm_thin',
    'ephemeral_volatile  False',
    'revisions_to_keep   2',
    'size                511101108224',
    'thin_pool           vm-pool',
    'usage               24746393600',
    'volume_group        qubes_dom0',
  ].join('\n') + '\n';
const POOL_INFO_LINUX_KERNEL =
  [
    'name         linux-kernel',
    'dir_path     /var/lib/qubes/vm-kernels',
    'driver       linux-kernel',
    'included_in  varlibqubes',
  ].join('\n') + '\n';

// qvm_prefs.py process_actions: '{name:{width}s}  -  {value!s}' / '  D  ' / '{name:{width}s}  U'; a VM-valued
// property that is unset is None in qubesadmin (base.py _parse_type_value), printed "None".
const QUBES_PREFS =
  [
    'clockvm            -  sys-net',
    'default_dispvm     -  None',
    'default_kernel     D  6.12.40-1.fc41',
    'default_netvm      D  sys-firewall',
    'stats_interval     U',
  ].join('\n') + '\n';

describe('recorded formats', () => {
  it('qvm-ls --raw-data: AdminVM and RemoteVM rows, "-" for none, 0 for missing volumes', () => {
    const rows = parseQvmLsRaw(QVM_LS_43);
    expect(
      rows.map((r) => [
        r.name,
        r.klass,
        r.state,
        r.template,
        r.maxmemMiB,
        r.autostart,
        r.templateForDispvms,
        r.rootMaxMiB,
      ]),
    ).toEqual([
      ['dom0', 'AdminVM', 'Running', null, null, false, false, 0],
      ['fedora-42-xfce', 'TemplateVM', 'Halted', null, 4000, false, false, 20480],
      ['remote-vault', 'RemoteVM', 'Running', null, null, false, false, 0],
    ]);
  });

  it('the simulated 4.3 qvm-ls prints the AdminVM and RemoteVM rows exactly so', async () => {
    const sim = await tempSim('qubes-4.3');
    const out = (
      await sim.run({ bin: BIN.qvmLs, args: ['--raw-data', '--fields', QVM_LS_FIELDS.join(',')] })
    ).stdout.split('\n');
    const want = QVM_LS_43.split('\n');
    expect(out).toContain(want[0]);
    expect(out).toContain(want[2]);
  });

  it('qvm-pool info: size, usage and included_in are not driver options', () => {
    expect(parsePoolInfo(POOL_INFO_VM_POOL)).toEqual([
      {
        name: 'vm-pool',
        driver: 'lvm_thin',
        options: {
          ephemeral_volatile: 'False',
          revisions_to_keep: '2',
          thin_pool: 'vm-pool',
          volume_group: 'qubes_dom0',
        },
      },
    ]);
    expect(parsePoolInfo(POOL_INFO_LINUX_KERNEL)).toEqual([
      { name: 'linux-kernel', driver: 'linux-kernel', options: { dir_path: '/var/lib/qubes/vm-kernels' } },
    ]);
    // Several pools (info_pools separates them by an empty row), as an older call or a report may hold.
    expect(parsePoolInfo(`${POOL_INFO_VM_POOL}\n${POOL_INFO_LINUX_KERNEL}`).map((p) => p.name)).toEqual([
      'vm-pool',
      'linux-kernel',
    ]);
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'the simulated qvm-pool info of %s has the same rows in the same order',
    async (profile) => {
      const sim = await tempSim(profile);
      const keys = (t: string) =>
        t
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/ {2,}/)[0]);
      const vm = (await sim.run({ bin: BIN.qvmPool, args: ['info', 'vm-pool'] })).stdout;
      expect(keys(vm)).toEqual(keys(POOL_INFO_VM_POOL));
      const lk = (await sim.run({ bin: BIN.qvmPool, args: ['info', 'linux-kernel'] })).stdout;
      expect(lk).toBe(POOL_INFO_LINUX_KERNEL);
      const vlq = (await sim.run({ bin: BIN.qvmPool, args: ['info', 'varlibqubes'] })).stdout;
      expect(keys(vlq)).toEqual([
        'name',
        'dir_path',
        'driver',
        'ephemeral_volatile',
        'revisions_to_keep',
        'size',
        'usage',
      ]);
      expect(
        parsePoolList((await sim.run({ bin: BIN.qvmPool, args: ['list'] })).stdout).map((p) => p.name),
      ).toEqual(['linux-kernel', 'varlibqubes', 'vm-pool']);
    },
  );

  it('qubes-prefs: "None" is an unset VM-valued property, "U" rows are skipped', () => {
    const m = parsePrefsListing(QUBES_PREFS, 'qubes-prefs');
    expect(m.get('default_dispvm')).toEqual({ value: '', isDefault: false });
    expect(m.get('clockvm')).toEqual({ value: 'sys-net', isDefault: false });
    expect(m.get('default_kernel')).toEqual({ value: '6.12.40-1.fc41', isDefault: true });
    expect(m.has('stats_interval')).toBe(false);
  });

  it('the simulated qubes-prefs prints an unset default_dispvm as None, and the probe reads it as unset', async () => {
    const sim = await tempSim();
    await sim.run({ bin: BIN.qubesPrefs, args: ['default_dispvm', 'none'] });
    const out = (await sim.run({ bin: BIN.qubesPrefs, args: [] })).stdout;
    expect(out).toMatch(/^default_dispvm +- {2}None$/m);
    expect(parsePrefsListing(out, 'qubes-prefs').get('default_dispvm')?.value).toBe('');
    // A single property that is None prints nothing (process_actions: `if value is not None: print(...)`).
    expect((await sim.run({ bin: BIN.qubesPrefs, args: ['default_dispvm'] })).stdout).toBe('');
  });

  it('qvm-volume list --full: POOL:VOLUME with the full vid, one row per qube using it (prepare_table)', () => {
    // qvm_volume.py prepare_table: header, then for each VolumeData sorted by (pool, vid): "pool:vid", VM, volume,
    // Yes/No; a volume no qube uses has only its first cell.
    const text =
      'POOL:VOLUME                                VMNAME          VOLUME_NAME  REVERT_POSSIBLE\nlinux-kernel:6.12.40-1.fc41                sys-net         kernel       No\nvm-pool:qubes_dom0/vm-sys-net-private      sys-net         private      Yes\nvm-pool:qubes_dom0/vm-orphan-private\n';
    expect(parseVolumeList(text)).toEqual([
      { pool: 'linux-kernel', vid: '6.12.40-1.fc41', vm: 'sys-net', volume: 'kernel' },
      { pool: 'vm-pool', vid: 'qubes_dom0/vm-sys-net-private', vm: 'sys-net', volume: 'private' },
    ]);
  });
});
