import { describe, expect, it } from 'vitest';
import type { ForumInstall } from '../../../shared/forum-install.js';
import { simDigest } from '../../testing/sim-digest.js';
import { tempSim } from '../../testing/temp-sim.js';
import { probeFacts } from './probe-facts.js';
import {
  commentedSwapLines,
  customEntries,
  deletedSwapLines,
  dracutModuleName,
  forumModule,
  readOnlyQubesOfUnit,
  withoutEntries,
} from './forum-recipes.js';

/** What each recipe leaves is found, with its planned fate; detection changes nothing. */

const summary = (f: ForumInstall | null | undefined) =>
  f
    ? {
        family: f.family,
        leftovers: f.leftovers.map((l) => `${l.kind} ${l.path} [${l.detail}] ${l.fate}`),
        problems: f.problems.map((p) => p.key),
      }
    : f;

describe('forum install detection on the simulated profiles', () => {
  it('finds nothing on a stock dom0', async () => {
    expect((await probeFacts(await tempSim('qubes-4.3'))).forumInstall).toBeNull();
  });

  it("xuy's Qubes in tmpfs", async () => {
    const sim = await tempSim('qubes-4.2', 'xuy');
    const start = await simDigest(sim);
    expect(summary((await probeFacts(sim)).forumInstall)).toEqual({
      family: 'xuy',
      leftovers: [
        'dracut-module /usr/lib/dracut/modules.d/01ramboot [ramboot] disabled',
        'dracut-conf /etc/dracut.conf.d/ramboot.conf [ramboot] disabled',
        'grub-entry /etc/grub.d/40_custom [Qubes in tmpfs] removed',
        'dom0-mem /etc/default/grub [dom0_mem=max:12288M] kept',
        'fstab-swap /etc/fstab [/dev/mapper/qubes_dom0-swap] kept',
      ],
      problems: [],
    });
    expect(await simDigest(sim)).toBe(start);
  });

  it("leandroibov's ephemeral.sh (on 4.3)", async () => {
    const sim = await tempSim('qubes-4.3', 'leandroibov');
    const found = (await probeFacts(sim)).forumInstall;
    expect(summary(found)).toEqual({
      family: 'leandroibov',
      leftovers: [
        'dracut-module /usr/lib/dracut/modules.d/01ramboot [ramboot] disabled',
        'dracut-conf /etc/dracut.conf.d/ramboot.conf [ramboot] disabled',
        'dom0-mem /etc/default/grub [dom0_mem=max:10240M] kept',
        'fstab-swap /etc/fstab [/dev/mapper/qubes_dom0-swap] kept',
        'backup-file /etc/default/grub.bak [] kept',
        'backup-file /etc/fstab.bak [] kept',
      ],
      problems: [],
    });
    expect(found!.leftovers.find((l) => l.kind === 'dom0-mem')!.reason).toEqual({
      key: 'forum.reason.normalEntryBak',
      params: { bak: '/etc/default/grub.bak' },
    });
  });

  it("RamLovingPenguin's live modes", async () => {
    const sim = await tempSim('qubes-4.2', 'ramlovingpenguin');
    expect(summary((await probeFacts(sim)).forumInstall)).toEqual({
      family: 'ramlovingpenguin',
      leftovers: [
        'dracut-module /usr/lib/dracut/modules.d/90livemode [livemode] disabled',
        'dracut-conf /etc/dracut.conf.d/livemode.conf [livemode] disabled',
        'grub-entry /etc/grub.d/40_custom [Qubes live mode (zram)] removed',
        'grub-entry /etc/grub.d/40_custom [Qubes live mode (tmpfs)] removed',
        'systemd-unit /etc/systemd/system/rw.service [work untrusted] disabled',
        'ram-pool /var/lib/qubes/rampool [rampool] kept',
        'pool-option pool:vm-pool [ephemeral_volatile=True] kept',
      ],
      problems: [],
    });
  });

  it('partial and malformed leftovers are named, and a 40_custom it cannot parse is kept as it is', async () => {
    const sim = await tempSim('qubes-4.2', 'leandroibov');
    await sim.removeFile('/usr/lib/dracut/modules.d/01ramboot/tmpfs.sh');
    const custom = await sim.readText('/etc/grub.d/40_custom');
    await sim.writeFileAtomic(
      '/etc/grub.d/40_custom',
      `${custom}menuentry 'Qubes in tmpfs' {\n\tmultiboot2 /xen.gz placeholder\n\tmodule2 /vmlinuz ramboot\n`,
    );
    const start = await simDigest(sim);
    const found = (await probeFacts(sim)).forumInstall!;
    expect(found.problems).toEqual([
      {
        key: 'forum.problem.moduleIncomplete',
        params: { path: '/usr/lib/dracut/modules.d/01ramboot', missing: 'tmpfs.sh' },
      },
      {
        key: 'forum.problem.customUnbalanced',
        params: { path: '/etc/grub.d/40_custom', title: 'Qubes in tmpfs' },
      },
    ]);
    expect(found.leftovers.filter((l) => l.kind === 'grub-entry')).toEqual([]);
    expect(await simDigest(sim)).toBe(start);
  });

  it("the recipe's conf edited to add no module of it: named, and not listed as overruled (nothing overrules it)", async () => {
    const sim = await tempSim('qubes-4.2', 'xuy');
    await sim.writeFileAtomic('/etc/dracut.conf.d/ramboot.conf', 'add_drivers+=" zram "\n');
    const found = (await probeFacts(sim)).forumInstall!;
    expect(found.problems).toEqual([
      { key: 'forum.problem.confWithoutModule', params: { path: '/etc/dracut.conf.d/ramboot.conf' } },
    ]);
    expect(found.leftovers.map((l) => l.kind)).toEqual([
      'dracut-module',
      'grub-entry',
      'dom0-mem',
      'fstab-swap',
    ]);
  });

  it('a conf that adds the module without the module installed: named, and omitted too', async () => {
    const sim = await tempSim('qubes-4.2', 'xuy');
    for (const f of ['module-setup.sh', 'ramboot.sh'])
      await sim.removeFile(`/usr/lib/dracut/modules.d/01ramboot/${f}`);
    await sim.removeDir('/usr/lib/dracut/modules.d/01ramboot');
    const found = (await probeFacts(sim)).forumInstall!;
    expect(found.problems).toEqual([
      {
        key: 'forum.problem.moduleMissing',
        params: { path: '/etc/dracut.conf.d/ramboot.conf', module: 'ramboot' },
      },
    ]);
    expect(found.leftovers.map((l) => l.kind)).toEqual([
      'dracut-conf',
      'grub-entry',
      'dom0-mem',
      'fstab-swap',
    ]);
  });
});

