import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WizardChoicesInput } from '../../../shared/choices.js';
import { JOURNAL_DIR } from '../journal/journal-store.js';
import type { SimSystem } from '../../sim/sim-system.js';
import { BIN } from '../system/binaries.js';
import { engineFor, testAssetsDir } from '../../testing/engine-fixture.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { Engine } from './engine.js';
import { PATHS } from './paths.js';

/**
 * Bad input and bad machine states: each gives a clear, specific error and leaves the machine unchanged.
 * "Unchanged" is checked byte for byte, journal included, unless the case fails halfway through an apply —
 * then the undo must bring every file and setting back (the journal keeps the record of the failure).
 */

const base: WizardChoicesInput = { dom0: { mode: 'zram' } };
const withRo = (...qubes: string[]): WizardChoicesInput => ({ ...base, readOnlyRoot: qubes });
const withTemplate = (t: Record<string, string>, ramPool = true): WizardChoicesInput => ({
  ...base,
  ramPool: { enabled: ramPool },
  templates: [t as { template: string }],
});

interface Case {
  readonly name: string;
  readonly choices?: WizardChoicesInput | unknown;
  readonly setup?: (sim: SimSystem) => Promise<void>;
  readonly action?: 'apply' | 'plan' | 'rollback' | 'recover';
  readonly engine?: (sim: SimSystem) => Promise<Engine>;
  readonly code: string;
  readonly message: RegExp;
  /** The failure happens after the journal started: files and settings must be restored. */
  readonly halfway?: boolean;
}

const setRoot = (fsType: string) => async (sim: SimSystem) =>
  sim.updateState((s) => {
    const root = s.mounts.find((m) => m.target === '/')!;
    root.fsType = fsType;
    root.source = fsType === 'ext2' ? '/dev/zram1' : 'none';
  });
const fail = (argvPrefix: string[], stderr: string) => async (sim: SimSystem) =>
  sim.updateState((s) => void s.failures.push({ argvPrefix, exitCode: 1, stderr, times: 1 }));
const journalFile = async (sim: SimSystem, name: string, body: string) => {
  await sim.tree.mkdir(`${JOURNAL_DIR}/transactions`);
  await sim.tree.writeAtomic(`${JOURNAL_DIR}/transactions/${name}`, body);
};

