import { expect, test, type Page } from '@playwright/test';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { ChoosePage } from '../pages/choose-page.js';
import { ExtrasPage } from '../pages/extras-page.js';
import { closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

/** The one walk these tests need: to the screen with the read-only root choices. Kept small for a step change. */
async function toReadOnlyRootChoices(page: Page): Promise<ExtrasPage> {
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'choose');
  await new ChoosePage(page).openMoreOptions();
  return new ExtrasPage(page);
}

const shutdownCalls = async (s: RendererSession) =>
  (await s.sim.commandLog()).filter((c) => c.argv.includes('/usr/bin/qvm-shutdown')).map((c) => c.argv);

async function withWorkRunning(page: Page): Promise<RendererSession> {
  return openRenderer(page, {
    setup: (sim) =>
      sim.updateState((s) => {
        s.qubes.find((q) => q.name === 'work')!.state = 'Running';
      }),
  });
}

test('a running qube that blocks a choice is shut down after confirmation, and the choice becomes available', async ({
  page,
}) => {
  session = await withWorkRunning(page);
  const extras = await toReadOnlyRootChoices(page);
  await expect(extras.readOnlyRoot('work')).toBeDisabled();
  await page.getByRole('button', { name: 'Shut down work…' }).click();
  const dialog = page.getByTestId('shutdown-work-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('closes every program in it');
  await expect(dialog).toContainText('within 60 seconds is killed');
  // Confirming needs a choice: Cancel has the focus.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectAccessible(page);
  await screenshot(page, 'qube-shutdown-confirm', { fullPage: false });
  expect(await shutdownCalls(session)).toEqual([]);
  await dialog.getByRole('button', { name: 'Shut down', exact: true }).click();
  // The machine is read again: work is halted, its checkbox can be chosen.
  await expect(extras.readOnlyRoot('work')).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Shut down work…' })).toHaveCount(0);
  expect(session.sim.snapshotState().qubes.find((q) => q.name === 'work')?.state).toBe('Halted');
  expect(await shutdownCalls(session)).toEqual([
    ['/usr/bin/qvm-shutdown', '--wait', '--timeout', '60', 'work'],
  ]);
  await extras.readOnlyRoot('work').check();
  await expect(extras.readOnlyRoot('work')).toBeChecked();
});

test('cancelling the confirmation shuts nothing down', async ({ page }) => {
  session = await withWorkRunning(page);
  const extras = await toReadOnlyRootChoices(page);
  await page.getByRole('button', { name: 'Shut down work…' }).click();
  await page.getByTestId('shutdown-work-dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('shutdown-work-dialog')).toBeHidden();
  await expect(extras.readOnlyRoot('work')).toBeDisabled();
  expect(await shutdownCalls(session)).toEqual([]);
  expect(session.sim.snapshotState().qubes.find((q) => q.name === 'work')?.state).toBe('Running');
});

test('a shutdown qvm-shutdown refuses is shown in words, and the choice stays blocked', async ({ page }) => {
  session = await withWorkRunning(page);
  await session.sim.updateState(
    (s) =>
      void s.failures.push({
        argvPrefix: ['/usr/bin/qvm-shutdown'],
        exitCode: 1,
        stderr: 'qvm-shutdown: error: Failed to shut down: work',
        times: 1,
      }),
  );
  const extras = await toReadOnlyRootChoices(page);
  await page.getByRole('button', { name: 'Shut down work…' }).click();
  await page
    .getByTestId('shutdown-work-dialog')
    .getByRole('button', { name: 'Shut down', exact: true })
    .click();
  const error = page.getByTestId('shutdown-work').getByTestId('error-panel');
  await expect(error).toHaveAttribute('data-code', 'command-failed');
  await expect(error).toContainText('Failed to shut down: work');
  await expect(extras.readOnlyRoot('work')).toBeDisabled();
  await expectAccessible(page);
});
