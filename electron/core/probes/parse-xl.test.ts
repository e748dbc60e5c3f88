import { describe, expect, it } from 'vitest';
import { parseDom0Mem, parseXlInfo, parseXlListDom0, xenSizeToMiB } from './parse-xl.js';

// Shape of `xl info` on a Qubes 4.2 machine (xen tools/xl/xl_info.c: "%-23s: %s").
const XL_INFO = `host                   : dom0
release                : 6.6.63-1.qubes.fc37.x86_64
version                : #1 SMP PREEMPT_DYNAMIC Thu Nov 28 03:43:47 GMT 2024
machine                : x86_64
nr_cpus                : 8
total_memory           : 32614
free_memory            : 1187
sharing_freed_memory   : 0
xen_major              : 4
xen_minor              : 17
xen_extra              : .5
xen_version            : 4.17.5
xen_commandline        : placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off no-real-mode edd=off
cc_compiler            : gcc (GCC) 12.3.1 20230508 (Red Hat 12.3.1-1)
`;

describe('xl info', () => {
  it('reads memory in MiB, the Xen version and its command line', () => {
    expect(parseXlInfo(XL_INFO)).toEqual({
      totalMiB: 32614,
      freeMiB: 1187,
      xenVersion: '4.17.5',
      xenCmdline:
        'placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off no-real-mode edd=off',
    });
  });

  it('falls back to major.minor+extra when xen_version is absent (older xl)', () => {
    expect(parseXlInfo(XL_INFO.replace(/^xen_version.*\n/m, '')).xenVersion).toBe('4.17.5');
  });

  it('refuses output without total_memory, naming the field', () => {
    expect(() => parseXlInfo(XL_INFO.replace(/^total_memory.*\n/m, ''))).toThrow(/total_memory/);
    expect(() => parseXlInfo('total_memory : lots\nfree_memory : 1\nxen_version : 4\n')).toThrow(
      /total_memory/,
    );
  });
});

describe('xl list 0', () => {
  it('reads dom0 memory', () => {
    expect(
      parseXlListDom0(
        'Name                                        ID   Mem VCPUs\tState\tTime(s)\nDomain-0                                     0  4095     8     r-----    4821.3\n',
      ),
    ).toBe(4095);
  });
  it('refuses output without a Domain-0 row', () => {
    expect(() => parseXlListDom0('Name ID Mem\n')).toThrow(/Domain-0/);
  });
});

describe('dom0_mem', () => {
  it('takes min and max from separate options, the later one winning', () => {
    expect(parseDom0Mem('dom0_mem=min:1024M dom0_mem=max:4096M dom0_mem=max:12288M', 32614)).toEqual({
      minMiB: 1024,
      maxMiB: 12288,
      exactMiB: null,
    });
  });
  it('reads comma lists and a bare size', () => {
    expect(parseDom0Mem('dom0_mem=2G,min:1G,max:8G', 32614)).toEqual({
      minMiB: 1024,
      maxMiB: 8192,
      exactMiB: 2048,
    });
  });
  it('resolves Xen size syntax: kilobytes by default, negative and percentages against host memory', () => {
    expect(xenSizeToMiB('1048576', 32000)).toBe(1024);
    expect(xenSizeToMiB('-4G', 32000)).toBe(32000 - 4096);
    expect(xenSizeToMiB('25%', 32000)).toBe(8000);
    expect(xenSizeToMiB('1G+10%', 32000)).toBe(1024 + 3200);
    expect(xenSizeToMiB('lots', 32000)).toBeNull();
  });
  it('is null when unset', () => {
    expect(parseDom0Mem('console=none smt=off', 32614)).toEqual({
      minMiB: null,
      maxMiB: null,
      exactMiB: null,
    });
  });
});
