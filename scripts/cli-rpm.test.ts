import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../electron/core/tasks/paths.js';
// @ts-expect-error -- plain .mjs build scripts, typed by their use here
import { buildCliRpm } from '../packaging/build-cli-rpm.mjs';
// @ts-expect-error -- see above
import { cliBuildOptions } from './build.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'assets/manifest.json'), 'utf8')) as {
  files: { asset: string; installPath: string; mode: string; sha256: string }[];
};
const SHARE = '/usr/share/qubes-stateless';
const reason = !existsSync('/usr/bin/rpmbuild')
  ? 'rpmbuild is not installed (Debian: apt-get install rpm; npm test installs it)'
  : process.getuid?.() !== 0
    ? 'rpm -i --root needs root'
    : null;
if (reason) console.warn(`skipped: the qubes-stateless-cli RPM tests: ${reason}`);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(!!reason)('the qubes-stateless-cli RPM', () => {
  let dir: string;
  let rpm: string;
  let root: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'qs-cli-rpm-'));
    // The CLI bundled exactly as `npm run build` does, but here, so the checkout's dist/ is left alone.
    const bundle = path.join(dir, 'cli/qubes-stateless.mjs');
    await build(cliBuildOptions(bundle) as Parameters<typeof build>[0]);
    ({ rpm } = buildCliRpm({ outDir: path.join(dir, 'out'), bundle, quiet: true }) as { rpm: string });
    root = path.join(dir, 'root');
    execFileSync('/usr/bin/rpm', ['--root', root, '--initdb']);
    execFileSync('/usr/bin/rpm', ['-i', '--root', root, '--nodeps', rpm]);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a noarch package whose digests check (rpm -K), with its SHA-256 written beside it', () => {
    expect(path.basename(rpm)).toMatch(/^qubes-stateless-cli-\d+\.\d+\.\d+-1\.noarch\.rpm$/);
    expect(execFileSync('/usr/bin/rpm', ['-K', rpm], { encoding: 'utf8' })).toMatch(/digests OK/);
    expect(readFileSync(`${rpm}.sha256`, 'utf8')).toBe(`${sha256(rpm)}  ${path.basename(rpm)}\n`);
  });

  it('holds the wrapper, the bundle and exactly the boot kit the manifest lists (rpm -qlp)', () => {
    const listed = execFileSync('/usr/bin/rpm', ['-qlp', rpm], { encoding: 'utf8' }).trim().split('\n');
    // Regular files only (directories say "d" in their permissions).
    const perms = execFileSync('/usr/bin/rpm', ['-qp', '--qf', '[%{FILENAMES} %{FILEMODES:perms}\n]', rpm], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    const files = perms.filter((l) => / -[rwx-]{9}$/.test(l)).map((l) => l.split(' ')[0]!);
    expect(perms.length).toBe(listed.length);
    const zstd = `${SHARE}/node_modules/@bokuweb/zstd-wasm/`;
    expect(files.filter((f) => !f.startsWith(zstd)).sort()).toEqual(
      [
        '/usr/bin/qubes-stateless',
        `${SHARE}/cli/qubes-stateless.mjs`,
        `${SHARE}/assets/manifest.json`,
        ...manifest.files.map((f) => `${SHARE}/assets/${f.asset}`),
      ].sort(),
    );
    // The zstd module: its CommonJS build and .wasm, no maps, types or the browser build.
    const zstdFiles = files.filter((f) => f.startsWith(zstd)).map((f) => f.slice(zstd.length));
    expect(zstdFiles).toEqual(
      expect.arrayContaining(['package.json', 'dist/common/index.node.js', 'dist/common/zstd.wasm']),
    );
    expect(zstdFiles.filter((f) => /\.(map|ts)$|^dist\/(web|esm)\//.test(f))).toEqual([]);
    // The path the session unit runs is the one the package installs.
    expect(listed).toContain(PATHS.sessionCli);
    expect(readFileSync(path.join(ROOT, 'assets/systemd/qubes-stateless-session.service'), 'utf8')).toMatch(
      new RegExp(`^ExecStart=${PATHS.sessionCli} `, 'm'),
    );
  });

  it('requires what dom0 must have (Node.js of Fedora 37/41, xfsprogs, the tools it runs)', () => {
    const requires = execFileSync('/usr/bin/rpm', ['-qRp', rpm], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim());
    for (const r of [
      'nodejs >= 1:18',
      '/usr/bin/node',
      'xfsprogs',
      'sudo',
      'dracut',
      '/usr/bin/flock',
      '/usr/sbin/grub2-mkconfig',
      '/usr/bin/qvm-ls',
      '/usr/sbin/xl',
    ])
      expect(requires).toContain(r);
  });

  it('installs the boot kit byte for byte with its manifest modes where the CLI reads it', () => {
    for (const f of manifest.files) {
      const installed = path.join(root, SHARE, 'assets', f.asset);
      expect(sha256(installed), f.asset).toBe(f.sha256);
      expect((statSync(installed).mode & 0o7777).toString(8).padStart(4, '0'), f.asset).toBe(f.mode);
    }
    expect(readFileSync(path.join(root, SHARE, 'assets/manifest.json'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'assets/manifest.json'), 'utf8'),
    );
    expect(statSync(path.join(root, 'usr/bin/qubes-stateless')).mode & 0o777).toBe(0o755);
  });

  it('runs as installed: --help, and status and plan on a simulated dom0 (plan loads the installed boot kit)', async () => {
    const cli = path.join(root, 'usr/bin/qubes-stateless');
    const env = { ...process.env, QUBES_STATELESS_ASSETS: '' };
    delete (env as Record<string, string | undefined>).QUBES_STATELESS_ASSETS;
    const run = (...args: string[]) => spawnSync(cli, args, { encoding: 'utf8', env, timeout: 60_000 });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: qubes-stateless/);
    const sim = path.join(dir, 'sim');
    expect(run('sim', 'init', sim, '--profile', 'qubes-4.3').status).toBe(0);
    const status = run('--sim', sim, 'status', '--json');
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ qubesRelease: '4.3' });
    const plan = run('--sim', sim, 'plan', '--mode', 'zram', '--no-sample', '--json');
    expect(plan.status, plan.stderr).toBe(0);
    const written = JSON.stringify(JSON.parse(plan.stdout));
    const grub = manifest.files.find((f) => f.installPath === PATHS.grubScript)!;
    expect(written).toContain(grub.sha256);
  });

  it('finds zstd where the installed bundle requires it from, and it compresses', () => {
    const probe = `const m = require('node:module').createRequire(process.argv[1])('@bokuweb/zstd-wasm'); m.init().then(() => console.log(m.compress(new Uint8Array(4096), 3).length));`;
    const out = execFileSync(
      process.execPath,
      ['-e', probe, path.join(root, SHARE, 'cli/qubes-stateless.mjs')],
      { encoding: 'utf8', cwd: os.tmpdir() },
    );
    expect(Number(out.trim())).toBeGreaterThan(0);
    expect(Number(out.trim())).toBeLessThan(100);
  });
});
