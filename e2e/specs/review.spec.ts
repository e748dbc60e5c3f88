import { expect, test } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { ChoosePage } from '../pages/choose-page.js';
import { ExtrasPage } from '../pages/extras-page.js';
import { closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { ModePage } from '../pages/mode-page.js';
import { RamPage } from '../pages/ram-page.js';
import { ReviewPage } from '../pages/review-page.js';
import { ApplyPage } from '../pages/run-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

test('a qube that started after it was chosen blocks the review: the failing precondition is named, apart from the warnings, and Apply is disabled', async ({
  page,
}) => {
  session = await openRenderer(page);
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'choose');
  await new ChoosePage(page).openMoreOptions();
  await new ExtrasPage(page).readOnlyRoot('work').check();
  await new ExtrasPage(page).readOnlyRoot('debian-12-xfce').check();
  // Someone starts "work" while the wizard is open: the review reads the machine again.
  await session.sim.updateState((s) => {
    s.qubes.find((q) => q.name === 'work')!.state = 'Running';
  });
  await wizard.walk('choose', 'review');
  const review = new ReviewPage(page);
  await expect(review.precondition('qubes-halted')).toHaveAttribute('data-ok', 'false');
  await expect(review.precondition('qubes-halted')).toContainText('Shut down first: work.');
  await expect(review.precondition('persistent-boot')).toHaveAttribute('data-ok', 'true');
  // Named at the top and beside Apply, in its own words: no count of "precondition(s)".
  await expect(review.blockedList.getByRole('listitem')).toHaveText(['Shut down first: work.']);
  await expect(review.applyButton).toBeDisabled();
  await expect(review.applyBlocked).toContainText(
    'Apply is unavailable until this precondition passes: Shut down first: work.',
  );
  await expect(page.getByText('precondition(s)')).toHaveCount(0);
  // The read-only template's warning is listed under Warnings, not under Preconditions, and blocks nothing.
  await expect(review.warnings).toContainText(
    'debian-12-xfce is a template: with a read-only root it cannot be updated.',
  );
  await expect(review.preconditions).not.toContainText('cannot be updated');
  await expect(review.blockedList).not.toContainText('cannot be updated');
  // Back and Apply stay in view at the foot of the window, however long the page.
  await expect(review.actions).toBeInViewport();
  await expect(review.actions).toHaveCSS('position', 'sticky');
  await screenshot(page, 'review-blocked');
  await expectAccessible(page);
  expect(session.calls).not.toContain('plan:apply');
});

test('a dom0 without room on its root for the backups: the Review names that precondition and Apply stays disabled', async ({
  page,
}) => {
  session = await openRenderer(page, {
    setup: (sim) =>
      sim.updateState((s) => {
        const root = s.mounts.find((m) => m.target === '/')!;
        root.baseUsedBytes = root.sizeBytes - 20 * 1024 * 1024;
      }),
  });
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'review');
  const review = new ReviewPage(page);
  await expect(review.precondition('backup-space')).toHaveAttribute('data-ok', 'false');
  await expect(review.blockedList.getByRole('listitem')).toHaveText([
    /^Only \d+ MiB free on the root for the backups; \d+ MiB are needed\.$/,
  ]);
  await expect(review.applyBlocked).toContainText('Only');
  await expect(review.applyBlocked).toContainText('free on the root for the backups');
  await expect(review.applyButton).toBeDisabled();
  await expectAccessible(page);
  expect(session.calls).not.toContain('plan:apply');
});

test('a machine that changed after review is not touched: back to a fresh review that says why', async ({
  page,
}) => {
  session = await openRenderer(page);
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'review');
  const review = new ReviewPage(page);
  await expect(review.write('/etc/qubes-stateless/grub.conf')).toContainText('new');
  // A file the plan writes appears behind the reviewer's back.
  await session.sim.makeDir('/etc/qubes-stateless');
  await session.sim.writeFileAtomic('/etc/qubes-stateless/grub.conf', '# written by someone else\n');
  await review.apply();
  await wizard.expectOn(review.title);
  await expect(review.driftNotice).toContainText(
    'changed since you reviewed the plan, so nothing was applied',
  );
  await expect(review.write('/etc/qubes-stateless/grub.conf')).toContainText('replaced');
  const diff = await review.openDiff('/etc/qubes-stateless/grub.conf');
  await expect(diff).toContainText('-# written by someone else');
  await expectAccessible(page);
  expect(await session.sim.readText('/etc/qubes-stateless/grub.conf')).toBe('# written by someone else\n');
  // The fresh plan applies.
  await review.apply();
  const apply = new ApplyPage(page);
  // dracut and the grub.d scripts run: longer than the default 5 s on a busy machine.
  await expect(apply.success).toBeVisible({ timeout: 60_000 });
  await expect(review.driftNotice).toHaveCount(0);
});

