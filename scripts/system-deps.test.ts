import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script (it runs before anything is built); its exports are typed by use here
import { BACKPORTS, PACKAGE_GROUPS, installCommands, missingPackages } from './system-deps.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const isBookworm =
  existsSync('/etc/os-release') &&
  /^VERSION_CODENAME=bookworm$/m.test(readFileSync('/etc/os-release', 'utf8'));
const all = [
  ...Object.values(PACKAGE_GROUPS as Record<string, string[]>).flat(),
  ...(BACKPORTS as { packages: string[] }).packages,
];

const skip = (ctx: { skip: (note?: string) => void }) => {
  console.warn('skipped: this machine is not Debian 12 (the package list is for bookworm)');
  ctx.skip('not Debian 12');
};

describe('the system-dependency step of `npm test`', () => {
  it('runs first in `npm test`, and CI runs exactly `npm ci` and the README command', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test!.split('&&')[0]!.trim()).toBe('node scripts/system-deps.mjs');
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#'));
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
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/system-deps.mjs'), '--check'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('node scripts/system-deps.mjs');
      return;
    }
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/system-deps.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(out).toMatch(/all \d+ Debian packages the tests need are installed/);
  });
});

describe('how system-deps installs what is missing', () => {
  const missing = { main: ['qemu-system-x86', 'rpm'], backports: ['linux-image-amd64'] };
  it('as root: apt-get directly, noninteractive and without rebuilding the host initramfs, backports by -t', () => {
    const cmds = installCommands(missing, {
      isRoot: true,
      stagedBackportsList: '/tmp/x/backports.list',
    }) as string[][];
    const env = ['/usr/bin/env', 'DEBIAN_FRONTEND=noninteractive', 'INITRD=No'];
    expect(cmds).toEqual([
      [
        ...env,
        '/usr/bin/install',
        '-m',
        '0644',
        '/tmp/x/backports.list',
        '/etc/apt/sources.list.d/qubes-stateless-backports.list',
      ],
      [...env, '/usr/bin/apt-get', 'update', '-q'],
      [
        ...env,
        '/usr/bin/apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        'qemu-system-x86',
        'rpm',
      ],
      [
        ...env,
        '/usr/bin/apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        '-t',
        'bookworm-backports',
        'linux-image-amd64',
      ],
    ]);
  });

  it('as a user: every command through sudo; no sources line when backports is configured; nothing for empty groups', () => {
    const cmds = installCommands({ main: ['rpm'], backports: [] }, { isRoot: false }) as string[][];
    expect(cmds.map((c) => c[0])).toEqual(['/usr/bin/sudo', '/usr/bin/sudo']);
    expect(cmds.map((c) => c.slice(4, 6).join(' '))).toEqual([
      '/usr/bin/apt-get update',
      '/usr/bin/apt-get install',
    ]);
    expect(cmds[1]!.at(-1)).toBe('rpm');
  });
});
