import { expect, test, type Page } from '@playwright/test';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { closeSession } from '../pages/helpers.js';
import { ChoosePage } from '../pages/choose-page.js';
import { ModePage } from '../pages/mode-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

/** Tab until `target` has focus (at most `max` presses), as a keyboard user would. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('never reached by Tab');
}

test("the wizard works from the keyboard alone, with focus on each new step's heading", async ({ page }) => {
  session = await openRenderer(page);
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await tabTo(page, wizard.continueButton);
  await page.keyboard.press('Enter');
  const mode = new ModePage(page);
  await wizard.expectOn(mode.title);
  // Into the mode radio group (on its checked option), then arrows choose.
  await tabTo(page, mode.mode('zram'));
  await page.keyboard.press('ArrowRight');
  await expect(mode.mode('tmpfs')).toBeChecked();
  await expect(mode.mode('tmpfs')).toBeFocused();
  // More options unfolds from the keyboard too.
  const choose = new ChoosePage(page);
  await tabTo(page, choose.moreOptions);
  await page.keyboard.press('Enter');
  await expect(choose.moreOptions).toHaveAttribute('aria-expanded', 'true');
  await tabTo(page, mode.selection('entry'));
  await page.keyboard.press('ArrowRight');
  await expect(mode.selection('prompt')).toBeChecked();
  await tabTo(page, mode.timeout);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('30');
  await tabTo(page, wizard.continueButton, 120);
  await page.keyboard.press('Enter');
  await wizard.expectOn('Review');
  // The rail goes back, from the keyboard too.
  await tabTo(page, wizard.railStep('choose'), 120);
  await page.keyboard.press('Enter');
  await wizard.expectOn(mode.title);
  await expect(mode.timeout).toHaveValue('30');
});
