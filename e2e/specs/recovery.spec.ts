import { expect, test, type Page } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import {
  applyThroughHandlers,
  closeSession,
  expectAccessible,
  markUnfinished,
  screenshot,
} from '../pages/helpers.js';
import { RecoveryPage } from '../pages/recovery-page.js';
import { StatusPage } from '../pages/status-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

const CHOICES = { dom0: { mode: 'zram' as const, selection: 'prompt' as const }, readOnlyRoot: ['work'] };

/** Install, then make the journal say the install never finished (as after a crash), and start the app again. */
async function interruptedInstall(page: Page): Promise<{ start: string; id: string; steps: number }> {
  session = await openRenderer(page);
  const start = await simDigest(session.sim);
  const applied = await applyThroughHandlers(session, CHOICES);
  await markUnfinished(session, applied.transaction.id);
  await page.reload();
  return { start, id: applied.transaction.id, steps: applied.transaction.steps };
}

test('an interrupted install takes over at start; rolling it back restores the exact pre-install dom0', async ({
  page,
}) => {
  const { start, id, steps } = await interruptedInstall(page);
  const wizard = new WizardPage(page);
  const recovery = new RecoveryPage(page);
  await wizard.expectOn(recovery.title);
  await expect(recovery.unfinished).toContainText(id);
  await expect(recovery.unfinished).toContainText(`${steps} of ${steps}`);
  // Nothing else may change dom0 first: no step rail, no Status button.
  await expect(wizard.rail).toHaveCount(0);
  await expect(wizard.statusButton).toHaveCount(0);
  await screenshot(page, 'recovery');
  await expectAccessible(page);
  await recovery.rollback.click();
  await expect(recovery.done).toContainText('Rolled back');
  await expect(recovery.steps).toHaveCount(steps);
  await expectAccessible(page);
  expect(await simDigest(session!.sim)).toBe(start);
  await recovery.continueButton.click();
  await wizard.expectOn('System check');
  await wizard.statusButton.click();
  await expect(new StatusPage(page).nothingInstalled).toBeVisible();
});

test('an interrupted install can be resumed: it is verified and shows as installed', async ({ page }) => {
  await interruptedInstall(page);
  const wizard = new WizardPage(page);
  const recovery = new RecoveryPage(page);
  await wizard.expectOn(recovery.title);
  await recovery.resume.click();
  await expect(recovery.done).toContainText('Install finished');
  await expect(recovery.verify).toContainText(
    'Boot menu — "Qubes (stateless: zram), with Xen hypervisor" added',
  );
  await recovery.continueButton.click();
  await wizard.statusButton.click();
  const status = new StatusPage(page);
  await expect(status.installedTx).toHaveCount(1);
  const journal = await session!.handlers['journal:status']({});
  expect(journal.ok && journal.value.unfinished).toBeNull();
  expect(await session!.sim.readText('/boot/grub2/grub.cfg')).toContain('Qubes (stateless: zram)');
});
