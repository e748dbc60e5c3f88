import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WizardChoicesInput } from '../../../shared/choices.js';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import type { Operation, PlannedTask } from '../../../shared/plan.js';
import { initI18n } from '../i18n/index.js';
import { type MeaningInput, reviewMeaning } from './review-meaning.js';

// The renderer's own i18next (plurals included), as the Review screen words them.
let translate: TFunction;
beforeAll(async () => {
  translate = (await initI18n()).t;
});

/** Fixture plans, written by hand: only what the meaning reads (choices, tasks and their operations). */
const cmd = { bin: '/usr/bin/x', args: [], privileged: true };
const write = (path: string): Operation => ({
  kind: 'write',
  path,
  content: '',
  sha256: 'a'.repeat(64),
  mode: 0o644,
  beforeSha256: null,
  diff: '',
  asset: null,
});
const dracut = (kernel: string): Operation => ({
  kind: 'generate',
  command: cmd,
  outputs: [`/boot/initramfs-${kernel}.img`],
  labelKey: 'ops.dracut',
});
const setting = (
  ref: Extract<Operation, { kind: 'setting' }>['ref'],
  from: string,
  to: string,
): Operation => ({
  kind: 'setting',
  ref,
  from,
  to,
  command: cmd,
  labelKey: 'ops.x',
});
const task = (id: PlannedTask['id'], ...operations: Operation[]): PlannedTask => ({ id, operations });

const plan = (choices: WizardChoicesInput, tasks: PlannedTask[], pendingGrub = false): MeaningInput => ({
  choices: WizardChoicesSchema.parse(choices),
  tasks,
  pendingGrub: pendingGrub ? [{ path: '/boot/grub2/grub.cfg', diff: '', stockSha256: 'b'.repeat(64) }] : [],
});

const words = (p: MeaningInput) => {
  const m = reviewMeaning(p);
  const say = (list: readonly { key: string; params: Record<string, string | number | boolean> }[]) =>
    list.map((s) => translate(s.key, s.params));
  return { changes: say(m.changes), stays: say(m.stays), nextBoot: say(m.nextBoot), goBack: say(m.goBack) };
};

const BASE_TASKS = [
  task('dracut-module', write('/usr/lib/dracut/modules.d/90qubes-stateless/module-setup.sh')),
  task('initramfs', dracut('6.6.63'), dracut('6.12.9')),
  task('boot-entries', write('/etc/grub.d/21_qubes_stateless')),
];

