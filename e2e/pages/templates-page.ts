import type { Locator, Page } from '@playwright/test';

/** Page object for the templates section of Choose's More options. */
export class TemplatesPage {
  readonly title = 'Choose';
  readonly ramPool: Locator;
  readonly poolFigures: Locator;
  readonly defaultDispvm: Locator;

  constructor(readonly page: Page) {
    this.ramPool = page.getByTestId('pool-enabled');
    this.poolFigures = page.getByTestId('pool-figures');
    this.defaultDispvm = page.getByTestId('default-dispvm');
  }

  template(name: string): Locator {
    return this.page.getByTestId(`template-check-${name}`);
  }

  cost(name: string): Locator {
    return this.page.getByTestId(`template-cost-${name}`);
  }

  cloneName(template: string): Locator {
    return this.page.locator(`#clone-${template}`);
  }

  dvmName(template: string): Locator {
    return this.page.locator(`#dvm-${template}`);
  }

  cloneMessage(template: string): Locator {
    return this.page.getByTestId(`clone-${template}-msg`);
  }

  dvmMessage(template: string): Locator {
    return this.page.getByTestId(`dvm-${template}-msg`);
  }
}
