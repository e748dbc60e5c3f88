// Every shell file we install into dom0 (and our VM-side test shell) must pass
// shellcheck with no findings at all.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSETS_DIR } from '../scripts/gen-manifest.js';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** [path, shell dialect or null when shellcheck reads it from the file]. */
function shellFiles(): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  for (const p of walk(ASSETS_DIR)) {
    const head = readFileSync(p, 'utf8').slice(0, 200);
    if (p.endsWith('.sh') || /^#!\s*\S*\/(ba|da)?sh\b/.test(head)) out.push([p, null]);
    // dracut sources its conf snippets with bash.
    else if (/\/dracut\.conf\.d\/[^/]+\.conf$/.test(p)) out.push([p, 'bash']);
  }
  // Our test and benchmark shell, which runs in the VMs.
  out.push([join(ASSETS_DIR, '..', 'e2e', 'boot', 'guest', 'init.sh'), null]);
  const bench = join(ASSETS_DIR, '..', 'scripts', 'boot', '99qsbench');
  for (const f of readdirSync(bench).sort()) out.push([join(bench, f), null]);
  const provision = join(ASSETS_DIR, '..', 'e2e', 'boot', 'provision', '99qsprovision');
  for (const f of readdirSync(provision).sort()) out.push([join(provision, f), null]);
  return out;
}

describe('shellcheck', () => {
  const files = shellFiles();

  it('finds the shell assets', () => {
    const names = files.map(([p]) => relative(ASSETS_DIR, p));
    expect(names).toContain('grub.d/21_qubes_stateless');
    expect(names).toContain('dracut/90qubes-stateless/qubes-stateless-setup.sh');
    expect(names).toContain('dracut/dracut.conf.d/90-qubes-stateless.conf');
  });

  for (const [file, dialect] of files) {
    it(`passes shellcheck: ${relative(join(ASSETS_DIR, '..'), file)}`, () => {
      const args = ['--format=gcc', ...(dialect ? ['--shell', dialect] : []), file];
      const r = spawnSync('shellcheck', args, { encoding: 'utf8' });
      if (r.error)
        throw new Error(
          `shellcheck is not installed (Debian: apt-get install shellcheck): ${r.error.message}`,
        );
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