it("xuy's variant with the word on the normal entry: named and kept (the normal entry is never changed)", async () => {
  const sim = await tempSim('qubes-4.2', 'xuy');
  const grub = await sim.readText('/etc/default/grub');
  await sim.writeFileAtomic('/etc/default/grub', `${grub}GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX ramboot"\n`);
  const found = (await probeFacts(sim)).forumInstall!;
  expect(found.leftovers.filter((l) => l.kind === 'grub-cmdline')).toEqual([
    {
      kind: 'grub-cmdline',
      path: '/etc/default/grub',
      detail: 'ramboot',
      fate: 'kept',
      reason: { key: 'forum.reason.normalEntryInert', params: {} },
    },
  ]);
});

it('a Xen line decided by shell logic is named as not known, not read as empty', async () => {
  const sim = await tempSim('qubes-4.2', 'xuy');
  const grub = await sim.readText('/etc/default/grub');
  expect(grub.endsWith('\n')).toBe(true);
  await sim.writeFileAtomic(
    '/etc/default/grub',
    `${grub}[ -e /etc/ram ] && GRUB_CMDLINE_XEN_DEFAULT="$GRUB_CMDLINE_XEN_DEFAULT dom0_mem=max:20G"\n`,
  );
  const found = (await probeFacts(sim)).forumInstall!;
  expect(found.problems).toEqual([
    {
      key: 'forum.problem.grubShellLogic',
      params: { path: '/etc/default/grub', name: 'GRUB_CMDLINE_XEN_DEFAULT', line: grub.split('\n').length },
    },
  ]);
  expect(found.leftovers.filter((l) => l.kind === 'dom0-mem')).toEqual([]);
});

