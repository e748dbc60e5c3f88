import { describe, expect, it } from 'vitest';
import { displayArgv } from '../../../shared/command-line.js';
import { undoCommandOf } from '../tasks/operations.js';
import { flattenPlan } from '../tasks/steps.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { BIN } from '../system/binaries.js';
import * as cmd from './admin-commands.js';
import { GrammarError, checkGrammar } from './admin-grammar.js';

const TOOLS: Record<string, string> = {
  [BIN.qvmLs]: 'qvm-ls',
  [BIN.qvmPool]: 'qvm-pool',
  [BIN.qvmVolume]: 'qvm-volume',
  [BIN.qvmPrefs]: 'qvm-prefs',
  [BIN.qubesPrefs]: 'qubes-prefs',
  [BIN.qvmClone]: 'qvm-clone',
  [BIN.qvmCreate]: 'qvm-create',
  [BIN.qvmRemove]: 'qvm-remove',
  [BIN.qvmShutdown]: 'qvm-shutdown',
};

describe('admin command grammar', () => {
  it('accepts what the builders make, for 4.2 and 4.3', () => {
    for (const r of ['4.2', '4.3'] as const) {
      const built = [
        cmd.poolAdd('ram', 'file-reflink', { dir_path: '/run/qubes-stateless/ram-pool' }, r),
        cmd.poolSet('vm-pool', 'ephemeral_volatile', 'True', r),
        cmd.poolInfo('vm-pool', r),
        cmd.poolList(r),
        cmd.volumeList(r),
        cmd.qvmLsRaw(['NAME', 'CLASS', 'ROOT-MAX'], r),
        cmd.qvmLsNames(r),
        cmd.globalPrefsList(r),
        cmd.poolRemove('ram', r),
        cmd.volumeConfig('work', 'root', 'rw', 'False', r),
        cmd.volumeInfo('work', 'private', 'usage', r),
        cmd.qubePrefGet('work', 'memory', r),
        cmd.qubePrefSet('work-dvm', 'template_for_dispvms', 'True', r),
        cmd.qubePrefSet('work', 'netvm', '', r),
        cmd.globalPrefGet('default_dispvm', r),
        cmd.globalPrefSet('default_dispvm', 'fedora-ram-dvm', r),
        cmd.qvmClone('fedora-40-xfce', 'fedora-40-xfce-ram', 'ram', r),
        cmd.qvmCreate(
          {
            name: 'save',
            klass: 'AppVM',
            template: 'fedora-40-xfce',
            label: 'black',
            pool: null,
            props: { netvm: '' },
          },
          r,
        ),
        cmd.qvmRemove('save', r),
        cmd.qvmShutdown(['work', 'personal'], r),
      ];
      for (const c of built) expect(() => checkGrammar(TOOLS[c.bin]!, c.args, r)).not.toThrow();
    }
    expect(cmd.qubePrefSet('work', 'netvm', '', '4.2').args).toEqual(['work', 'netvm', 'none']);
    expect(cmd.poolAdd('p', 'file', { dir_path: '/x', revisions_to_keep: '1' }, '4.2').args).toEqual([
      'add',
      'p',
      'file',
      '-o',
      'dir_path=/x',
      '-o',
      'revisions_to_keep=1',
    ]);
  });

  it('rejects what the real parsers reject (each checked in grammar/verdicts-release4.x.json)', () => {
    const bad: [string, string[]][] = [
      ['qvm-pool', ['info', 'vm-pool', 'varlibqubes']], // init_info_parser: one POOL_NAME
      ['qvm-pool', ['info', 'a', 'b', 'c']],
      ['qvm-pool', ['add', 'p']],
      ['qvm-pool', ['set', 'vm-pool', '-x', 'a=b']],
      ['qvm-pool', ['frobnicate', 'vm-pool']],
      ['qvm-pool', ['add', 'p', 'file', '-o']],
      ['qvm-volume', ['config', 'work:root', 'rw']],
      ['qvm-clone', ['-P', 'a', '-p', 'root=b', 'src', 'dst']],
      ['qvm-clone', ['src']],
      ['qvm-create', ['--root-copy-from', 'a', '--root-move-from', 'b', '--label', 'red', 'x']],
      ['qvm-create', ['x']], // main(): --label option is mandatory
      ['qvm-prefs', ['work', 'memory', '400', 'extra']],
      ['qvm-prefs', ['work', '--default', 'netvm']], // argparse consumes PROPERTY/VALUE empty before --default
      ['qubes-prefs', ['a', 'b', 'c']],
      ['qvm-remove', []],
    ];
    for (const r of ['4.2', '4.3'] as const) {
      for (const [tool, args] of bad)
        expect(() => checkGrammar(tool, args, r), `${r}: ${tool} ${args.join(' ')}`).toThrow(GrammarError);
    }
    // Releases differ: --version exists only in 4.3 (so --ver abbreviates --verbose only in 4.2).
    expect(() => checkGrammar('qvm-pool', ['info', '--ver', 'a'], '4.2')).not.toThrow();
    expect(() => checkGrammar('qvm-pool', ['info', '--ver', 'a'], '4.3')).toThrow(/ambiguous option/);
    expect(() => checkGrammar('qvm-volume', ['clear', '-f', 'work:private'], '4.2')).toThrow(
      /invalid choice/,
    );
    expect(() => checkGrammar('qvm-volume', ['clear', '-f', 'work:private'], '4.3')).not.toThrow();
    // Options of QubesArgumentParser are accepted after the subcommand too (its subparsers are QubesArgumentParsers).
    expect(() => checkGrammar('qvm-pool', ['info', '-v', 'vm-pool'], '4.2')).not.toThrow();
    // Legacy qvm-pool options go to qvm_pool_legacy: not a grammar the app may use.
    expect(() => checkGrammar('qvm-pool', ['-l'], '4.2')).toThrow(/legacy/);
  });

  it('refuses names qubesd would refuse, and values argparse would misread', () => {
    expect(() => cmd.volumeConfig('work; rm -rf /', 'root', 'rw', 'False', '4.2')).toThrow(
      /not a valid qube name/,
    );
    expect(() => cmd.qvmRemove('-f', '4.2')).toThrow(/not a valid qube name/);
    expect(() => cmd.qvmClone('fedora', 'fedora.ram', null, '4.2')).toThrow(/not a valid qube name/);
    expect(() => cmd.qvmClone('fedora', 'fedora.ram', null, '4.3')).not.toThrow();
    expect(() => cmd.globalPrefSet('default_dispvm', '--help', '4.2')).toThrow(/refusing/);
    expect(() => cmd.poolAdd('ram pool', 'file', {}, '4.2')).toThrow(/not a valid pool name/);
  });

  it.each(['qubes-4.2', 'qubes-4.3'])(
    'every qvm-* argv a full plan emits on %s parses, and so does its undo',
    async (profile) => {
      const sim = await tempSim(profile);
      const { plan } = await engineFor(sim).plan(everyTask(profile));
      let checked = 0;
      for (const { op } of flattenPlan(plan)) {
        if (op.kind === 'mkdir' || op.kind === 'write') continue;
        const undo = undoCommandOf(op, plan.release);
        for (const argv of [displayArgv(op.command), undo ? displayArgv(undo) : []]) {
          const tool = TOOLS[argv[0] ?? ''];
          if (!tool) continue;
          checkGrammar(tool, argv.slice(1), plan.release);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(6);
    },
  );
});
