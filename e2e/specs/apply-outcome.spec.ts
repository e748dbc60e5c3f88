import { expect, test, type Page } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { RecoveryPage } from '../pages/recovery-page.js';
import { ReviewPage } from '../pages/review-page.js';
import { ApplyPage } from '../pages/run-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

/** The plan previews the menu with `grub2-mkconfig` alone; apply writes it with -o: this fails the apply there. */
const MKCONFIG_FAILS = {
  argvPrefix: ['/usr/sbin/grub2-mkconfig', '-o'],
  exitCode: 1,
  stderr: 'grub2-mkconfig: error: out of memory',
  times: 1,
};
/** Only the undo removes the grub.conf the apply created: this fails the automatic undo, not the apply. */
const UNDO_RM_FAILS = {
  argvPrefix: ['/usr/bin/rm', '-f', '--', '/etc/qubes-stateless/grub.conf'],
  exitCode: 1,
  stderr: 'rm: cannot remove: Read-only file system',
  times: 1,
};

/**
 * The one walk through the wizard these tests need (the Apply screen is reached only from a reviewed plan):
 * the default choices, reviewed and applied. Kept here, small, so a change of the wizard's steps is one edit.
 */
async function applyDefaults(page: Page): Promise<ApplyPage> {
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'review');
  await new ReviewPage(page).apply();
  const apply = new ApplyPage(page);
  await wizard.expectOn(apply.title);
  return apply;
}

test('a task failing mid-apply: its steps show as undone, the outcome is "undone", and dom0 is as before', async ({
  page,
}) => {
  session = await openRenderer(page, {
    setup: (sim) => sim.updateState((s) => void s.failures.push(MKCONFIG_FAILS)),
  });
  const start = await simDigest(session.sim);
  const apply = await applyDefaults(page);
  const outcome = page.getByTestId('apply-outcome');
  // dracut and the real grub.d scripts run, then their undo: longer than the default 5 s on a busy machine.
  await expect(outcome).toHaveAttribute('data-outcome', 'undone', { timeout: 60_000 });
  await expect(outcome).toContainText('Undone: dom0 is as it was before');
  await expect(outcome).toContainText('Nothing was left half-done');
  await expect(apply.error).toContainText('grub2-mkconfig: error: out of memory');
  // No step claims "done": the failed one is marked so, every other one (apply and undo) as undone.
  await expect(apply.steps.filter({ hasText: 'Regenerate the GRUB menu' }).first()).toHaveAttribute(
    'data-outcome',
    'fail',
  );
  await expect(apply.steps.first()).toHaveAttribute('data-outcome', 'undone');
  await expect(apply.steps.first()).toContainText('Undone');
  await expect(page.locator('[data-testid="run-step"][data-outcome="ok"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="run-step"][data-outcome="left"]')).toHaveCount(0);
  // The summary names where it stopped, never "n of n".
  await expect(apply.current).toContainText(/^Stopped at step \d+ of \d+ — Boot menu/);
  await expect(apply.current).not.toContainText(/done/i);
  await expect(page.locator('#run-progress-bar')).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'apply-undone');
  expect(await simDigest(session.sim)).toBe(start);
});

test('an automatic undo that fails: the outcome is "unfinished", what is left is named, and Recovery finishes it', async ({
  page,
}) => {
  session = await openRenderer(page, {
    setup: (sim) => sim.updateState((s) => void s.failures.push(MKCONFIG_FAILS, UNDO_RM_FAILS)),
  });
  const start = await simDigest(session.sim);
  const apply = await applyDefaults(page);
  const outcome = page.getByTestId('apply-outcome');
  await expect(outcome).toHaveAttribute('data-outcome', 'unfinished', { timeout: 60_000 });
  await expect(outcome).toContainText('Unfinished: this change needs recovery');
  await expect(page.getByText('Nothing was left half-done')).toHaveCount(0);
  await expect(page.getByText('as it was before')).toHaveCount(0);
  const left = page.getByTestId('apply-left');
  await expect(left).toContainText('/etc/qubes-stateless/grub.conf');
  await expect(left).toContainText('/usr/lib/dracut/modules.d/90qubes-stateless');
  await expect(page.getByTestId('apply-recover-command')).toHaveText(
    'qubes-stateless recover --rollback --yes',
  );
  // The steps the undo did not reach are marked as left, the undo step that stopped as failed.
  await expect(apply.steps.first()).toHaveAttribute('data-outcome', 'left');
  await expect(apply.steps.first()).toContainText('Not undone');
  await expect(apply.steps.filter({ hasText: 'Undo: Write file' }).last()).toHaveAttribute(
    'data-outcome',
    'fail',
  );
  await expect(page.locator('[data-testid="run-step"][data-outcome="ok"]')).toHaveCount(0);
  await expect(apply.current).toContainText(/^Stopped at step \d+ of \d+ — Boot menu/);
  await expect(apply.current).not.toContainText(/done/i);
  await expectAccessible(page);
  await screenshot(page, 'apply-unfinished');
  expect(await simDigest(session.sim)).not.toBe(start);

  // The way out it points to: Recovery rolls the rest back, and then dom0 is as before.
  await page.getByRole('button', { name: 'Open Recovery' }).click();
  const recovery = new RecoveryPage(page);
  await new WizardPage(page).expectOn(recovery.title);
  await expect(recovery.unfinished).toContainText('then stopped: unfinished');
  await page.getByRole('button', { name: 'Finish the rollback' }).click();
  await expect(recovery.done).toContainText('Rolled back');
  expect(await simDigest(session.sim)).toBe(start);
});
