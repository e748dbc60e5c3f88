import type { Locator, Page } from '@playwright/test';

/** Page object for the Welcome / System check screen. */
export class SystemCheckPage {
  readonly heading: Locator;
  readonly banner: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'System check', level: 2 });
    this.banner = page.getByTestId('simulated-banner');
    this.error = page.getByTestId('error-panel');
  }

  fact(id: string): Locator {
    return this.page.getByTestId(`fact-${id}`).locator('dd');
  }

  check(id: string): Locator {
    return this.page.getByTestId(`check-${id}`);
  }
}