describe('the review in plain sentences', () => {
  it('the defaults: zram with its own entry; the normal entry stays the default', () => {
    expect(words(plan({ dom0: { mode: 'zram' } }, BASE_TASKS))).toEqual({
      changes: [
        'The qubes-stateless boot module is installed, and the boot images (initramfs) of 2 kernels are rebuilt with it; backups of the old images are kept.',
        'GRUB\'s menu gains one entry, "Qubes (stateless: zram)".',
      ],
      stays: [
        "The normal boot entry stays in the menu, unchanged, and stays GRUB's default.",
        'Your qubes and their data on disk stay as they are.',
        'Disk swap stays as it is in normal boots.',
        'dom0 keeps running as now until you reboot.',
      ],
      nextBoot: [
        'At the next boot GRUB starts the normal entry, as before; choose "Qubes (stateless: zram)" in its menu for a stateless session.',
        "In a stateless session dom0's root is copied into compressed RAM (zstd) at boot; what dom0 writes is gone at shutdown.",
        'If the root does not fit in RAM at that boot, it boots persistent instead of failing.',
      ],
      goBack: [
        'To go back, open Status & rollback here, or run "qubes-stateless rollback" in dom0: every file and setting returns to how it is now.',
        'If a step fails during Apply, the steps already done are undone at once.',
      ],
    });
  });

  it("a prompt makes the stateless entry GRUB's default, and says the normal entry is still there unchanged", () => {
    const w = words(
      plan({ dom0: { mode: 'overlay', selection: 'prompt', promptTimeoutSec: 15 } }, [
        task('dracut-module', write('/usr/lib/dracut/x')),
        task('initramfs', dracut('6.6.63')),
        task('boot-entries', write('/etc/grub.d/21_qubes_stateless')),
      ]),
    );
    expect(w.changes).toEqual([
      "The qubes-stateless boot module is installed, and the kernel's boot image (initramfs) is rebuilt with it; a backup of the old image is kept.",
      'GRUB\'s menu gains one entry, "Qubes (stateless: overlay)".',
      'That entry becomes GRUB\'s default and asks "Boot to RAM?" at each boot.',
    ]);
    expect(w.stays[0]).toBe(
      'The normal boot entry stays in the menu, unchanged: choose it to boot as today.',
    );
    expect(w.nextBoot.slice(0, 2)).toEqual([
      'At the next boot GRUB starts "Qubes (stateless: overlay)", which asks "Boot to RAM?"; with no answer within 15 seconds it boots persistent.',
      "In a stateless session dom0's root stays on disk, read-only; what dom0 writes lives in RAM and is gone at shutdown.",
    ]);
  });

  it('everything chosen: swap off, the pool with clones, throw-away volatile keys, read-only roots and a vault', () => {
    const w = words(
      plan(
        {
          dom0: { mode: 'tmpfs' },
          swap: 'disable',
          ramPool: { enabled: true },
          templates: [{ template: 'debian-12-xfce' }, { template: 'fedora-41-xfce', cloneName: 'fed' }],
          defaultDispvm: true,
          ephemeralVolatile: true,
          readOnlyRoot: ['work', 'vault'],
          saveVault: { enabled: true, name: 'keep' },
          acceptPendingGrub: true,
        },
        [
          ...BASE_TASKS,
          task(
            'swap',
            write('/etc/fstab'),
            setting({ kind: 'swap-active', device: '/dev/dm-2' }, 'on', 'off'),
          ),
          task('ram-pool', write('/etc/systemd/system/qubes-stateless-session.service')),
          task(
            'ephemeral-volatile',
            setting({ kind: 'pool-option', pool: 'vm-pool', option: 'ephemeral_volatile' }, 'False', 'True'),
          ),
          task(
            'read-only-root',
            setting(
              { kind: 'volume-property', qube: 'work', volume: 'root', property: 'rw' },
              'True',
              'False',
            ),
            setting(
              { kind: 'volume-property', qube: 'vault', volume: 'root', property: 'rw' },
              'True',
              'False',
            ),
          ),
          task('save-vault', setting({ kind: 'qube-exists', qube: 'keep' }, 'absent', 'present')),
        ],
        true,
      ),
    );
    expect(w.changes.slice(2)).toEqual([
      'The waiting /etc/default/grub edit you chose to include takes effect in the normal entries too.',
      'Disk swap (/dev/dm-2) is turned off now and for good: its line in /etc/fstab is commented out.',
      'A session service is installed that, at each stateless boot, makes a RAM pool holding clones of debian-12-xfce, fedora-41-xfce (debian-12-xfce-ram, fed) and their disposable templates.',
      'The volatile volumes of vm-pool get a throw-away key, in every boot.',
      'The root volumes of 2 qubes (work, vault) become read-only, in every boot.',
      'A new qube without network, keep, is created to keep files from stateless sessions.',
    ]);
    expect(w.stays).toEqual([
      "The normal boot entry stays in the menu, unchanged, and stays GRUB's default.",
      "Your qubes' data on disk stays as it is; only the volume settings above change.",
      'dom0 keeps running as now until you reboot.',
    ]);
    expect(w.nextBoot).toContain(
      "In a stateless session dom0's root is copied into RAM at boot; what dom0 writes is gone at shutdown.",
    );
    expect(w.nextBoot).toContain(
      'In stateless sessions new disposables start from debian-12-xfce-ram-dvm, in RAM.',
    );
    expect(w.goBack).toContain('Rolling back also removes the save vault keep, with any files in it.');
  });

  it('a forum install to migrate: its conf, its 40_custom entries and its unit, and the way back', () => {
    // The operations `plan` gives on `sim init --forum ramlovingpenguin` (core/tasks/registry/forum-migration.ts).
    const w = words(
      plan({ dom0: { mode: 'zram' } }, [
        task(
          'forum-migration',
          write('/etc/dracut.conf.d/91-qubes-stateless-forum.conf'),
          write('/etc/grub.d/40_custom'),
          setting({ kind: 'unit-enabled', unit: 'rw.service' }, 'enabled', 'disabled'),
        ),
        ...BASE_TASKS,
      ]),
    );
    expect(w.changes).toEqual([
      'The qubes-stateless boot module is installed, and the boot images (initramfs) of 2 kernels are rebuilt with it; backups of the old images are kept.',
      'GRUB\'s menu gains one entry, "Qubes (stateless: zram)".',
      "A dracut configuration of ours (/etc/dracut.conf.d/91-qubes-stateless-forum.conf) leaves the forum recipe's boot modules out of every boot image (initramfs) built from now on.",
      "The forum recipe's own entries are taken out of /etc/grub.d/40_custom, so GRUB's menu no longer offers them.",
      "The forum recipe's boot-time unit rw.service is disabled.",
    ]);
    expect(w.goBack).toEqual([
      'To go back, open Status & rollback here, or run "qubes-stateless rollback" in dom0: every file and setting returns to how it is now.',
      'If a step fails during Apply, the steps already done are undone at once.',
      "Rolling back also undoes the migration: the forum recipe's install comes back as it is now.",
    ]);
  });

  it('a forum install with only modules to omit says only that (and without the migration, nothing of it)', () => {
    const only = words(
      plan({ dom0: { mode: 'zram' } }, [
        task('forum-migration', write('/etc/dracut.conf.d/91-qubes-stateless-forum.conf')),
        ...BASE_TASKS,
      ]),
    );
    expect(only.changes.filter((s) => s.includes('forum'))).toEqual([
      "A dracut configuration of ours (/etc/dracut.conf.d/91-qubes-stateless-forum.conf) leaves the forum recipe's boot modules out of every boot image (initramfs) built from now on.",
    ]);
    const none = words(plan({ dom0: { mode: 'zram' } }, [task('forum-migration'), ...BASE_TASKS]));
    expect([...none.changes, ...none.goBack].filter((s) => s.includes('forum'))).toEqual([]);
  });

  it('says only what the plan does: a chosen task with nothing left to do is not announced', () => {
    // The choices ask for swap off and a vault, but this machine already has both: their tasks are empty.
    const w = words(
      plan({ dom0: { mode: 'zram' }, swap: 'disable', saveVault: { enabled: true, name: 'keep' } }, [
        task('dracut-module'),
        task('initramfs'),
        task('boot-entries', write('/etc/grub.d/21_qubes_stateless')),
        task('swap'),
        task('save-vault'),
        task(
          'read-only-root',
          setting({ kind: 'volume-property', qube: 'work', volume: 'root', property: 'rw' }, 'True', 'False'),
        ),
      ]),
    );
    expect(w.changes).toEqual([
      'GRUB\'s menu gains one entry, "Qubes (stateless: zram)".',
      'The root volume of work becomes read-only, in every boot.',
    ]);
    expect(w.goBack).not.toContain('Rolling back also removes the save vault keep, with any files in it.');
    expect(w.stays).not.toContain('Disk swap stays as it is in normal boots.');
  });
});
