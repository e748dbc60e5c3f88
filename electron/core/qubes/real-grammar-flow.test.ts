import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeFacts } from '../probes/probe-facts.js';
import { bootSim } from '../../sim/sim-boot.js';
import { BIN } from '../system/binaries.js';
import { engineFor, everyTask } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';
import { GRAMMAR_TOOLS, checkGrammar } from './admin-grammar.js';

/** A qubes-core-admin-client tool, by the program name the app runs (qubes-stateless itself is ours, not theirs). */
const isAdminClientTool = (bin: string) =>
  /^\/usr\/bin\/(qvm-|qubes-)/.test(bin) && !/^\/usr\/bin\/qubes-stateless/.test(bin);

describe.each(['qubes-4.2', 'qubes-4.3'])(
  'every qvm-*/qubes-* command line of the whole flow on %s parses under the real grammar',
  (profile) => {
    it('status, plan, apply with each mode and choice, a stateless boot with the session start, rollback', async () => {
      const sim = await tempSim(profile);
      const release = sim.snapshotState().release;
      const choiceSets = [
        everyTask(profile),
        { dom0: { mode: 'overlay' as const, selection: 'entry' as const }, swap: 'stateless-only' as const },
        {
          dom0: { mode: 'tmpfs' as const, selection: 'prompt' as const, promptTimeoutSec: 5 },
          ramPool: { enabled: true, sizeMiB: 8192 },
          templates: [{ template: profile === 'qubes-4.3' ? 'fedora-42-xfce' : 'fedora-40-xfce' }],
        },
      ];
      for (const choices of choiceSets) {
        await probeFacts(sim); // status
        await engineFor(sim).plan(choices);
        await engineFor(sim).apply(choices);
        await bootSim(sim, 'normal');
        const boot = await bootSim(sim, 'stateless');
        expect(boot.result).toBe('active');
        if (boot.session) expect(boot.session.problems).toEqual([]);
        await probeFacts(sim);
        await bootSim(sim, 'normal');
        await engineFor(sim).rollback({});
      }
      const log = await sim.commandLog();
      const program = (argv: readonly string[]) =>
        argv[0] === BIN.sudo ? argv.slice(argv.indexOf('--') + 1) : argv;
      const admin = log.map((c) => program(c.argv)).filter((argv) => isAdminClientTool(argv[0]!));
      for (const [bin, ...args] of admin) {
        const tool = path.basename(bin!);
        // A tool the app runs without a recorded grammar fails here.
        expect(GRAMMAR_TOOLS, `${bin} has no recorded grammar`).toContain(tool);
        expect(() => checkGrammar(tool, args, release), `${tool} ${args.join(' ')}`).not.toThrow();
      }
      // Every tool ran, and no command the simulator refused as argparse would (exit 2).
      expect(new Set(admin.map((a) => path.basename(a[0]!)))).toEqual(
        new Set([
          'qvm-ls',
          'qvm-volume',
          'qvm-prefs',
          'qubes-prefs',
          'qvm-pool',
          'qvm-clone',
          'qvm-create',
          'qvm-remove',
        ]),
      );
      expect(log.filter((c) => isAdminClientTool(program(c.argv)[0]!) && c.exitCode === 2)).toEqual([]);
      // One pool per `qvm-pool info` (qvm_pool.py init_info_parser).
      expect(admin.filter((a) => a[1] === 'info' && a[0] === BIN.qvmPool).every((a) => a.length === 3)).toBe(
        true,
      );
    }, 120_000);

    it('the simulator refuses what the real parser refuses: exit 2, argparse usage and message on stderr', async () => {
      const sim = await tempSim(profile);
      const r = await sim.run({
        bin: BIN.qvmPool,
        args: ['info', 'vm-pool', 'varlibqubes', 'linux-kernel'],
        expectExit: [2],
      });
      expect(r.stderr).toMatch(/^usage: qvm-pool \[--verbose\] \[--quiet\] \[--help\]/);
      expect(r.stderr.trimEnd().split('\n').pop()).toBe(
        'qvm-pool: error: unrecognized arguments: varlibqubes linux-kernel',
      );
      const ok = await sim.run({ bin: BIN.qvmPool, args: ['info', '-v', 'vm-pool'] });
      expect(ok.stdout).toMatch(/^name\s+vm-pool$/m);
      const prefs = await sim.run({
        bin: BIN.qvmPrefs,
        args: ['work', '--default', 'netvm'],
        expectExit: [2],
      });
      expect(prefs.stderr.trimEnd().split('\n').pop()).toBe(
        'qvm-prefs: error: unrecognized arguments: netvm',
      );
      expect((await sim.commandLog()).map((c) => c.exitCode)).toEqual([2, 0, 2]);
    });
  },
);
