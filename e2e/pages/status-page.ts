import { expect, type Locator, type Page } from '@playwright/test';
import { RunPage } from './run-page.js';

/** Page object for Status & rollback. */
export class StatusPage extends RunPage {
  readonly title = 'Status & rollback';
  readonly installed: Locator;
  readonly installedTx: Locator;
  readonly nothingInstalled: Locator;
  readonly history: Locator;
  readonly startRollback: Locator;
  readonly noConflicts: Locator;
  readonly conflicts: Locator;
  readonly runRollback: Locator;
  readonly dialog: Locator;
  readonly result: Locator;

  constructor(page: Page) {
    super(page);
    this.installed = page.getByTestId('installed');
    this.installedTx = page.getByTestId('installed-tx');
    this.nothingInstalled = page.getByTestId('nothing-installed');
    this.history = page.getByTestId('history');
    this.startRollback = page.getByRole('button', { name: 'Roll back…' });
    this.noConflicts = page.getByTestId('no-conflicts');
    this.conflicts = page.getByTestId('conflict');
    this.runRollback = page.getByTestId('rollback-preview').getByRole('button', { name: 'Roll back now' });
    this.dialog = page.getByRole('dialog', { name: 'Roll back the install?' });
    this.result = page.getByTestId('rollback-result');
  }

  conflict(subject: string): Locator {
    return this.page.locator(`[data-testid="conflict"][data-subject="${subject}"]`);
  }

  resolution(subject: string, option: 'restore' | 'keep' | 'regenerate' | 'remove'): Locator {
    return this.conflict(subject).getByTestId(`resolution-${option}`);
  }

  async rollback(): Promise<void> {
    await this.runRollback.click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole('button', { name: 'Roll back now' }).click();
  }
}
