import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Engine } from '../core/tasks/engine.js';
import { SimSystem } from '../sim/sim-system.js';
import { simDigest } from '../testing/sim-digest.js';
import { tempDir } from '../testing/temp-sim.js';
import { lookup } from '../../shared/i18n/translate.js';
import en from '../../shared/i18n/en.json';
import { COMMANDS } from './main.js';
import { runCli as cli, runCliOn } from './testing-cli.js';

/** A fresh simulated dom0 (Qubes 4.2) in a folder whose name needs quoting in a shell. */
async function newSim(name = 'dom0'): Promise<string> {
  const dir = path.join(await tempDir(), name);
  expect((await cli('sim', 'init', dir)).code).toBe(0);
  return dir;
}
const treeOf = async (dir: string) => simDigest(await SimSystem.open(dir));
const withJournal = async (dir: string) => simDigest(await SimSystem.open(dir), { includeJournal: true });

const OVERLAY = ['apply', '--mode', 'overlay', '--no-sample'];

describe('usage errors, as the qvm-* tools print them', () => {
  it('one usage line, then "qubes-stateless: error: …", on stderr with exit 2; never the whole help', async () => {
    expect(await cli('status', '--bogus')).toEqual({
      code: 2,
      out: '',
      err: 'usage: qubes-stateless [--sim DIR] [--json] status\nqubes-stateless: error: unknown option --bogus\n',
    });
    expect(await cli('frobnicate')).toEqual({
      code: 2,
      out: '',
      err:
        'usage: qubes-stateless [--sim DIR] [--json] COMMAND [OPTIONS]\n' +
        'qubes-stateless: error: unknown command "frobnicate" (choose from status, doctor, ram, plan, apply, ' +
        'rollback, recover, journal, session, sim)\n',
    });
    expect(await cli()).toEqual({
      code: 2,
      out: '',
      err:
        'usage: qubes-stateless [--sim DIR] [--json] COMMAND [OPTIONS]\n' +
        'qubes-stateless: error: a command is needed (qubes-stateless --help lists them)\n',
    });
    const needsValue = await cli('journal', '--sim');
    expect(needsValue.err).toBe(
      'usage: qubes-stateless [--sim DIR] [--json] journal\nqubes-stateless: error: option --sim needs a value\n',
    );
    const recover = await cli('recover', '--yes=1');
    expect(recover.code).toBe(2);
    expect(recover.err).toBe(
      'usage: qubes-stateless [--sim DIR] [--json] recover --resume|--rollback [--yes]\n' +
        'qubes-stateless: error: option --yes takes no value\n',
    );
    const both = await cli('recover', '--resume', '--rollback');
    expect(both.err).toMatch(/\nqubes-stateless: error: choose one of --resume or --rollback\n$/);
  });

  it('--help lists the commands; COMMAND --help shows that command and only its options', async () => {
    const all = await cli('--help');
    expect(all.code).toBe(0);
    expect(all.err).toBe('');
    expect(all.out).toMatch(/^usage: qubes-stateless \[--sim DIR\] \[--json\] COMMAND \[OPTIONS\]\n/);
    expect(all.out).toContain('\n  rollback  Undo the last install.');
    expect(all.out).toContain('\n  --sim DIR   act on the simulated dom0 in DIR instead of this machine\n');
    expect(all.out).not.toContain('--mode');

    const rollback = await cli('rollback', '--help');
    expect(rollback.code).toBe(0);
    expect(rollback.out).toMatch(
      /^usage: qubes-stateless \[--sim DIR\] \[--json\] rollback \[--resolve ID=RESOLUTION\]\.\.\. /,
    );
    // The value lists are built from the lists the parser checks; the lines stay exactly these.
    expect(rollback.out).toContain(
      '\n  --resolve ID=restore|keep|regenerate|remove   what to do with one changed item (ID as the preview names it)\n' +
        '  --on-conflict restore|keep|regenerate|remove  what to do with every changed item not named by --resolve\n',
    );
    expect(rollback.out).toContain('  --yes  ');
    expect(rollback.out).not.toContain('--mode');
    expect(rollback.out).not.toContain('  apply ');

    const apply = await cli('apply', '-h');
    expect(apply.out).toContain('  --digest DIGEST  ');
    expect(apply.out).toContain(
      "\n  --mode overlay|zram|tmpfs      how dom0's root runs from RAM (default zram)\n" +
        '  --compressor lz4|zstd|lzo-rle  zram compressor (default zstd)\n' +
        '  --selection entry|prompt       its own boot menu entry, or that entry asking at boot with a timeout\n',
    );
    // The help of a command does not run it: nothing is asked, nothing is read.
    expect(apply.err).toBe('');
  });
});

