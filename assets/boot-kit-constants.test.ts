// The fit check ("does the root fit in RAM") runs at boot in the dracut
// module and is predicted by the RAM model and the simulator: its numbers
// have one owner, the QS_* assignments at the top of the setup script, and
// shared/ram/constants.ts mirrors them. A change on one side alone fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as constants from '../shared/ram/constants.js';
import { BOOT_KIT_FROM_SHELL } from '../shared/ram/constants.js';
import { ASSETS_DIR } from '../scripts/gen-manifest.js';

const SETUP = join(ASSETS_DIR, 'dracut', '90qubes-stateless', 'qubes-stateless-setup.sh');

/** The script's top-level numeric QS_* assignments (its constants block), as sh would read them. */
function shellConstants(script: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of script.matchAll(/^(QS_[A-Z0-9_]+)=([0-9]+)$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Each pair that differs, and each numeric shell constant no TypeScript one mirrors. */
function mismatches(
  shell: ReadonlyMap<string, number>,
  ts: Readonly<Record<string, unknown>>,
  pairs: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const [name, value] of shell) {
    const tsName = pairs[name];
    if (!tsName) out.push(`${name}=${value} has no TypeScript mirror in BOOT_KIT_FROM_SHELL`);
    else if (ts[tsName] !== value) out.push(`${name}=${value} but ${tsName}=${String(ts[tsName])}`);
  }
  for (const name of Object.keys(pairs))
    if (!shell.has(name)) out.push(`${name} is not assigned in the script`);
  return out;
}

describe('the fit check constants', () => {
  const script = readFileSync(SETUP, 'utf8');

  it('are the same in the dracut module and in the RAM model', () => {
    const shell = shellConstants(script);
    expect([...shell.keys()].sort()).toEqual(Object.keys(BOOT_KIT_FROM_SHELL).sort());
    expect(mismatches(shell, constants, BOOT_KIT_FROM_SHELL)).toEqual([]);
  });

  it('would fail if one side changed alone', () => {
    const shell = shellConstants(script);
    const edited = shellConstants(script.replace(/^QS_ZRAM_EST_PCT=\d+$/m, 'QS_ZRAM_EST_PCT=60'));
    expect(mismatches(edited, constants, BOOT_KIT_FROM_SHELL)).toEqual([
      `QS_ZRAM_EST_PCT=60 but BOOT_KIT_ZRAM_ESTIMATE_PCT=${constants.BOOT_KIT_ZRAM_ESTIMATE_PCT}`,
    ]);
    expect(mismatches(shell, { ...constants, BOOT_KIT_OVERLAY_MIN_MIB: 128 }, BOOT_KIT_FROM_SHELL)).toEqual([
      'QS_OVERLAY_MIN_MIB=64 but BOOT_KIT_OVERLAY_MIN_MIB=128',
    ]);
    expect(
      mismatches(shellConstants(`${script}\nQS_NEW_LIMIT_MIB=5\n`), constants, BOOT_KIT_FROM_SHELL),
    ).toEqual(['QS_NEW_LIMIT_MIB=5 has no TypeScript mirror in BOOT_KIT_FROM_SHELL']);
  });

  it('are what the check uses, not literals beside them', () => {
    const check = /^qs_check_size\(\) \{\n([\s\S]*?)^\}$/m.exec(script)?.[1] ?? '';
    expect(check).toContain('QS_ZRAM_EST_PCT');
    expect(check).toContain('QS_TMPFS_INODE_KIB');
    expect(check).toContain('QS_OVERLAY_MIN_MIB');
    expect(check).not.toMatch(/-lt 65536\b/);
    expect(script).toMatch(/qs_reserve_mib=\$QS_DEFAULT_RESERVE_MIB/);
  });
});
