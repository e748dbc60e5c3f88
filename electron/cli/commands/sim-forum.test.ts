import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-sim.js';
import { runCli as cli } from '../testing-cli.js';

describe('sim init --forum and status', () => {
  it('status --json reports the forum install a profile carries (forumInstall), status says it in a line', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    const init = await cli('sim', 'init', dir, '--profile', 'qubes-4.3', '--forum', 'leandroibov');
    expect(init.code).toBe(0);
    expect(init.out).toContain('forum recipe leandroibov');
    const json = JSON.parse((await cli('--sim', dir, 'status', '--json')).out) as {
      forumInstall: { family: string; leftovers: { kind: string; path: string; fate: string }[] };
    };
    expect(json.forumInstall.family).toBe('leandroibov');
    expect(json.forumInstall.leftovers.map((l) => `${l.kind}:${l.path}:${l.fate}`)).toEqual([
      'dracut-module:/usr/lib/dracut/modules.d/01ramboot:disabled',
      'dracut-conf:/etc/dracut.conf.d/ramboot.conf:disabled',
      'dom0-mem:/etc/default/grub:kept',
      'fstab-swap:/etc/fstab:kept',
      'backup-file:/etc/default/grub.bak:kept',
      'backup-file:/etc/fstab.bak:kept',
    ]);
    expect((await cli('--sim', dir, 'status')).out).toMatch(
      /^forum install: +leandroibov's ephemeral\.sh, 6 leftovers \(status --json lists each and its fate\)$/m,
    );
  });

  it("status names the recipe in the catalogue's words, and says when it was moved into ours", async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect(
      (await cli('sim', 'init', dir, '--profile', 'qubes-4.2', '--forum', 'ramlovingpenguin')).code,
    ).toBe(0);
    expect((await cli('--sim', dir, 'status')).out).toMatch(
      /^forum install: +RamLovingPenguin's live modes \(forum guide\), 7 leftovers \(status --json lists each and its fate\)$/m,
    );
    const apply = await cli('--sim', dir, 'apply', '--yes', '--no-sample');
    // Its two live entries left the menu; the other five stay, kept or out of use.
    expect(apply.code, apply.err).toBe(0);
    expect(JSON.parse((await cli('--sim', dir, 'status', '--json')).out).forumInstall.migrated).toBe(true);
    expect((await cli('--sim', dir, 'status')).out).toMatch(
      /^forum install: +RamLovingPenguin's live modes \(forum guide\), moved into qubes-stateless; 5 leftovers, kept or out of use/m,
    );
  });

  it('a stock profile reports forumInstall null; an unknown recipe is refused and makes nothing', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir)).code).toBe(0);
    expect(JSON.parse((await cli('--sim', dir, 'status', '--json')).out).forumInstall).toBeNull();
    const other = path.join(await tempDir(), 'dom0');
    const bad = await cli('sim', 'init', other, '--forum', 'someone-else');
    expect(bad.code).not.toBe(0);
    expect(bad.out + bad.err).toContain('unknown forum recipe "someone-else"');
    const { stat } = await import('node:fs/promises');
    expect(await stat(other).catch(() => null)).toBeNull();
  });
});

describe('--keep-forum-install', () => {
  it('plans the migration task by default and none with --keep-forum-install', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await cli('sim', 'init', dir, '--forum', 'xuy')).code).toBe(0);
    const taskIds = async (...extra: string[]) =>
      (
        JSON.parse((await cli('--sim', dir, 'plan', '--json', '--no-sample', ...extra)).out) as {
          plan: { tasks: { id: string }[] };
        }
      ).plan.tasks.map((t) => t.id);
    expect(await taskIds()).toContain('forum-migration');
    expect(await taskIds('--keep-forum-install')).not.toContain('forum-migration');
  });
});
