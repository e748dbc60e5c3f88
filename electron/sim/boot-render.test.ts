import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../core/system/binaries.js';
import { REPO, engineFor, everyTask } from '../testing/engine-fixture.js';
import { tempDir, tempSim } from '../testing/temp-sim.js';
import { STOCK_00_HEADER, STOCK_20_LINUX_XEN } from './profiles/grub-d.js';
import { stockXenSection } from '../core/tasks/verify.js';

const section = (cfg: string, name: string): string =>
  new RegExp(`### BEGIN /etc/grub.d/${name} ###\\n([\\s\\S]*?)### END /etc/grub.d/${name} ###`).exec(
    cfg,
  )?.[1] ?? '';
const mkconfig = async (sim: Awaited<ReturnType<typeof tempSim>>) =>
  sim.run({ bin: BIN.grub2Mkconfig, args: [], privileged: true });

describe("the simulator's grub2-mkconfig runs the tree's /etc/grub.d scripts", () => {
  it('runs the installed 21_qubes_stateless itself: its bytes are the asset, and an edit to it shows in the menu', async () => {
    const sim = await tempSim();
    await engineFor(sim).apply(everyTask());
    const asset = await readFile(path.join(REPO, 'assets/grub.d/21_qubes_stateless'));
    expect((await sim.tree.read('/etc/grub.d/21_qubes_stateless')).equals(asset)).toBe(true);
    const cfg = await sim.readText('/boot/grub2/grub.cfg');
    expect(section(cfg, '21_qubes_stateless')).toContain(
      "menuentry 'Qubes (stateless: zram), with Xen hypervisor'",
    );
    // The script keeps the stock entry's lines and appends our words: the stock section is untouched.
    expect(section(cfg, '21_qubes_stateless')).toMatch(
      /placeholder root=\/dev\/mapper\/qubes_dom0-root ro .*rd\.qubes\.hide_all_usb rd\.qubes\.stateless=zram /,
    );
    expect(section(cfg, '21_qubes_stateless')).toMatch(
      /dom0_mem=max:4096M .*dom0_mem=max:\d+M \$\{xen_rm_opts\}/,
    );

    // Whatever the tree's script prints is what grub2-mkconfig emits: no JavaScript copy stands in for it.
    await sim.tree.writeAtomic(
      '/etc/grub.d/21_qubes_stateless',
      `${asset.toString().replace(/^qs_main$/m, 'echo "# edited in the tree"\nqs_main')}`,
      { mode: 0o755 },
    );
    expect(section((await mkconfig(sim)).stdout, '21_qubes_stateless')).toMatch(
      /^# edited in the tree\nmenuentry 'Qubes \(stateless: zram\)/,
    );
  });

  it("follows the script's own rules: an invalid grub.conf gives its warning and no entries, never a broken config", async () => {
    const sim = await tempSim('qubes-4.3');
    await engineFor(sim).apply(everyTask('qubes-4.3'));
    await sim.tree.writeAtomic(
      '/etc/qubes-stateless/grub.conf',
      'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12"\n',
    );
    const r = await mkconfig(sim);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("21_qubes_stateless: warning: QS_DOM0_MEM_MAX_MIB='12' is not a size in MiB");
    expect(section(r.stdout, '21_qubes_stateless')).toBe('');
    expect(stockXenSection(r.stdout)).toContain("menuentry 'Qubes, with Xen hypervisor'");
  });

  it('prints to stdout without -o and writes nothing; with -o it refuses a config that fails the syntax check', async () => {
    const sim = await tempSim();
    const before = await sim.readText('/boot/grub2/grub.cfg');
    const r = await mkconfig(sim);
    expect(r.stdout).toBe(before);
    // A stock script that prints a broken block: grub-script-check rejects it and grub.cfg keeps its bytes.
    await sim.tree.writeAtomic('/etc/grub.d/41_custom', '#!/bin/sh\necho "menuentry broken {"\n', {
      mode: 0o755,
    });
    await expect(
      sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', '/boot/grub2/grub.cfg'], privileged: true }),
    ).rejects.toThrow(/Syntax errors/);
    expect(await sim.readText('/boot/grub2/grub.cfg')).toBe(before);
  });

  it('lists only CONFIG_XEN_DOM0 kernels, newest first, in the stock stand-in', async () => {
    const sim = await tempSim();
    await sim.tree.writeAtomic('/boot/vmlinuz-6.9.1-1.qubes.fc37.x86_64', 'k');
    await sim.tree.writeAtomic('/boot/config-6.9.1-1.qubes.fc37.x86_64', '# CONFIG_XEN_DOM0 is not set\n');
    await sim.tree.writeAtomic('/boot/vmlinuz-6.10.2-1.qubes.fc37.x86_64', 'k');
    await sim.tree.writeAtomic('/boot/config-6.10.2-1.qubes.fc37.x86_64', 'CONFIG_XEN_DOM0=y\n');
    const stock = stockXenSection((await mkconfig(sim)).stdout) ?? '';
    expect([...stock.matchAll(/menuentry '([^']+)'/g)].map((m) => m[1])).toEqual([
      'Qubes, with Xen hypervisor',
      'Qubes, with Xen 4.17.5 and Linux 6.10.2-1.qubes.fc37.x86_64',
      'Qubes, with Xen 4.17.5 and Linux 6.6.63-1.qubes.fc37.x86_64',
      'Qubes, with Xen 4.17.5 and Linux 6.6.48-1.qubes.fc37.x86_64',
    ]);
  });

  it('has stock stand-ins that pass shellcheck as POSIX sh', async () => {
    const dir = await tempDir();
    for (const [name, text] of [
      ['20_linux_xen', STOCK_20_LINUX_XEN],
      ['00_header', STOCK_00_HEADER],
    ] as const) {
      await writeFile(path.join(dir, name), text);
      const r = spawnSync('shellcheck', ['-s', 'sh', path.join(dir, name)], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    }
  });
});
