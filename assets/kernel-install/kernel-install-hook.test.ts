import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../../electron/core/system/binaries.js';
import { PATHS } from '../../electron/core/tasks/paths.js';
import { engineFor } from '../../electron/testing/engine-fixture.js';
import { tempDir, tempSim } from '../../electron/testing/temp-sim.js';

const HOOK = join(import.meta.dirname, '85-qubes-stateless.install');
// Debian's grub-common names it grub-editenv; dom0's is grub2-editenv. Same program, same block format.
const EDITENV = spawnSync('sh', ['-c', 'command -v grub2-editenv || command -v grub-editenv'], {
  encoding: 'utf8',
}).stdout.trim();

/** A PATH whose grub2-editenv is the real one. */
function shimPath(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  if (!existsSync(join(dir, 'bin', 'grub2-editenv'))) symlinkSync(EDITENV, join(dir, 'bin', 'grub2-editenv'));
  return `${join(dir, 'bin')}:/usr/bin:/bin`;
}

const savedEntry = (env: string) => /^saved_entry=(.*)$/m.exec(readFileSync(env, 'utf8'))?.[1] ?? null;

/** What Fedora's 20-grub.install does on a kernel update with UPDATEDEFAULT=yes: saved_entry = the BLS id. */
const kernelUpdateClobbers = (env: string, kver: string) =>
  spawnSync(EDITENV, [env, 'set', `saved_entry=0123456789abcdef0123456789abcdef-${kver}`]).status;

const runHook = (dir: string, env: string, entryFile: string, kver: string) =>
  spawnSync(
    '/bin/sh',
    [HOOK, 'add', kver, `/boot/0123456789abcdef0123456789abcdef/${kver}`, `/lib/modules/${kver}/vmlinuz`],
    {
      encoding: 'utf8',
      env: { PATH: shimPath(dir), QUBES_STATELESS_GRUBENV: env, QUBES_STATELESS_DEFAULT_ENTRY: entryFile },
    },
  );

describe('kernel-install plugin 85-qubes-stateless.install (real sh, real grub-editenv)', () => {
  it('has grub-editenv to run against (grub-common, installed by .ci/run)', () =>
    expect(EDITENV).not.toBe(''));

  it('puts saved_entry back on our entry after 20-grub.install moved it to a BLS id', async () => {
    const dir = await tempDir();
    const env = join(dir, 'grubenv');
    expect(spawnSync(EDITENV, [env, 'create']).status).toBe(0);
    const id = 'qubes-stateless-zram-xen-gnulinux-simple-5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60';
    writeFileSync(join(dir, 'default-entry'), `${id}\n`);
    expect(kernelUpdateClobbers(env, '6.12.40-1.qubes.fc41.x86_64')).toBe(0);
    expect(savedEntry(env)).not.toBe(id);
    const r = runHook(dir, env, join(dir, 'default-entry'), '6.12.40-1.qubes.fc41.x86_64');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(savedEntry(env)).toBe(id);
    // Nothing to do the second time, and nothing without our file (not installed, or rolled back).
    expect(runHook(dir, env, join(dir, 'default-entry'), '6.12.40-1.qubes.fc41.x86_64')).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect(kernelUpdateClobbers(env, '6.12.41-1.qubes.fc41.x86_64')).toBe(0);
    expect(runHook(dir, env, join(dir, 'absent'), '6.12.41-1.qubes.fc41.x86_64')).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect(savedEntry(env)).toMatch(/-6\.12\.41-1\.qubes\.fc41\.x86_64$/);
  });

  it('never fails the kernel installation, and refuses ids that are not ours', async () => {
    const dir = await tempDir();
    const env = join(dir, 'grubenv');
    spawnSync(EDITENV, [env, 'create']);
    writeFileSync(join(dir, 'bad'), 'xen-gnulinux-simple-5d0c; rm -rf /\n');
    const r = runHook(dir, env, join(dir, 'bad'), '6.1.0');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/does not name a qubes-stateless entry/);
    expect(savedEntry(env)).toBeNull();
    writeFileSync(join(dir, 'odd'), 'qubes-stateless-zram-x$(id)\n');
    expect(runHook(dir, env, join(dir, 'odd'), '6.1.0').stderr).toMatch(/unexpected characters/);
    expect(runHook(dir, join(dir, 'no', 'grubenv'), join(dir, 'odd'), '6.1.0').status).toBe(0);
  });

  it('simulated kernel update: the plugin apply installed keeps the simulated dom0 on the stateless entry', async () => {
    const sim = await tempSim('qubes-4.3');
    await engineFor(sim).apply({ dom0: { mode: 'zram', selection: 'prompt', promptTimeoutSec: 10 } });
    const id = (await sim.readText(PATHS.defaultEntry)).trim();
    expect(await sim.readText(PATHS.grubCfg)).toContain(`$menuentry_id_option '${id}'`);
    expect((await sim.readFile(PATHS.kernelInstallHook)).equals(readFileSync(HOOK))).toBe(true);
    // The update: 20-grub.install moves saved_entry, 80-grub2.install regenerates grub.cfg, then our plugin runs.
    const kver = '6.12.99-1.qubes.fc41.x86_64';
    await sim.run({
      bin: BIN.grub2Editenv,
      args: [PATHS.grubenv, 'set', `saved_entry=0123456789abcdef0123456789abcdef-${kver}`],
      privileged: true,
    });
    await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', PATHS.grubCfg], privileged: true });
    const root = sim.tree.root;
    const dir = await tempDir();
    const r = spawnSync(
      '/bin/sh',
      [join(root, PATHS.kernelInstallHook), 'add', kver, `/boot/x/${kver}`, `/lib/modules/${kver}/vmlinuz`],
      {
        encoding: 'utf8',
        env: {
          PATH: shimPath(dir),
          QUBES_STATELESS_GRUBENV: join(root, PATHS.grubenv),
          QUBES_STATELESS_DEFAULT_ENTRY: join(root, PATHS.defaultEntry),
        },
      },
    );
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(savedEntry(join(root, PATHS.grubenv))).toBe(id);
    expect(await sim.readText(PATHS.grubCfg)).toContain(`$menuentry_id_option '${id}'`);
  });
});
