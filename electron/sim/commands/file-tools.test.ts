import { execFile } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../../core/system/binaries.js';
import { tempSim } from '../../testing/temp-sim.js';

/**
 * The simulator's stat/find/cat/sha256sum against the real coreutils/findutils of this machine, run on the
 * same files (the simulated tree on the host) with the same argv: output and messages must be the same.
 */
const real = async (
  bin: string,
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, args, {
      env: { LC_ALL: 'C' },
      encoding: 'latin1',
    });
    return { exitCode: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { exitCode: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const isRoot = process.getuid?.() === 0;

describe('simulated file tools match the real ones', () => {
  it('on files, directories, links, odd names and missing paths', async () => {
    const sim = await tempSim();
    await writeFile(sim.tree.hostPath('/etc/grub.d/odd\nname'), 'x');
    await writeFile(sim.tree.hostPath('/etc/back\\slash'), 'y');
    await symlink('../boot/grub2/grub.cfg', sim.tree.hostPath('/etc/grub2.cfg'));
    const host = (p: string) => sim.tree.hostPath(p);
    const unhost = (s: string) => s.split(sim.tree.root).join('');
    const cases: [string, (p: string) => string[], string[]][] = [
      [
        BIN.stat,
        (p) => ['--format=%f %s %u %g', '--', p],
        ['/etc/fstab', '/etc/grub.d', '/etc/grub2.cfg', '/etc/nothing', '/etc/fstab/below'],
      ],
      [BIN.cat, (p) => ['--', p], ['/etc/fstab', '/etc/grub2.cfg', '/etc/nothing', '/etc/grub.d']],
      [
        BIN.sha256sum,
        (p) => ['--', p],
        ['/boot/grub2/grub.cfg', '/etc/grub2.cfg', '/etc/back\\slash', '/etc/nothing'],
      ],
      [
        BIN.find,
        (p) => ['-H', p, '-maxdepth', '1', '-printf', '%y%P\\0'],
        ['/etc/grub.d', '/etc/nothing', '/etc/fstab'],
      ],
    ];
    let compared = 0;
    for (const [bin, argv, paths] of cases) {
      for (const p of paths) {
        const r = await real(bin, argv(host(p)));
        const s = await sim.run({ bin, args: argv(p), privileged: true, expectExit: [0, 1] });
        const label = `${bin} ${p}`;
        expect(s.exitCode, label).toBe(r.exitCode);
        expect(s.stderr, label).toBe(unhost(r.stderr));
        // Entries come in directory order from the real find; owners are the host's when not run as root.
        const norm = (out: string) =>
          bin === BIN.find
            ? out.split('\0').sort()
            : bin === BIN.stat && !isRoot
              ? out.replace(/ \d+ \d+\n$/, '')
              : out;
        expect(norm(Buffer.from(s.stdout, 'utf8').toString('latin1')), label).toEqual(norm(unhost(r.stdout)));
        compared++;
      }
    }
    expect(compared).toBe(16);
  });
});
