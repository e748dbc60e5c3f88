import { describe, expect, it } from 'vitest';
import { buildBootEntry } from './boot-entry.js';

const base = {
  mode: 'zram',
  compressor: 'zstd',
  sizeMiB: 8704,
  reserveMiB: 1300,
  dom0MemMaxMiB: 5376,
  promptTimeoutSec: null,
  hardening: false,
} as const;

describe('buildBootEntry', () => {
  it('gives the words the stateless entry adds, and the grub.conf from which the GRUB script adds them', () => {
    const e = buildBootEntry({ ...base, promptTimeoutSec: 15, hardening: true });
    expect(e.xenWords).toEqual(['dom0_mem=max:5376M']);
    expect(e.linuxWords).toEqual([
      'rd.qubes.stateless=zram',
      'rd.qubes.stateless.comp=zstd',
      'rd.qubes.stateless.size=8704',
      'rd.qubes.stateless.reserve=1300',
      'rd.qubes.stateless.prompt=15',
      'init_on_free=1',
      'init_on_alloc=1',
    ]);
    // 21_qubes_stateless adds the mode word itself and refuses QS_LINUX_ARGS that set it.
    expect(e.grubConf.split('\n')).toEqual([
      '# qubes-stateless GRUB entries (written by qubes-stateless; change them with the app)',
      'QS_MODES="zram"',
      'QS_DOM0_MEM_MAX_MIB="5376"',
      'QS_LINUX_ARGS="rd.qubes.stateless.comp=zstd rd.qubes.stateless.size=8704 rd.qubes.stateless.reserve=1300 rd.qubes.stateless.prompt=15 init_on_free=1 init_on_alloc=1"',
      '',
    ]);
  });

  it("puts zram's level after its compressor, on zram entries only", () => {
    expect(buildBootEntry({ ...base, compLevel: 1 }).linuxWords).toEqual([
      'rd.qubes.stateless=zram',
      'rd.qubes.stateless.comp=zstd',
      'rd.qubes.stateless.comp_level=1',
      'rd.qubes.stateless.size=8704',
      'rd.qubes.stateless.reserve=1300',
    ]);
    expect(buildBootEntry({ ...base, mode: 'tmpfs', compLevel: 1 }).linuxWords).not.toContain(
      'rd.qubes.stateless.comp_level=1',
    );
  });

  it('leaves out what was not chosen: the compressor outside zram, the prompt, hardening', () => {
    const e = buildBootEntry({ ...base, mode: 'tmpfs' });
    expect(e.linuxWords).toEqual([
      'rd.qubes.stateless=tmpfs',
      'rd.qubes.stateless.size=8704',
      'rd.qubes.stateless.reserve=1300',
    ]);
    expect(e.grubConf).toContain(
      'QS_LINUX_ARGS="rd.qubes.stateless.size=8704 rd.qubes.stateless.reserve=1300"',
    );
  });
});
