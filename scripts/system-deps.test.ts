import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// A plain .mjs script (it runs before anything is built): one namespace import, its exports typed by use here.
// @ts-expect-error -- no declaration file for the .mjs
import * as deps from './system-deps.mjs';

const {
  BACKPORTS,
  PACKAGE_GROUPS,
  hasKernel,
  installCommands,
  mainKernelPackage,
  missingPackages,
  sourceCommands,
} = deps;

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
    const missing = missingPackages() as { main: string[]; backports: string[]; mainKernel: boolean };
    if (missing.main.length + missing.backports.length || missing.mainKernel) {
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
  const missing = { main: ['qemu-system-x86', 'rpm'], backports: ['linux-image-amd64'], mainKernel: true };
  const env = ['/usr/bin/env', 'DEBIAN_FRONTEND=noninteractive', 'INITRD=No'];
  it('as root: apt-get directly, noninteractive and without rebuilding the host initramfs, backports by -t', () => {
    expect(sourceCommands({ isRoot: true, stagedBackportsList: '/tmp/x/backports.list' })).toEqual([
      [
        ...env,
        '/usr/bin/install',
        '-m',
        '0644',
        '/tmp/x/backports.list',
        '/etc/apt/sources.list.d/qubes-stateless-backports.list',
      ],
      [...env, '/usr/bin/apt-get', 'update', '-q'],
    ]);
    expect(installCommands(missing, { isRoot: true, mainKernel: 'linux-image-6.1.0-57-amd64' })).toEqual([
      [
        ...env,
        '/usr/bin/apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        'qemu-system-x86',
        'rpm',
        'linux-image-6.1.0-57-amd64',
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
    const cmds = [
      ...sourceCommands({ isRoot: false }),
      ...installCommands({ main: ['rpm'], backports: [], mainKernel: false }, { isRoot: false }),
    ] as string[][];
    expect(cmds.map((c) => c[0])).toEqual(['/usr/bin/sudo', '/usr/bin/sudo']);
    expect(cmds.map((c) => c.slice(4, 6).join(' '))).toEqual([
      '/usr/bin/apt-get update',
      '/usr/bin/apt-get install',
    ]);
    expect(cmds[1]!.at(-1)).toBe('rpm');
  });

  it("takes Debian 12's 6.1 image package from main's metapackage, never the backports one", () => {
    const show = [
      'Package: linux-image-amd64\nVersion: 6.12.95-1~bpo12+1\nDepends: linux-image-6.12.95+deb12-amd64 (= 6.12.95-1~bpo12+1)\n',
      'Package: linux-image-amd64\nVersion: 6.1.192-3\nDepends: linux-image-6.1.0-57-amd64 (= 6.1.192-3)\n',
      'Package: linux-image-amd64\nVersion: 6.1.176-1\nDepends: linux-image-6.1.0-50-amd64 (= 6.1.176-1)\n',
    ].join('\n');
    expect(mainKernelPackage(show)).toBe('linux-image-6.1.0-57-amd64');
    expect(mainKernelPackage(show.split('\n\n')[0]!)).toBeNull();
  });

  it('counts a kernel as there only with its modules (what the boot tests look for)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qs-kernels-'));
    mkdirSync(path.join(dir, 'boot'));
    writeFileSync(path.join(dir, 'boot', 'vmlinuz-6.1.0-57-amd64'), '');
    writeFileSync(path.join(dir, 'boot', 'vmlinuz-6.12.95+deb12-amd64'), '');
    mkdirSync(path.join(dir, 'modules', '6.12.95+deb12-amd64'), { recursive: true });
    writeFileSync(path.join(dir, 'modules', '6.12.95+deb12-amd64', 'modules.dep'), '');
    const has = (s: string) => hasKernel(s, path.join(dir, 'boot'), path.join(dir, 'modules')) as boolean;
    expect([has('6.1'), has('6.12'), has('6.2')]).toEqual([false, true, false]);
  });
});
