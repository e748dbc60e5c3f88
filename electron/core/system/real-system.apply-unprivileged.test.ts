import { execFileSync } from 'node:child_process';
import { chmod, chown, cp, mkdtemp, readdir, lstat, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSim } from '../../sim/init-sim.js';
import { STATE_FILE } from '../../sim/sim-system.js';
import { everyTask, testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import {
  bundleForOthers,
  loggingSudo,
  runAs,
  TEST_USER,
  unprivilegedSkipReason,
} from '../../testing/unprivileged.js';

/**
 * The whole install and its rollback as dom0's user: a simulated dom0 whose tree is root-owned with dom0's
 * modes (0700 /etc/grub.d, /boot/grub2, ESP; 0600 grub.cfg, initramfs; 0700 backups), driven by an
 * unprivileged process whose every file operation goes through the real System and the real sudo.
 */
const skip = unprivilegedSkipReason();

let work: string;
let child: { file: string; dispose: () => Promise<void> };
let assets: string;
let sudo: Awaited<ReturnType<typeof loggingSudo>>;

/** Every path of the tree that is not owned by root:root. */
async function notRootOwned(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const full = path.join(dir, name);
    const st = await lstat(full);
    if (st.uid !== 0 || st.gid !== 0) out.push(full);
    if (st.isDirectory()) out.push(...(await notRootOwned(full)));
  }
  return out;
}

describe.skipIf(skip !== null)('apply and rollback as an unprivileged user through the real sudo', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'qs-hostsim-'));
    await chmod(work, 0o755);
    child = await bundleForOthers(path.join(import.meta.dirname, '../../testing/host-sim-child.ts'));
    // The checkout may sit in a directory the test user cannot enter (CI: /root): give it a copy.
    assets = path.join(work, 'assets');
    await cp(testAssetsDir(), assets, { recursive: true });
    execFileSync('/usr/bin/chmod', ['-R', 'a+rX', assets]);
    sudo = await loggingSudo(work);
  }, 120_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await child?.dispose();
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'on %s: every task applied and verified, then the tree is byte-identical again',
    async (profile) => {
      const simDir = path.join(work, profile);
      const sim = await initSim(simDir, profile);
      const uid = Number(execFileSync('/usr/bin/id', ['-u', TEST_USER], { encoding: 'utf8' }));
      const gid = Number(execFileSync('/usr/bin/id', ['-g', TEST_USER], { encoding: 'utf8' }));
      // The simulator's own files belong to the user; dom0's tree stays root's.
      await chown(simDir, uid, gid);
      await chown(path.join(simDir, STATE_FILE), uid, gid);
      expect(await notRootOwned(sim.tree.root)).toEqual([]);
      await sudo.reset();
      const before = await simDigest(sim);

      const out = JSON.parse(
        await runAs(TEST_USER, child.file, [simDir, assets, JSON.stringify(everyTask(profile)), sudo.path]),
      ) as Record<string, unknown>;
      expect(out).toEqual({ uid, applied: 'applied', failedChecks: [], rolledBack: 'done', problems: [] });

      await sim.reload();
      expect(await simDigest(sim)).toBe(before);
      expect(await notRootOwned(sim.tree.root)).toEqual([]);
      // Root-only paths were read through sudo, as on dom0.
      const calls = await sudo.calls();
      const t = sim.tree.root;
      expect(calls).toContain(`-n -- /usr/bin/find -H ${t}/etc/grub.d -maxdepth 1 -printf %y%P\\0`);
      expect(calls.some((c) => c.startsWith(`-n -- /usr/bin/sha256sum -- ${t}/boot/initramfs-`))).toBe(true);
      expect(
        calls.some((c) =>
          c.startsWith(
            `-n -- /usr/bin/cp --preserve=mode,ownership,timestamps -T -- ${t}/boot/grub2/grub.cfg ${t}/var/lib/qubes-stateless/backups/.`,
          ),
        ),
      ).toBe(true);
      console.log(`${profile}: ${calls.length} sudo calls for apply + rollback as ${TEST_USER}`);
    },
    600_000,
  );
});