test('a command that fails during apply: the error in words, and every change already undone', async ({
  page,
}) => {
  session = await openRenderer(page, {
    setup: (sim) =>
      sim.updateState((s) => {
        // The plan previews the menu with `grub2-mkconfig` alone; apply writes it with -o.
        s.failures.push({
          argvPrefix: ['/usr/sbin/grub2-mkconfig', '-o'],
          exitCode: 1,
          stderr: 'grub2-mkconfig: error: out of memory',
          times: 1,
        });
      }),
  });
  const start = await simDigest(session.sim);
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'review');
  const review = new ReviewPage(page);
  await review.apply();
  const apply = new ApplyPage(page);
  await wizard.expectOn(apply.title);
  await expect(apply.error).toHaveAttribute('data-code', 'command-failed');
  await expect(apply.error).toContainText('grub2-mkconfig: error: out of memory');
  await expect(apply.failed).toContainText('every change this apply had made has already been undone');
  await expect(apply.steps.filter({ hasText: 'Regenerate the GRUB menu' }).first()).toHaveAttribute(
    'data-outcome',
    'fail',
  );
  await expect(apply.steps.filter({ hasText: 'Undo: Regenerate the GRUB menu' })).toHaveAttribute(
    'data-outcome',
    'undone',
  );
  await expect(apply.steps.filter({ hasText: 'Undo: Write file' }).first()).toHaveAttribute(
    'data-outcome',
    'undone',
  );
  await expect(apply.current).toContainText('Stopped at step');
  await screenshot(page, 'apply-failed');
  await expectAccessible(page);
  expect(await simDigest(session.sim)).toBe(start);
  await page.getByRole('button', { name: 'Back to the review' }).click();
  await wizard.expectOn(review.title);
});

test('4.3: overlay with its own entry; zram swap stays; the review is made for 4.3', async ({ page }) => {
  session = await openRenderer(page, { profile: 'qubes-4.3' });
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toHaveText('Qubes release 4.3.0 (R4.3)');
  await wizard.continue();
  const mode = new ModePage(page);
  await wizard.expectOn(mode.title);
  await mode.mode('overlay').check();
  await expect(mode.compressors).toBeHidden();
  await new ChoosePage(page).openMoreOptions();
  const ram = new RamPage(page);
  await expect(ram.warnings).toContainText('the compressed zram swap (/dev/zram0');
  await expect(ram.warnings).toContainText('Overlay keeps reading the disk root');
  await expect(ram.segment('rootAtBoot')).toHaveCount(0);
  await wizard.walk('choose', 'review');
  const review = new ReviewPage(page);
  await expect(review.summary).toContainText('Qubes 4.3, overlay root');
  await expect(review.meaning('nextBoot')).toContainText("dom0's root stays on disk, read-only");
  await expect(review.preconditions.locator('[data-ok="false"]')).toHaveCount(0);
  await expect(review.task('boot-entries')).toBeVisible();
  const diff = await review.openDiff('/etc/qubes-stateless/grub.conf');
  await expect(diff).toContainText('+QS_MODES="overlay"');
  await expect(review.runs('initramfs').first()).toContainText('/usr/bin/dracut --force');
  await expect(review.applyButton).toBeEnabled();
  await screenshot(page, 'review-4.3');
  await expectAccessible(page);
});

test('a pending /etc/default/grub edit is shown as a diff and blocks Apply until the user includes it', async ({
  page,
}) => {
  session = await openRenderer(page, {
    setup: async (sim) => {
      // A forum recipe's edit, without grub2-mkconfig after it.
      const grub = await sim.readText('/etc/default/grub');
      await sim.writeFileAtomic(
        '/etc/default/grub',
        grub.replace(/^GRUB_CMDLINE_LINUX="(.*)"$/m, 'GRUB_CMDLINE_LINUX="$1 mitigations=auto,nosmt"'),
      );
    },
  });
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'review');
  const review = new ReviewPage(page);
  await expect(review.precondition('grub-pending')).toHaveAttribute('data-ok', 'false');
  await expect(review.pendingGrub).toContainText('mitigations=auto,nosmt');
  await expect(review.applyButton).toBeDisabled();
  await expectAccessible(page);
  await review.includePendingGrub.check();
  await expect(review.precondition('grub-pending')).toHaveAttribute('data-ok', 'true');
  await expect(review.applyButton).toBeEnabled();
  expect(session.calls).not.toContain('plan:apply');
});

test('the plain disk layout is refused: blocked at the System check, with the reason', async ({ page }) => {
  session = await openRenderer(page, { layout: 'plain' });
  const screen = new SystemCheckPage(page);
  const wizard = new WizardPage(page);
  await expect(screen.check('disk-layout')).toHaveAttribute('data-status', 'problem');
  await expect(screen.check('disk-layout')).toContainText(
    '/var/lib/qubes is a filesystem of its own (xfs) holding /var/lib/qubes and qubes.xml',
  );
  await expect(wizard.continueButton).toBeDisabled();
  await expectAccessible(page);
});

test('the btrfs layout warns at the System check and on the review that overlay copies qube images into RAM', async ({
  page,
}) => {
  session = await openRenderer(page, { layout: 'btrfs' });
  const screen = new SystemCheckPage(page);
  const wizard = new WizardPage(page);
  await expect(screen.check('disk-layout')).toHaveAttribute('data-status', 'warn');
  await wizard.walk('system-check', 'choose');
  await new ModePage(page).mode('overlay').check();
  await wizard.walk('choose', 'review');
  const review = new ReviewPage(page);
  await expect(review.precondition('disk-layout')).toHaveAttribute('data-ok', 'true');
  await expect(review.warnings).toContainText(
    "In an overlay session each qube's images are copied whole into RAM the first time it starts",
  );
});