describe('every command and option is described in the catalogue', () => {
  it('has cli.commands.<name> and cli.options.<option> words, so no help line shows a key', async () => {
    for (const c of COMMANDS) {
      expect(lookup(en, `cli.commands.${c.name}`), c.name).toBeTypeOf('string');
      for (const o of Object.keys(c.options ?? {}))
        expect(lookup(en, `cli.options.${o}`), o).toBeTypeOf('string');
      const help = await cli(c.name, '--help');
      expect(help.code, c.name).toBe(0);
      expect(help.out, c.name).not.toMatch(/cli\.(options|commands)\./);
    }
  });
});

describe('plan prints its digest and the exact command that applies it', () => {
  it('the printed command, run as it is, applies that plan (the same system, choices and sampling)', async () => {
    const dir = await newSim();
    const r = await cli('--sim', dir, 'plan', '--mode', 'overlay', '--swap', 'disable', '--no-sample');
    expect(r.code).toBe(0);
    const digest = /^Plan for Qubes 4\.2: \d+ operations in 4 tasks \(digest ([0-9a-f]{12})\)$/m.exec(
      r.out,
    )?.[1];
    expect(digest).toBeDefined();
    expect(
      r.out.endsWith(
        `To apply exactly this plan, run:\n  qubes-stateless --sim ${dir} apply --mode overlay --swap disable --no-sample --digest ${digest} --yes\n`,
      ),
    ).toBe(true);
    const before = await treeOf(dir);
    const argv = r.out.trimEnd().split('\n').at(-1)!.trim().split(' ').slice(1);
    const applied = await cli(...argv);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(
      new RegExp(
        `^Installed and verified: transaction \\S+ \\(17 steps\\)\\. To undo it: qubes-stateless --sim ${dir} rollback\n$`,
      ),
    );
    expect(await treeOf(dir)).not.toBe(before);
  });

  it('a path that needs quoting is quoted in the printed command', async () => {
    const dir = await newSim("my dom0's copy");
    const r = await cli('--sim', dir, 'plan', '--no-sample');
    const quoted = `'${dir.replace("'", `'\\''`)}'`;
    expect(r.out).toMatch(
      new RegExp(
        `\n  qubes-stateless --sim ${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} apply --no-sample --digest [0-9a-f]{12} --yes\n$`,
      ),
    );
  });

  it('a blocked plan prints no command to apply it', async () => {
    const dir = await newSim();
    await (await SimSystem.open(dir)).updateState((s) => void (s.host.totalMiB = 6144));
    const r = await cli('--sim', dir, 'plan', '--mode', 'tmpfs', '--no-sample');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /\nThe plan is blocked: fix what failed above, then run plan again\. Nothing was changed\.\n$/,
    );
    expect(r.out).not.toContain('qubes-stateless apply');
  });
});

describe('apply without --yes on a blocked or empty plan asks nothing and applies nothing', () => {
  // Its digest hashes the tasks only: were it handed to apply, a precondition turning ok meanwhile would change
  // dom0 with no question asked. So the core's apply is never reached.
  it('blocked: the failed precondition and the blocked sentence, exit 1; empty: nothing to do, exit 0', async () => {
    const applied = vi.spyOn(Engine.prototype, 'apply');
    try {
      const dir = await newSim();
      await (await SimSystem.open(dir)).updateState((s) => void (s.host.totalMiB = 6144));
      const before = await withJournal(dir);
      for (const json of [[], ['--json']]) {
        const r = await runCliOn(
          { interactive: true, answers: ['y'] },
          '--sim',
          dir,
          ...json,
          'apply',
          '--mode',
          'tmpfs',
          '--no-sample',
        );
        expect(r, json.join()).toMatchObject({ code: 1, asked: 0 });
        expect(r.err).toMatch(
          /\nFailed: [^\n]+\nThe plan is blocked: fix what failed above, then run plan again\. Nothing was changed\.\nqubes-stateless: error: cannot apply: /,
        );
      }
      expect(applied).not.toHaveBeenCalled();
      expect(await withJournal(dir)).toBe(before);

      const done = await newSim();
      expect((await cli('--sim', done, ...OVERLAY, '--yes')).code).toBe(0);
      const after = await withJournal(done);
      applied.mockClear();
      expect(await runCliOn({ interactive: true, answers: ['y'] }, '--sim', done, ...OVERLAY)).toMatchObject({
        code: 0,
        asked: 0,
        out: 'Nothing to do: this machine already has exactly these settings.\n',
      });
      expect(JSON.parse((await cli('--sim', done, '--json', ...OVERLAY)).out)).toEqual({
        transaction: null,
        nothingToDo: true,
      });
      expect(applied).not.toHaveBeenCalled();
      expect(await withJournal(done)).toBe(after);
    } finally {
      applied.mockRestore();
    }
  });
});

describe('apply --digest takes a unique prefix of the digest plan printed', () => {
  it('8 hex digits apply; fewer, non-hex or another plan’s are refused and change nothing', async () => {
    const dir = await newSim();
    const { digest } = JSON.parse(
      (await cli('--sim', dir, 'plan', '--mode', 'overlay', '--no-sample', '--json')).out,
    ) as {
      digest: string;
    };
    const before = await withJournal(dir);

    const short = await cli('--sim', dir, ...OVERLAY, '--digest', digest.slice(0, 7), '--yes');
    expect(short.code).toBe(2);
    expect(short.err).toContain(
      `qubes-stateless: error: --digest "${digest.slice(0, 7)}" is too short to name a plan: give at least 8 hex digits, as plan printed them\n`,
    );
    const notHex = await cli('--sim', dir, ...OVERLAY, '--digest', 'plan-3f9a', '--yes');
    expect(notHex.code).toBe(2);
    expect(notHex.err).toContain(
      'qubes-stateless: error: --digest expects the hex digits plan printed, got "plan-3f9a"\n',
    );
    const flipped = `${digest[0] === '0' ? '1' : '0'}${digest.slice(1, 8)}`;
    const other = await cli('--sim', dir, ...OVERLAY, '--digest', flipped, '--yes');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/qubes-stateless: error: the machine changed since the plan was reviewed/);
    // Other choices make another plan: the overlay plan's digest, whole or not, does not apply it.
    const tmpfs = await cli(
      '--sim',
      dir,
      'apply',
      '--mode',
      'tmpfs',
      '--no-sample',
      '--digest',
      digest,
      '--yes',
    );
    expect(tmpfs.code).toBe(1);
    expect(await withJournal(dir)).toBe(before);

    const ok = await cli('--sim', dir, ...OVERLAY, '--digest', digest.slice(0, 8).toUpperCase(), '--yes');
    expect(ok.code).toBe(0);
    expect(await withJournal(dir)).not.toBe(before);
  });
});

describe('nothing to do is success (exit 0, as dnf), with a sentence that says so', () => {
  it('apply and plan of what is already in place, rollback with nothing installed, recover with nothing unfinished', async () => {
    const dir = await newSim();
    expect(await cli('--sim', dir, 'rollback', '--yes')).toMatchObject({
      code: 0,
      out: 'Nothing to do: there is nothing to roll back.\n',
    });
    expect(await cli('--sim', dir, 'rollback')).toMatchObject({
      code: 0,
      out: 'Nothing to do: there is nothing to roll back.\n',
    });
    for (const argv of [
      ['recover', '--rollback', '--yes'],
      ['recover', '--resume'],
    ])
      expect(await cli('--sim', dir, ...argv), argv.join(' ')).toMatchObject({
        code: 0,
        out: 'Nothing to recover: no apply or rollback was left unfinished.\n',
      });
    expect(JSON.parse((await cli('--sim', dir, '--json', 'recover', '--resume', '--yes')).out)).toEqual({
      recovered: null,
      nothingToDo: true,
    });

    expect((await cli('--sim', dir, ...OVERLAY, '--yes')).code).toBe(0);
    const after = await withJournal(dir);
    expect(await cli('--sim', dir, ...OVERLAY, '--yes')).toMatchObject({
      code: 0,
      out: 'Nothing to do: this machine already has exactly these settings.\n',
    });
    const plan = await cli('--sim', dir, 'plan', '--mode', 'overlay', '--no-sample');
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/^Plan for Qubes 4\.2: 0 operations in 0 tasks/);
    expect(plan.out).toMatch(/\nNothing to do: this machine already has exactly these settings\.\n$/);
    expect(await withJournal(dir)).toBe(after);
  });
});

describe('apply and rollback without --yes ask [y/N] on a terminal, and refuse without one', () => {
  it('apply: y applies; an empty line, n or the end of input change nothing; no terminal refuses', async () => {
    const dir = await newSim();
    const before = await withJournal(dir);
    for (const answers of [[''], ['n'], ['no'], ['Y es'], []]) {
      const r = await runCliOn({ interactive: true, answers }, '--sim', dir, ...OVERLAY);
      expect(r, JSON.stringify(answers)).toMatchObject({ code: 1, asked: 1 });
      expect(r.out).toMatch(/\nApply these changes\? \[y\/N\]: $/);
      expect(r.err).toMatch(/\nNothing was changed\.\n$/);
    }
    expect(await withJournal(dir)).toBe(before);

    for (const tty of [undefined, { interactive: false, answers: ['y'] }]) {
      const r = await runCliOn(tty, '--sim', dir, ...OVERLAY);
      expect(r).toMatchObject({ code: 2, asked: 0 });
      expect(r.err).toContain(
        'Nothing was changed: apply changes dom0, and there is no terminal to ask on. Review it with plan, then run the command plan prints (it ends with --yes).\n',
      );
    }
    expect(await withJournal(dir)).toBe(before);

    const yes = await runCliOn({ interactive: true, answers: ['y'] }, '--sim', dir, ...OVERLAY);
    expect(yes).toMatchObject({ code: 0, asked: 1 });
    expect(yes.out).toMatch(
      /^This changes dom0: 14 operations \(Boot module, Boot images, Boot menu\), plan digest [0-9a-f]{12}\. Review them with plan first\.\nApply these changes\? \[y\/N\]: Installed and verified: /,
    );
    expect(await withJournal(dir)).not.toBe(before);
  });

  it('rollback: the preview, then the question; yes restores the tree, anything else changes nothing', async () => {
    const dir = await newSim();
    const original = await treeOf(dir);
    expect((await cli('--sim', dir, ...OVERLAY, '--yes')).code).toBe(0);
    const installed = await withJournal(dir);
    const no = await runCliOn({ interactive: true, answers: [''] }, '--sim', dir, 'rollback');
    expect(no).toMatchObject({ code: 1, asked: 1 });
    expect(no.out).toMatch(/^This rolls back the install \S+ \(Boot module, Boot images, Boot menu\)\.\n/);
    expect(no.out).toMatch(/\nRoll back\? \[y\/N\]: $/);
    const none = await runCliOn(undefined, '--sim', dir, 'rollback');
    expect(none).toMatchObject({ code: 2, asked: 0 });
    expect(none.err).toContain(
      'Nothing was changed: there is no terminal to ask on. Add --yes to roll back.\n',
    );
    expect(await withJournal(dir)).toBe(installed);

    const yes = await runCliOn({ interactive: true, answers: ['yes'] }, '--sim', dir, 'rollback');
    expect(yes).toMatchObject({ code: 0, asked: 1 });
    expect(yes.out).toMatch(
      /Roll back\? \[y\/N\]: Rolled back: Every file and setting is as before the install\.\n$/,
    );
    expect(await treeOf(dir)).toBe(original);
  });
});

describe('no internal words on the screen', () => {
  it('plan lists warnings under their own heading, not under Preconditions, and names tasks by their titles', async () => {
    const dir = await newSim();
    const r = await cli('--sim', dir, 'plan', '--mode', 'overlay', '--no-sample');
    const pre = r.out.split('\nPreconditions:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(pre.length).toBe(11);
    for (const l of pre) expect(l).toMatch(/^ {2}ok {3}\S/);
    expect(pre.join('\n')).not.toContain('With overlay');
    const warnings = r.out.split('\nWarnings:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^ {2}With overlay, everything written to \//);
    expect(r.out).toContain('\nBoot module:\n  create folder /usr/lib/dracut/modules.d/90qubes-stateless\n');
    expect(r.out).not.toMatch(/\[dracut-module\]|warn |ram-fits|persistent-boot/);
  });

  it('apply’s progress on stderr speaks the catalogue’s words', async () => {
    const dir = await newSim();
    const r = await cli('--sim', dir, 'apply', '--mode', 'overlay', '--yes');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      new RegExp(
        `^qubes-stateless: acting on the simulated dom0 at ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: nothing on this machine is read or changed\\.\n`,
      ),
    );
    expect(r.err).toContain('\nCompressing a sample of the root…\n');
    expect(r.err).toContain(
      '\n[1/14] Boot module: Create folder (/usr/lib/dracut/modules.d/90qubes-stateless)\n',
    );
    expect(r.err).toMatch(/\nVerified Boot menu: /);
    expect(r.err).not.toMatch(/measuring RAM|simulated: simulated|dracut-module|verify boot-entries/);
  });
});
