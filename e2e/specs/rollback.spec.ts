import { expect, test } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { applyThroughHandlers, closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { StatusPage } from '../pages/status-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

const CHOICES = {
  dom0: { mode: 'zram' as const },
  ramPool: { enabled: true, sizeMiB: null },
  templates: [{ template: 'debian-12-xfce' }],
};

test('files changed after the install are shown as conflicts, preselected to the recommendation, and the chosen resolution is honoured', async ({
  page,
}) => {
  session = await openRenderer(page);
  await applyThroughHandlers(session, CHOICES);
  await session.sim.writeFileAtomic('/etc/qubes-stateless/grub.conf', '# edited by hand\nQS_MODES="tmpfs"\n');
  await session.sim.writeFileAtomic('/etc/qubes-stateless/session.json', '{"edited": true}\n');
  await page.reload();
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  // Installed already: the first step says so and leads to Status & rollback.
  await expect(page.getByTestId('installed-notice')).toContainText('already installed on this dom0');
  await page.getByTestId('installed-open-status').click();
  const status = new StatusPage(page);
  await wizard.expectOn(status.title);
  await expect(status.installedTx).toHaveCount(1);
  await status.startRollback.click();
  await expect(status.conflicts).toHaveCount(2);
  const grubConf = '/etc/qubes-stateless/grub.conf';
  const sessionJson = '/etc/qubes-stateless/session.json';
  await expect(status.conflict(grubConf)).toContainText('This file was changed after the install');
  // A file the install created: remove it or keep it; keeping is recommended and preselected.
  await expect(status.resolution(grubConf, 'keep')).toBeChecked();
  await expect(status.resolution(grubConf, 'remove')).not.toBeChecked();
  await expect(status.resolution(grubConf, 'restore')).toHaveCount(0);
  await expect(status.conflict(grubConf)).toContainText('recommended');
  await status.resolution(grubConf, 'remove').check();
  await expect(status.resolution(sessionJson, 'keep')).toBeChecked();
  await screenshot(page, 'rollback-conflicts');
  await expectAccessible(page);
  await status.rollback();
  await expect(status.result).toContainText('except the item you chose to keep.');
  await expect(status.nothingInstalled).toBeVisible();
  expect(await session.sim.stat(grubConf)).toBeNull();
  expect(await session.sim.readText(sessionJson)).toBe('{"edited": true}\n');
  expect(await session.sim.readText('/boot/grub2/grub.cfg')).not.toContain('stateless');
});

test('with nothing installed, Status says so and offers no rollback', async ({ page }) => {
  session = await openRenderer(page);
  const start = await simDigest(session.sim);
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await expect(page.getByTestId('installed-notice')).toHaveCount(0);
  await wizard.statusButton.click();
  const status = new StatusPage(page);
  await expect(status.nothingInstalled).toBeVisible();
  await expect(status.startRollback).toHaveCount(0);
  await expectAccessible(page);
  await wizard.wizardButton.click();
  await wizard.expectOn('System check');
  expect(await simDigest(session.sim)).toBe(start);
});
