import type { Locator, Page } from '@playwright/test';

/** Page object for the swap, logs, qube storage and save vault sections of Choose's More options. */
export class ExtrasPage {
  readonly title = 'Choose';
  readonly ephemeralVolatile: Locator;
  readonly vault: Locator;
  readonly vaultName: Locator;
  readonly vaultMessage: Locator;

  constructor(readonly page: Page) {
    this.ephemeralVolatile = page.getByRole('checkbox', { name: /volatile volumes with a throw-away key/ });
    this.vault = page.getByRole('checkbox', { name: 'Create a save vault' });
    this.vaultName = page.getByLabel('Name of the save vault');
    this.vaultMessage = page.getByTestId('vault-name-msg');
  }

  swap(choice: 'stateless-only' | 'disable'): Locator {
    return this.page.getByRole('radio', {
      name: choice === 'disable' ? 'Off for good' : 'Off in stateless sessions only',
    });
  }

  readOnlyRoot(qube: string): Locator {
    return this.page.getByTestId(`ro-${qube}`);
  }

  readOnlyNote(qube: string): Locator {
    return this.page.locator(`#ro-${qube}-note`);
  }
}
