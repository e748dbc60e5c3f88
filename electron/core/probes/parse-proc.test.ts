import { describe, expect, it } from 'vitest';
import { parseFindmnt } from './parse-findmnt.js';
import { parseProcSwaps, parseQubesRelease, splitCmdline, statelessFlag } from './parse-proc.js';

describe('/etc/qubes-release', () => {
  it('reads 4.2 and 4.3, and reports others as unsupported', () => {
    expect(parseQubesRelease('Qubes release 4.2.4 (R4.2)\n')).toMatchObject({
      release: '4.2',
      version: '4.2',
    });
    expect(parseQubesRelease('Qubes release 4.3.0 (R4.3)\n').release).toBe('4.3');
    expect(parseQubesRelease('Qubes release 4.1.2 (R4.1)\n')).toMatchObject({
      release: null,
      version: '4.1',
    });
    expect(() => parseQubesRelease('Fedora release 41\n')).toThrow(/qubes-release/);
  });
});

describe('/proc/swaps', () => {
  it('reads disk and zram swap', () => {
    expect(
      parseProcSwaps(
        'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-2                               partition\t8388604\t\t0\t\t-2\n/dev/zram0                              partition\t8388604\t\t1024\t\t100\n',
      ),
    ).toEqual([
      { device: '/dev/dm-2', type: 'partition', sizeKiB: 8388604, usedKiB: 0, priority: -2 },
      { device: '/dev/zram0', type: 'partition', sizeKiB: 8388604, usedKiB: 1024, priority: 100 },
    ]);
  });
  it('refuses garbage', () => {
    expect(() => parseProcSwaps('garbage\n')).toThrow(/\/proc\/swaps/);
    expect(() => parseProcSwaps('Filename Type Size Used Priority\n/dev/x partition big 0 -2\n')).toThrow(
      /bad line/,
    );
  });
});

describe('kernel command line', () => {
  it('splits words and honours quotes', () => {
    expect(splitCmdline('placeholder root=/dev/x ro a="b c" rd.qubes.stateless=zram\n')).toEqual([
      'placeholder',
      'root=/dev/x',
      'ro',
      'a=b c',
      'rd.qubes.stateless=zram',
    ]);
  });
  it('finds our flag, last one winning, and flags unknown modes', () => {
    expect(statelessFlag('ro quiet')).toBeNull();
    expect(statelessFlag('rd.qubes.stateless=overlay rd.qubes.stateless=tmpfs')).toBe('tmpfs');
    expect(statelessFlag('rd.qubes.stateless=btrfs')).toBe('invalid');
    expect(statelessFlag('rd.qubes.stateless.comp=zstd')).toBeNull();
  });
});

describe('findmnt --json --bytes', () => {
  it('accepts numbers and (older util-linux) numeric strings', () => {
    const fs = {
      target: '/',
      source: '/dev/mapper/qubes_dom0-root',
      fstype: 'ext4',
      options: 'rw,relatime',
      size: 100,
      used: 40,
      avail: 60,
    };
    expect(parseFindmnt(JSON.stringify({ filesystems: [fs] }))).toMatchObject({
      fsType: 'ext4',
      usedBytes: 40,
    });
    expect(
      parseFindmnt(JSON.stringify({ filesystems: [{ ...fs, size: '100', used: '40', avail: '60' }] }))
        .availBytes,
    ).toBe(60);
    expect(() => parseFindmnt('not json')).toThrow(/findmnt/);
    expect(() => parseFindmnt(JSON.stringify({ filesystems: [{ ...fs, used: 'many' }] }))).toThrow(/used/);
  });
});
