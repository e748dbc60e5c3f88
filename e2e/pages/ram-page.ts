import type { Locator, Page } from '@playwright/test';

/** Page object for the RAM details section of Choose's More options (the verdict is the always-shown meter's). */
export class RamPage {
  readonly title = 'Choose';
  readonly verdict: Locator;
  readonly bar: Locator;
  readonly recommended: Locator;
  readonly override: Locator;
  readonly dom0Mem: Locator;
  readonly dom0MemMessage: Locator;
  readonly warnings: Locator;
  readonly cmdline: Locator;

  constructor(readonly page: Page) {
    this.verdict = page.getByTestId('ram-verdict');
    this.bar = page.getByTestId('ram-bar');
    this.recommended = page.getByTestId('dom0-recommended');
    this.override = page.getByTestId('dom0-override');
    this.dom0Mem = page.getByLabel('Exact value (MiB)');
    this.dom0MemMessage = page.getByTestId('dom0-mem-msg');
    this.warnings = page.getByTestId('ram-warnings');
    this.cmdline = page.getByTestId('ram-cmdline');
  }

  segment(id: string): Locator {
    return this.page.getByTestId(`ram-seg-${id}`);
  }

  figure(id: string): Locator {
    return this.page.getByTestId(`ram-${id}`).locator('dd');
  }
}
