import type { Locator, Page } from '@playwright/test';
import { RunPage } from './run-page.js';

/** Page object for the Recovery screen (an unfinished transaction at start). */
export class RecoveryPage extends RunPage {
  readonly title = 'An earlier change did not finish';
  readonly unfinished: Locator;
  readonly resume: Locator;
  readonly rollback: Locator;
  readonly done: Locator;
  readonly continueButton: Locator;

  constructor(page: Page) {
    super(page);
    this.unfinished = page.getByTestId('unfinished');
    this.resume = page.getByRole('button', { name: 'Resume the install' });
    this.rollback = page.getByRole('button', { name: 'Roll it back' });
    this.done = page.getByTestId('recovery-done');
    this.continueButton = page.getByRole('button', { name: 'Continue' });
  }
}
