import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script (it runs before anything is built); its exports are typed by use here
import { BACKPORTS, PACKAGE_GROUPS, missingPackages } from './system-deps.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const isBookworm = existsSync('/etc/os-release') && /^VERSION_CODENAME=bookworm$/m.test(readFileSync('/etc/os-release', 'utf8'));
const all = [...(Object.values(PACKAGE_GROUPS as Record<string, string[]>).flat()), ...(BACKPORTS as { packages: string[] }).packages];

const skip = (ctx: { skip: (note?: string) => void }) => {
  console.warn('skipped: this machine is not Debian 12 (the package list is for bookworm)');
  ctx.skip('not Debian 12');
};

describe('the system-dependency step of `npm test`', () => {
  it('runs first in `npm test`, and CI runs exactly `npm ci` and the README command', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test!.split('&&')[0]!.trim()).toBe('node scripts/system-deps.mjs');
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(ci.filter((l) => /\bnpm\b/.test(l))).toEqual(['npm ci', 'npm test']);
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('```sh\nnpm test\n```');
  });

  it('names only packages Debian 12 has (main or bookworm-backports)', (ctx) => {
    if (!isBookworm) return skip(ctx);
    const r = spawnSync('/usr/bin/apt-cache', ['show', '--no-all-versions', ...all], { encoding: 'utf8' });
    const known = new Set([...r.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
    expect(all.filter((p) => !known.has(p))).toEqual([]);
  });

  it('on a machine that has them all, says so in well under the time of a test (dpkg-query only)', (ctx) => {
    if (!isBookworm) return skip(ctx);
    const missing = missingPackages() as { main: string[]; backports: string[] };
    if (missing.main.length + missing.backports.length) {
      // Names them and the one command to run, and fails.
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/system-deps.mjs'), '--check'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('node scripts/system-deps.mjs');
      return;
    }
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/system-deps.mjs'), '--check'], { encoding: 'utf8' });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(out).toMatch(/all \d+ Debian packages the tests need are installed/);
  });
});
