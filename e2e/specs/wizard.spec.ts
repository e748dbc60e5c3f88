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
import { StatusPage } from '../pages/status-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { TemplatesPage } from '../pages/templates-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

test('the whole wizard on 4.2, every expert choice through More options: zram with a boot prompt, a read-only root and a RAM template; apply; roll back to the byte', async ({
  page,
}) => {
  // A whole install and rollback with axe on each screen: over a minute on a busy 2-core machine.
  test.setTimeout(180_000);
  session = await openRenderer(page, { profile: 'qubes-4.2' });
  const start = await simDigest(session.sim);
  const wizard = new WizardPage(page);

  // --- System check
  const check = new SystemCheckPage(page);
  await expect(check.fact('release')).toHaveText('Qubes release 4.2.4 (R4.2)');
  await expect(check.doctorSummary).toHaveText(/ 0 problems$/);
  await wizard.expectOn('System check');
  await expect(wizard.railStep('system-check')).toHaveAttribute('aria-current', 'step');
  // Three steps on the rail: Check, Choose, Review & apply.
  await expect(wizard.rail.getByRole('listitem')).toHaveText([/Check/, /Choose/, /Review & apply/]);
  await wizard.continue();

  // --- Choose: every mode's RAM cost on this machine, from the measured model, and the RAM-fit meter
  const choose = new ChoosePage(page);
  const mode = new ModePage(page);
  await wizard.expectOn(choose.title);
  await expect(choose.verdict).toHaveAttribute('data-kind', 'fits');
  await expect(choose.moreOptions).toHaveAttribute('aria-expanded', 'false');
  await expect(mode.mode('zram')).toBeChecked();
  await expect(mode.cost('zram')).toContainText(/about [\d,]+ MiB of RAM/);
  await expect(mode.cost('tmpfs')).toContainText(/about [\d,]+ MiB of RAM/);
  await expect(mode.cost('overlay')).toContainText('up to 1,024 MiB');
  await mode.mode('tmpfs').check();
  await expect(mode.compressors).toBeHidden();
  await mode.mode('zram').check();
  await expect(mode.compressor('zstd')).toBeChecked();
  await mode.compressor('lz4').check();
  await mode.compressor('zstd').check();
  // Everything else is under More options, one section each.
  await choose.openMoreOptions();
  await mode.selection('prompt').check();
  await mode.timeout.fill('200');
  await expect(mode.timeoutMessage).toContainText('from 3 to 120');
  await expect(wizard.continueButton).toBeDisabled();
  await mode.timeout.fill('15');
  await expect(wizard.continueButton).toBeEnabled();
  await expect(mode.hardening).toBeChecked();

  // Qube storage: a halted qube's root read-only; running qubes are shown but cannot be chosen
  const extras = new ExtrasPage(page);
  // Only dom0 forgets: qubes on disk keep what they write, and the screen says so before anything is chosen.
  await expect(page.getByTestId('disk-qubes-note')).toContainText('still saves its private volume to disk');
  // And that changing or removing such a qube in a session is permanent, and what the session cannot keep off the disk.
  await expect(page.getByTestId('session-disk-note')).toContainText('in a session is permanent');
  await expect(page.getByTestId('session-disk-note')).toContainText(
    'GRUB itself records each boot in grubenv',
  );
  await expect(extras.readOnlyRoot('personal')).toBeDisabled();
  await expect(extras.readOnlyNote('personal')).toContainText('Running: shut it down to choose it');
  await extras.readOnlyRoot('work').check();

  // Templates: choosing one turns the RAM pool on and shows its RAM cost
  const templates = new TemplatesPage(page);
  await expect(templates.ramPool).not.toBeChecked();
  await expect(templates.cost('debian-12-xfce')).toContainText(
    'Root 4,403 MiB → about 2,466 MiB of RAM (zstd, 56%)',
  );
  await templates.template('debian-12-xfce').check();
  await expect(templates.ramPool).toBeChecked();
  await expect(templates.cloneName('debian-12-xfce')).toHaveAttribute('placeholder', 'debian-12-xfce-ram');
  await expect(templates.poolFigures).toContainText('Template clones');

  // RAM details; the meter above the cards follows every choice
  const ram = new RamPage(page);
  await expect(ram.verdict).toHaveAttribute('data-kind', 'fits');
  await expect(ram.segment('rootAtBoot')).toBeVisible();
  await expect(ram.segment('ramPool')).toBeVisible();
  await expect(ram.recommended).toContainText('dom0_mem=max:');
  await expect(ram.cmdline).toContainText('rd.qubes.stateless=zram');
  // An override is recomputed live: too low does not fit; below 1024 is refused; off again, the recommendation.
  await ram.override.check();
  await ram.dom0Mem.fill('2048');
  await expect(ram.verdict).toHaveAttribute('data-kind', 'does-not-fit');
  await expect(ram.verdict).toContainText('dom0_mem=max:2048M is below');
  await expect(ram.cmdline).toContainText('dom0_mem=max:2048M');
  await ram.dom0Mem.fill('900');
  await expect(ram.dom0MemMessage).toContainText('at least 1024');
  await expect(wizard.continueButton).toBeDisabled();
  await expect(wizard.continueReason).toContainText('at least 1024');
  await ram.override.uncheck();
  await expect(ram.verdict).toHaveAttribute('data-kind', 'fits');
  // The whole entry, as installed: the prompt and hardening words too (one builder, shared/boot-entry.ts).
  await expect(ram.cmdline).toContainText('rd.qubes.stateless.prompt=15');
  await expect(ram.cmdline).toContainText('init_on_free=1');
  const ramCmdline = (await ram.cmdline.textContent()) ?? '';
  await expectAccessible(page);
  await wizard.continue();

  // --- Review
  const review = new ReviewPage(page);
  await wizard.expectOn(review.title);
  await expect(wizard.railStep('review')).toHaveAttribute('aria-current', 'step');
  // The meaning first, from this plan: the prompt makes the stateless entry GRUB's default; the normal one stays.
  await expect(review.meaning('changes')).toContainText(
    'That entry becomes GRUB\'s default and asks "Boot to RAM?"',
  );
  await expect(review.meaning('changes')).toContainText('The root volume of work becomes read-only');
  await expect(review.meaning('changes')).toContainText('clones of debian-12-xfce (debian-12-xfce-ram)');
  await expect(review.meaning('stays')).toContainText('The normal boot entry stays in the menu, unchanged');
  await expect(review.meaning('nextBoot')).toContainText(
    'with no answer within 15 seconds it boots persistent',
  );
  await expect(review.meaning('goBack')).toContainText('qubes-stateless rollback');
  await expect(review.precondition('qubes-halted')).toHaveAttribute('data-ok', 'true');
  await expect(review.preconditions.locator('[data-ok="false"]')).toHaveCount(0);
  await expect(review.cmdline).toHaveText(ramCmdline);
  const grubConf = review.write('/etc/qubes-stateless/grub.conf');
  await expect(grubConf).toContainText('new');
  const diff = await review.openDiff('/etc/qubes-stateless/grub.conf');
  await expect(diff).toContainText('+QS_MODES="zram"');
  await expect(diff).toContainText('rd.qubes.stateless.prompt=15');
  await review.openTask('initramfs');
  await review.openTask('read-only-root');
  await expect(review.runs('initramfs')).toHaveCount(2);
  await expect(review.runs('initramfs').first()).toContainText('/usr/bin/dracut --force /boot/initramfs-');
  await expect(review.runs('initramfs').first()).toContainText('Undo: restore the backup of');
  await expect(review.task('read-only-root')).toContainText('work:root rw: True → False');
  await expect(review.task('read-only-root')).toContainText('qvm-volume config work:root rw False');
  await expectAccessible(page);
  await review.applyButton.click();
  await expect(review.dialog).toBeVisible();
  await expect(review.dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await screenshot(page, 'review-confirm', { fullPage: false });
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(review.dialog).toBeHidden();
  await review.apply();

  // --- Apply, still step 3 on the rail
  const apply = new ApplyPage(page);
  await wizard.expectOn(apply.title);
  await expect(wizard.railStep('review')).toHaveAttribute('aria-current', 'step');
  // 24 steps, dracut and the real grub.d scripts included: longer than the default 5 s on a busy machine.
  await expect(apply.success).toBeVisible({ timeout: 30_000 });
  await expect(apply.current).toContainText(/Step (\d+) of \1/);
  // One step per planned operation: 20 before the prompt default kept its stable id (the id file, the
  // kernel-install plugin that restores it, and their two directories) and the module gained its update refusal;
  // 24 since /etc/qubes-stateless, needed by the boot entry and the RAM pool, is planned once (it was made twice).
  await expect(apply.steps).toHaveCount(24);
  await expect(apply.checks).toContainText(
    'Boot menu — "Qubes (stateless: zram), with Xen hypervisor" added',
  );
  await expect(apply.success).toContainText('boots persistent after 15 seconds');
  await apply.log.locator('summary').click();
  await expect(apply.log).toContainText('dracut: *** Including module: qubes-stateless ***');
  await expectAccessible(page);
  expect(await session.sim.readText('/boot/grub2/grub.cfg')).toContain('Qubes (stateless: zram)');

  // --- Status & rollback
  await wizard.statusButton.click();
  const status = new StatusPage(page);
  await wizard.expectOn(status.title);
  await expect(status.installedTx).toHaveCount(1);
  await expect(status.installedTx).toContainText(
    'Boot module, Boot images, Boot menu, RAM pool and stateless templates, Read-only roots',
  );
  await screenshot(page, 'status');
  await expectAccessible(page);
  await status.startRollback.click();
  await expect(status.noConflicts).toBeVisible();
  await expectAccessible(page);
  await status.rollback();
  await expect(status.result).toContainText('Every file and setting is as before the install.');
  await expect(status.nothingInstalled).toBeVisible();
  await expect(status.history).toContainText('rolled back');
  await screenshot(page, 'rollback');
  await expectAccessible(page);
  expect(await simDigest(session.sim)).toBe(start);
});
