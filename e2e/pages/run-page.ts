import type { Locator, Page } from '@playwright/test';

/** Progress of an apply, rollback or recovery (the same view on each screen). */
export class RunPage {
  readonly progress: Locator;
  readonly current: Locator;
  readonly steps: Locator;
  readonly log: Locator;
  readonly verify: Locator;

  constructor(readonly page: Page) {
    this.progress = page.getByTestId('run-progress');
    this.current = page.getByTestId('run-current');
    this.steps = page.getByTestId('run-step');
    this.log = page.getByTestId('run-log');
    this.verify = page.getByTestId('run-verify');
  }
}

/** Page object for the Apply step. */
export class ApplyPage extends RunPage {
  readonly title = 'Apply';
  readonly success: Locator;
  readonly checks: Locator;
  readonly failed: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    super(page);
    this.success = page.getByTestId('apply-success');
    this.checks = page.getByTestId('apply-checks');
    this.failed = page.getByTestId('apply-failed');
    this.error = page.getByTestId('error-panel');
  }
}