describe("the recipe's raised dom0_mem, read as Xen reads it", () => {
  const dom0Mem = async (xenLine: string) => {
    const sim = await tempSim('qubes-4.2', 'xuy');
    const grub = await sim.readText('/etc/default/grub');
    await sim.writeFileAtomic('/etc/default/grub', grub.replace('dom0_mem=max:12288M', xenLine));
    return (await probeFacts(sim))
      .forumInstall!.leftovers.filter((l) => l.kind === 'dom0-mem')
      .map((l) => l.detail);
  };

  it('a size without a unit is KiB (parse_size_and_unit), not bytes', async () => {
    expect(await dom0Mem('dom0_mem=max:12582912')).toEqual(['dom0_mem=max:12288M']);
  });

  it('relative sizes are taken from host memory (32614 MiB on this profile)', async () => {
    expect(await dom0Mem('dom0_mem=max:50%')).toEqual(['dom0_mem=max:16307M']);
    expect(await dom0Mem('dom0_mem=max:-8G')).toEqual(['dom0_mem=max:24422M']);
    // At the installer's 4096 MiB or below, nothing was raised.
    expect(await dom0Mem('dom0_mem=max:4194304')).toEqual([]);
  });
});

describe('forum recipe parsers', () => {
  it("names dracut modules as dracut does, and knows only the recipes' own", () => {
    expect(dracutModuleName('01ramboot')).toBe('ramboot');
    expect(dracutModuleName('ramboot')).toBeNull();
    expect(forumModule('ramboot')?.family).toBe('xuy');
    expect(forumModule('constructor')).toBeUndefined();
    expect(forumModule('crypt')).toBeUndefined();
  });

  it('finds the Xen entries a recipe pasted into 40_custom, and removes exactly them', () => {
    const head = '#!/usr/bin/sh\nexec tail -n +3 $0\n';
    const mine = "menuentry 'My Windows' {\n\tchainloader +1\n}\n";
    const forum =
      "menuentry 'Qubes live mode' --class xen {\n\tmultiboot2 /xen.gz placeholder\n\tmodule2 /vmlinuz root=x livemode=zram\n\tif true; then\n\t\techo\n\tfi\n}\n";
    const text = `${head}${mine}\n${forum}`;
    const { entries, unbalanced } = customEntries(text);
    expect(unbalanced).toBeNull();
    expect(entries.map((e) => [e.title, e.start, e.end, e.words])).toEqual([
      ['Qubes live mode', 6, 12, ['livemode']],
    ]);
    expect(withoutEntries(text, entries)).toBe(`${head}${mine}`);
  });

  it("leaves a user's own Xen entry whose title only contains the letters of a RAM word (olive, deliver)", () => {
    const own =
      "menuentry 'Qubes, olive theme (deliverable)' --class xen {\n\tmultiboot2 /xen.gz\n\tmodule2 /vmlinuz root=x\n}\n";
    expect(customEntries(`#!/usr/bin/sh\nexec tail -n +3 $0\n${own}`).entries).toEqual([]);
  });

  it("keeps a user's own RAM-titled Xen entry that carries no recipe word, beside the recipe's", () => {
    const head = '#!/usr/bin/sh\nexec tail -n +3 $0\n';
    const own =
      "menuentry 'Qubes RAM test (tmpfs, live)' --class xen {\n\tmultiboot2 /xen.gz dom0_mem=max:8G\n\tmodule2 /vmlinuz root=x rd.live.ram=1 memtest=4\n}\n";
    const forum =
      "menuentry 'Qubes in tmpfs' --class xen {\n\tmultiboot2 /xen.gz placeholder\n\tmodule2 /vmlinuz root=x ramboot\n}\n";
    const text = `${head}${own}\n${forum}`;
    const { entries } = customEntries(text);
    expect(entries.map((e) => e.title)).toEqual(['Qubes in tmpfs']);
    expect(withoutEntries(text, entries)).toBe(`${head}${own}`);
  });

  it('tells hand-commented and deleted swap lines from ours', () => {
    expect(
      commentedSwapLines(
        '#/dev/mapper/qubes_dom0-swap none swap defaults 0 0\n#qubes-stateless: swap disabled# /dev/x none swap defaults 0 0\n',
      ),
    ).toEqual(['#/dev/mapper/qubes_dom0-swap none swap defaults 0 0']);
    expect(
      deletedSwapLines(
        '/dev/a / ext4 defaults 1 1\n/dev/s none swap defaults 0 0\n',
        '/dev/a / ext4 defaults 1 1\n',
      ),
    ).toEqual(['/dev/s']);
  });

  it('reads the qubes a read-only-root unit sets', () => {
    expect(
      readOnlyQubesOfUnit(
        'ExecStart=/usr/bin/qvm-volume config work:root rw False\nExecStart=/usr/bin/true\n',
      ),
    ).toEqual(['work']);
    expect(readOnlyQubesOfUnit('ExecStart=/usr/bin/qvm-volume config work:private rw False\n')).toEqual([]);
  });
});