const CASES: Case[] = [
  {
    name: 'unknown mode',
    choices: { dom0: { mode: 'btrfs' } },
    code: 'invalid-choice',
    message: /dom0\.mode/,
  },
  {
    name: 'unknown compressor',
    choices: { dom0: { mode: 'zram', compressor: 'gzip' } },
    code: 'invalid-choice',
    message: /compressor/,
  },
  {
    name: 'prompt timeout too short',
    choices: { dom0: { mode: 'zram', selection: 'prompt', promptTimeoutSec: 1 } },
    code: 'invalid-choice',
    message: /promptTimeoutSec/,
  },
  {
    name: 'dom0 memory below 1 GiB',
    choices: { dom0: { mode: 'zram', dom0MemMaxMiB: 100 } },
    code: 'invalid-choice',
    message: /dom0MemMaxMiB/,
  },
  {
    name: 'choices are not an object',
    choices: 'rm -rf /',
    code: 'invalid-choice',
    message: /choices|expected object/,
  },
  {
    name: 'unknown extra field is ignored, missing dom0 is not',
    choices: { swap: 'disable' },
    code: 'invalid-choice',
    message: /dom0/,
  },
  {
    name: 'unknown qube',
    choices: withRo('nosuchqube'),
    code: 'invalid-choice',
    message: /"nosuchqube" is not a qube/,
  },
  {
    name: 'over-long qube name',
    choices: withRo('a'.repeat(40)),
    code: 'invalid-qube-name',
    message: /too-long/,
  },
  {
    name: 'qube name with shell metacharacters',
    choices: withRo('work;rm -rf /'),
    code: 'invalid-qube-name',
    message: /bad-char/,
  },
  {
    name: 'qube name with command substitution',
    choices: withRo('$(reboot)'),
    code: 'invalid-qube-name',
    message: /bad-first-char/,
  },
  {
    name: 'qube name that looks like an option',
    choices: withRo('--force'),
    code: 'invalid-qube-name',
    message: /bad-first-char/,
  },
  {
    name: 'qube name with a newline',
    choices: withRo('work\nuntrusted'),
    code: 'invalid-qube-name',
    message: /bad-char/,
  },
  {
    name: 'dom0 has no root volume',
    choices: withRo('dom0'),
    code: 'invalid-choice',
    message: /no root volume/,
  },
  {
    name: 'template that does not exist',
    choices: withTemplate({ template: 'fedora-99' }),
    code: 'invalid-choice',
    message: /"fedora-99" is not a qube/,
  },
  {
    name: 'template that is an AppVM',
    choices: withTemplate({ template: 'work' }),
    code: 'invalid-choice',
    message: /not a TemplateVM/,
  },
  {
    name: 'clone name with a dot on 4.2',
    choices: withTemplate({ template: 'fedora-40-xfce', cloneName: 'fedora.ram' }),
    code: 'invalid-qube-name',
    message: /bad-char/,
  },
  {
    name: 'clone and dvm with the same name',
    choices: withTemplate({ template: 'fedora-40-xfce', cloneName: 'tmp-ram', dvmName: 'tmp-ram' }),
    code: 'invalid-choice',
    message: /used twice/,
  },
  {
    name: 'templates without the RAM pool',
    choices: withTemplate({ template: 'fedora-40-xfce' }, false),
    code: 'invalid-choice',
    message: /needs the RAM pool/,
  },
  {
    name: 'reserved vault name',
    choices: { ...base, saveVault: { enabled: true, name: 'Domain-0' } },
    code: 'invalid-qube-name',
    message: /reserved|bad-char/,
  },
  {
    name: 'vault name ending in -dm',
    choices: { ...base, saveVault: { enabled: true, name: 'save-dm' } },
    code: 'invalid-qube-name',
    message: /dm-suffix/,
  },
  {
    name: 'a qube that is running',
    choices: withRo('personal'),
    code: 'precondition-failed',
    message: /qubes-halted/,
  },
  {
    name: 'a stateless session (tmpfs root)',
    setup: setRoot('tmpfs'),
    code: 'precondition-failed',
    message: /stateless session \(tmpfs\)/,
  },
  {
    name: 'a stateless session (zram root)',
    setup: setRoot('ext2'),
    code: 'precondition-failed',
    message: /stateless session \(zram\)/,
  },
  {
    name: 'sudo refused',
    setup: (sim) => sim.updateState((s) => void (s.sudo = 'refused')),
    code: 'sudo-refused',
    message: /password is required/,
  },
  {
    name: '/boot nearly full',
    setup: (sim) =>
      sim.updateState(
        (s) =>
          void (s.mounts.find((m) => m.target === '/boot')!.baseUsedBytes =
            s.mounts.find((m) => m.target === '/boot')!.sizeBytes - 5 * 1024 * 1024),
      ),
    code: 'precondition-failed',
    message: /boot-space/,
  },
  {
    name: 'root too full for the backups',
    setup: (sim) =>
      sim.updateState(
        (s) =>
          void (s.mounts.find((m) => m.target === '/')!.baseUsedBytes =
            s.mounts.find((m) => m.target === '/')!.sizeBytes - 1024 * 1024),
      ),
    code: 'precondition-failed',
    message: /backup-space/,
  },
  {
    name: 'not enough RAM',
    setup: (sim) => sim.updateState((s) => void (s.host.totalMiB = 6144)),
    code: 'precondition-failed',
    message: /ram-fits/,
  },
  {
    name: 'a RAM pool clone name already taken',
    choices: withTemplate({ template: 'fedora-40-xfce', cloneName: 'personal' }),
    code: 'precondition-failed',
    message: /names-free/,
  },
  {
    name: 'xfsprogs missing for the RAM pool',
    choices: { ...base, ramPool: { enabled: true } },
    setup: (sim) => sim.tree.remove(BIN.mkfsXfs),
    code: 'precondition-failed',
    message: /xfsprogs/,
  },
  {
    name: 'the session CLI is not installed (RAM pool)',
    choices: { ...base, ramPool: { enabled: true } },
    setup: (sim) => sim.tree.remove(PATHS.sessionCli),
    code: 'precondition-failed',
    message: /session-cli/,
  },
  {
    name: 'missing /etc/default/grub',
    setup: (sim) => sim.tree.remove(PATHS.defaultGrub),
    code: 'file-missing',
    message: /\/etc\/default\/grub does not exist/,
  },
  {
    name: 'GRUB_DEFAULT decided by shell logic',
    choices: { dom0: { mode: 'zram', selection: 'prompt' } },
    setup: async (sim) =>
      sim.tree.writeAtomic(
        PATHS.defaultGrub,
        `${await sim.readText(PATHS.defaultGrub)}[ -e /etc/x ] && GRUB_DEFAULT=0\n`,
      ),
    code: 'precondition-failed',
    message: /sets GRUB_DEFAULT with shell logic at line 12; edit it by hand/,
  },
  {
    name: 'missing /etc/fstab',
    choices: { ...base, swap: 'disable' },
    setup: (sim) => sim.tree.remove(PATHS.fstab),
    code: 'file-missing',
    message: /\/etc\/fstab does not exist/,
  },
  {
    name: 'garbled /proc/swaps',
    setup: (sim) => sim.tree.writeAtomic('/proc/swaps', 'swap? what swap?\n'),
    code: 'parse-error',
    message: /\/proc\/swaps/,
  },
  {
    name: 'not a Qubes dom0',
    setup: (sim) => sim.tree.remove('/etc/qubes-release'),
    code: 'not-qubes',
    message: /qubes-release/,
  },
  {
    name: 'Qubes 4.1',
    setup: (sim) => sim.tree.writeAtomic('/etc/qubes-release', 'Qubes release 4.1.2 (R4.1)\n'),
    code: 'unsupported-release',
    message: /4\.1 is not supported/,
  },
  {
    name: 'qvm-ls missing',
    setup: (sim) => sim.updateState((s) => void s.missingBinaries.push(BIN.qvmLs)),
    code: 'command-missing',
    message: /qvm-ls/,
  },
  {
    name: 'a corrupt journal',
    setup: (sim) => journalFile(sim, '2026-01-01-x.json', '{"format": "qubes-stateless-journal/1", "id": '),
    code: 'journal-corrupt',
    message: /2026-01-01-x\.json is damaged/,
  },
  {
    name: 'a journal entry that is not ours',
    setup: (sim) => journalFile(sim, 'x.json', '{"hello": "world"}\n'),
    code: 'journal-corrupt',
    message: /x\.json is damaged/,
  },
  {
    name: 'an unfinished transaction',
    setup: async (sim) => {
      await engineFor(sim).apply({ dom0: { mode: 'overlay' } });
      const [tx] = await engineFor(sim).transactions();
      await journalFile(sim, `${tx!.id}.json`, JSON.stringify({ ...tx, status: 'in-progress' }));
    },
    code: 'unfinished-transaction',
    message: /did not finish; resume or roll it back/,
  },
  {
    name: 'a tampered bundled asset',
    engine: async (sim) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'qs-tampered-'));
      await cp(testAssetsDir(), dir, { recursive: true });
      await writeFile(path.join(dir, 'grub.d/21_qubes_stateless'), '#!/bin/sh\necho "menuentry evil {"\n');
      return new Engine({ sys: sim, assetsDir: dir });
    },
    code: 'asset-mismatch',
    message: /grub\.d\/21_qubes_stateless does not match its manifest hash/,
  },
  {
    name: 'dracut missing (fails halfway)',
    setup: (sim) => sim.updateState((s) => void s.missingBinaries.push(BIN.dracut)),
    code: 'command-missing',
    message: /dracut/,
    halfway: true,
  },
  {
    name: 'dracut fails on the second kernel',
    setup: fail(
      [BIN.dracut, '--force', '/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img'],
      'dracut: cannot create temporary directory',
    ),
    code: 'command-failed',
    message: /cannot create temporary directory/,
    halfway: true,
  },
  {
    name: '/boot fills up while dracut writes an image (ENOSPC)',
    setup: fail([BIN.dracut, '--force'], 'dracut: cpio: write error: No space left on device'),
    code: 'command-failed',
    message: /No space left on device/,
    halfway: true,
  },
  // The plan previews the menu with `grub2-mkconfig` alone; apply's run writes it with -o.
  {
    name: 'grub2-mkconfig fails',
    setup: fail([BIN.grub2Mkconfig, '-o'], '/etc/grub.d/21_qubes_stateless: syntax error'),
    code: 'command-failed',
    message: /syntax error/,
    halfway: true,
  },
  {
    name: 'grub2-mkconfig fails already at plan time',
    setup: fail([BIN.grub2Mkconfig], '/etc/grub.d/20_linux_xen: syntax error'),
    code: 'precondition-failed',
    message: /cannot apply: grub-regenerates/,
  },
  {
    name: 'qvm-pool refuses the option halfway',
    choices: { ...base, ephemeralVolatile: true },
    setup: fail([BIN.qvmPool, 'set'], 'qvm-pool: error: Got empty response from qubesd'),
    code: 'command-failed',
    message: /empty response from qubesd/,
    halfway: true,
  },
  {
    name: 'nothing to roll back',
    action: 'rollback',
    code: 'nothing-installed',
    message: /nothing to roll back/,
  },
  {
    name: 'rolling back from a stateless session',
    action: 'rollback',
    setup: async (sim) => {
      await engineFor(sim).apply({ dom0: { mode: 'overlay' } });
      await setRoot('tmpfs')(sim);
    },
    code: 'precondition-failed',
    message: /cannot roll back from a stateless session/,
  },
  {
    name: 'recovering from a stateless session',
    action: 'recover',
    setup: async (sim) => {
      await engineFor(sim).apply({ dom0: { mode: 'overlay' } });
      const [tx] = await engineFor(sim).transactions();
      await journalFile(sim, `${tx!.id}.json`, JSON.stringify({ ...tx, status: 'in-progress' }));
      await setRoot('tmpfs')(sim);
    },
    code: 'precondition-failed',
    message: /cannot recover from a stateless session/,
  },
  {
    name: 'the RAM pool name is taken',
    choices: { ...base, ramPool: { enabled: true } },
    setup: (sim) =>
      sim.updateState(
        (s) =>
          void s.pools.push({
            name: 'ram',
            driver: 'file',
            config: {
              driver: 'file',
              dir_path: '/var/lib/qubes/ram',
              revisions_to_keep: '1',
              ephemeral_volatile: 'False',
            },
          }),
      ),
    code: 'precondition-failed',
    message: /ram-pool-free/,
  },
];

describe('bad input matrix', () => {
  it(`has at least 30 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => [c.name, c] as const))('%s → a clear error, nothing changed', async (_name, c) => {
    const sim = await tempSim();
    await c.setup?.(sim);
    const engine = c.engine ? await c.engine(sim) : engineFor(sim);
    const before = await simDigest(sim, { includeJournal: !c.halfway });
    const action = c.action ?? 'apply';
    const run =
      action === 'rollback'
        ? engine.rollback({})
        : action === 'recover'
          ? engine.recover('rollback')
          : action === 'plan'
            ? engine.plan(c.choices ?? base)
            : engine.apply(c.choices ?? base);
    const err = await run.then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(err, 'the action must fail').not.toBeNull();
    expect(err!.code).toBe(c.code);
    expect(err!.message).toMatch(c.message);
    expect(await simDigest(sim, { includeJournal: !c.halfway })).toBe(before);
    if (c.halfway) expect((await engine.transactions()).map((t) => t.status)).toContain('failed');
  });
});
