import { describe, expect, it } from 'vitest';
import {
  QVM_LS_FIELDS,
  parsePoolInfo,
  parsePoolList,
  parsePrefsListing,
  parseQvmLsRaw,
  parseSinglePrefInt,
  parseVolumeList,
} from './parse-qvm.js';

describe('qvm-ls --raw-data', () => {
  it(`reads the ${QVM_LS_FIELDS.length} fields, '-' as none`, () => {
    const rows = parseQvmLsRaw(
      'dom0|AdminVM|Running|-|black|-|-|-|0|0|0|0\n' +
        'default-dvm|AppVM|Halted|fedora-40-xfce|red|4000|False|True|20480|0|2048|90\n' +
        'fedora-40-xfce|TemplateVM|Halted|-|black|4000|False|-|20480|5222|2048|60\n',
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      name: 'dom0',
      klass: 'AdminVM',
      template: null,
      maxmemMiB: null,
      autostart: false,
      rootMaxMiB: 0,
    });
    expect(rows[1]).toMatchObject({
      template: 'fedora-40-xfce',
      templateForDispvms: true,
      maxmemMiB: 4000,
      privCurrMiB: 90,
    });
    expect(rows[2]).toMatchObject({ klass: 'TemplateVM', templateForDispvms: false, rootCurrMiB: 5222 });
  });

  it('refuses rows with the wrong number of fields or an unknown class', () => {
    expect(() => parseQvmLsRaw('dom0|AdminVM|Running\n')).toThrow(/expected 12 fields/);
    expect(() => parseQvmLsRaw('x|WeirdVM|Halted|-|red|0|False|-|0|0|0|0\n')).toThrow(/unknown class/);
    expect(() => parseQvmLsRaw('x|AppVM|Halted|t|red|0|False|False|big|0|0|0\n')).toThrow(/ROOT-MAX/);
  });
});

describe('qvm-prefs listings', () => {
  it('reads set (-), default (D) and unreadable (U) rows, keeping empty values', () => {
    const m = parsePrefsListing(
      'autostart             D  False\ndefault_dispvm        D  \nlabel                 -  red\nstubdom_xid           U\nmemory                -  425\n',
      'qvm-prefs sys-net',
    );
    expect(m.get('autostart')).toEqual({ value: 'False', isDefault: true });
    expect(m.get('default_dispvm')).toEqual({ value: '', isDefault: true });
    expect(m.get('memory')).toEqual({ value: '425', isDefault: false });
    expect(m.has('stubdom_xid')).toBe(false);
  });
  it('names the tool in errors', () => {
    expect(() => parsePrefsListing('what is this\n', 'qubes-prefs')).toThrow(/qubes-prefs/);
  });
  it('reads a single integer property', () => {
    expect(parseSinglePrefInt('400\n', 'x')).toBe(400);
    expect(parseSinglePrefInt('\n', 'x')).toBeNull();
    expect(() => parseSinglePrefInt('four hundred\n', 'qvm-prefs work memory')).toThrow(
      /qvm-prefs work memory/,
    );
  });
});

describe('qvm-pool', () => {
  it('reads the list table', () => {
    expect(
      parsePoolList('NAME          DRIVER\nlinux-kernel  linux-kernel\nvm-pool       lvm_thin\n'),
    ).toEqual([
      { name: 'linux-kernel', driver: 'linux-kernel' },
      { name: 'vm-pool', driver: 'lvm_thin' },
    ]);
    expect(() => parsePoolList('garbage\n')).toThrow(/header/);
  });
  it('reads info for several pools separated by blank rows', () => {
    const pools = parsePoolInfo(
      'name                vm-pool\ndriver              lvm_thin\nephemeral_volatile  False\nrevisions_to_keep   2\nthin_pool           vm-pool\nvolume_group        qubes_dom0\n\nname                ram\ndir_path            /var/lib/qubes-stateless/ram pool\ndriver              file-reflink\nsetup_check         False\n',
    );
    expect(pools).toEqual([
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
      {
        name: 'ram',
        driver: 'file-reflink',
        options: { dir_path: '/var/lib/qubes-stateless/ram pool', setup_check: 'False' },
      },
    ]);
  });
  it('refuses a pool without a driver', () => {
    expect(() => parsePoolInfo('name  x\ndir_path  /y\n')).toThrow(/no driver/);
  });
});

describe('qvm-volume list', () => {
  it('maps volumes to pools and qubes', () => {
    expect(
      parseVolumeList(
        'POOL:VOLUME                            VMNAME   VOLUME_NAME  REVERT_POSSIBLE\nvm-pool:qubes_dom0/vm-work-private     work     private      Yes\nlinux-kernel:6.6.63-1.fc37             work     kernel       No\n',
      ),
    ).toEqual([
      { pool: 'vm-pool', vid: 'qubes_dom0/vm-work-private', vm: 'work', volume: 'private' },
      { pool: 'linux-kernel', vid: '6.6.63-1.fc37', vm: 'work', volume: 'kernel' },
    ]);
  });
});
