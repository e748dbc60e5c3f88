import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Page object for the Choose step as a whole: the RAM-fit meter and the More options disclosure. The mode cards
 * and each More options section have their own page objects (mode-page, extras-page, templates-page, ram-page).
 */
export class ChoosePage {
  readonly title = 'Choose';
  readonly meter: Locator;
  readonly verdict: Locator;
  readonly moreOptions: Locator;

  constructor(readonly page: Page) {
    this.meter = page.getByTestId('ram-meter');
    this.verdict = this.meter.getByTestId('ram-verdict');
    this.moreOptions = page.getByRole('button', { name: 'More options' });
  }

  section(id: 'prompt' | 'swap' | 'logs' | 'hardening' | 'storage' | 'templates' | 'vault' | 'ram'): Locator {
    return this.page.getByTestId(`more-${id}`);
  }

  /** Unfold More options (if folded) and wait for its sections. */
  async openMoreOptions(): Promise<void> {
    if ((await this.moreOptions.getAttribute('aria-expanded')) !== 'true') await this.moreOptions.click();
    await expect(this.moreOptions).toHaveAttribute('aria-expanded', 'true');
    await expect(this.section('ram')).toBeVisible();
  }
}
