import { expect, type Locator, type Page } from '@playwright/test';

/** Page object for the Review step and its confirmation dialog. */
export class ReviewPage {
  readonly title = 'Review';
  readonly summary: Locator;
  readonly cmdline: Locator;
  readonly preconditions: Locator;
  readonly warnings: Locator;
  readonly applyButton: Locator;
  readonly applyBlocked: Locator;
  readonly blockedList: Locator;
  readonly actions: Locator;
  readonly dialog: Locator;
  readonly driftNotice: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.summary = page.getByTestId('review-summary');
    this.cmdline = page.getByTestId('review-cmdline');
    this.preconditions = page.getByTestId('preconditions');
    this.warnings = page.getByTestId('plan-warnings');
    this.applyButton = page.getByRole('button', { name: 'Apply…' });
    this.applyBlocked = page.getByTestId('apply-blocked');
    this.blockedList = page.getByTestId('review-blocked-list');
    this.actions = page.getByTestId('review-actions');
    this.dialog = page.getByRole('dialog', { name: 'Apply these changes to dom0?' });
    this.driftNotice = page.getByTestId('drift-notice');
    this.error = page.getByTestId('error-panel');
  }

  /** The pending /etc/default/grub change, its diff and the choice to include it. */
  get pendingGrub(): Locator {
    return this.page.getByTestId('pending-grub');
  }

  get includePendingGrub(): Locator {
    return this.page.getByTestId('accept-pending-grub');
  }

  precondition(id: string): Locator {
    return this.page.getByTestId(`precondition-${id}`);
  }

  task(id: string): Locator {
    return this.page.getByTestId(`task-${id}`);
  }

  /** A planned file write, by path. */
  write(path: string): Locator {
    return this.page.locator(`[data-testid="op"][data-kind="write"][data-path="${path}"]`);
  }

  runs(task: string): Locator {
    return this.task(task).locator('[data-testid="op"][data-kind="run"]');
  }

  /** The plain-sentence summary: what changes, what stays, the next boot, how to go back. */
  meaning(part: 'changes' | 'stays' | 'nextBoot' | 'goBack'): Locator {
    return this.page.getByTestId(`meaning-${part}`);
  }

  /** Unfold a task (tasks are folded at first). */
  async openTask(id: string): Promise<Locator> {
    const task = this.task(id);
    if (!(await task.evaluate((el) => (el as HTMLDetailsElement).open)))
      await task.locator('summary').first().click();
    return task;
  }

  /** Unfold a write's diff (and the task holding it) and return its text block. */
  async openDiff(path: string): Promise<Locator> {
    const details = this.page.getByTestId(`diff-${path}`);
    const task = this.page.locator('details.task', { has: details });
    if (!(await task.evaluate((el) => (el as HTMLDetailsElement).open)))
      await task.locator('summary').first().click();
    await details.locator('summary').click();
    const body = details.locator('pre');
    await expect(body).toBeVisible();
    return body;
  }

  async apply(): Promise<void> {
    await this.applyButton.click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole('button', { name: 'Apply now' }).click();
  }
}
