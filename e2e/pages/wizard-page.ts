import { expect, type Locator, type Page } from '@playwright/test';

/** The rail's three steps and their labels. */
export const STEP_LABELS = {
  'system-check': 'Check',
  choose: 'Choose',
  review: 'Review & apply',
} as const;
export type StepId = keyof typeof STEP_LABELS;
/** Each step's screen heading (h2); step 3 shows the review, then the apply run under "Apply". */
export const STEP_TITLES: Record<StepId, string> = {
  'system-check': 'System check',
  choose: 'Choose',
  review: 'Review',
};
const ORDER = Object.keys(STEP_LABELS) as StepId[];

/** What every wizard screen has: the banner, the step rail, Back/Continue and the header's Status button. */
export class WizardPage {
  readonly banner: Locator;
  readonly rail: Locator;
  readonly continueButton: Locator;
  readonly backButton: Locator;
  readonly continueReason: Locator;
  readonly statusButton: Locator;
  readonly wizardButton: Locator;

  constructor(readonly page: Page) {
    this.banner = page.getByTestId('simulated-banner');
    this.rail = page.getByRole('navigation', { name: 'Wizard steps' });
    this.continueButton = page.getByRole('button', { name: 'Continue', exact: true });
    this.backButton = page.getByRole('button', { name: 'Back', exact: true });
    this.continueReason = page.getByTestId('continue-reason');
    this.statusButton = page.getByTestId('open-status');
    this.wizardButton = page.getByTestId('open-wizard');
  }

  /** The h2 of the screen shown now. */
  screenHeading(name: string): Locator {
    return this.page.getByRole('heading', { level: 2, name, exact: true });
  }

  railStep(step: StepId): Locator {
    return this.page.getByTestId(`rail-${step}`);
  }

  async currentStep(): Promise<string | null> {
    return this.rail.locator('[aria-current="step"]').textContent();
  }

  async continue(): Promise<void> {
    await expect(this.continueButton).toBeEnabled();
    await this.continueButton.click();
  }

  /** Continue from `from` up to `to` with whatever is chosen, checking each step's heading on the way. */
  async walk(from: StepId, to: StepId): Promise<void> {
    for (const step of ORDER.slice(ORDER.indexOf(from) + 1, ORDER.indexOf(to) + 1)) {
      await this.continue();
      await this.expectOn(STEP_TITLES[step]);
    }
  }

  /**
   * From the Check step to Done with the default choices: Continue, Continue, Apply and its confirmation, then
   * wait for the apply to succeed. Returns on the apply screen with its success panel shown.
   */
  async applyWithDefaults(): Promise<void> {
    await this.expectOn(STEP_TITLES['system-check']);
    await this.walk('system-check', 'review');
    await expect(this.page.getByTestId('review-meaning')).toBeVisible();
    const apply = this.page.getByRole('button', { name: 'Apply…' });
    await expect(apply).toBeEnabled();
    await apply.click();
    const dialog = this.page.getByRole('dialog', { name: 'Apply these changes to dom0?' });
    await dialog.getByRole('button', { name: 'Apply now' }).click();
    await this.expectOn('Apply');
    // dracut and the real grub.d scripts run: longer than the default 5 s on a busy machine.
    await expect(this.page.getByTestId('apply-success')).toBeVisible({ timeout: 60_000 });
  }

  /** Moving to a step puts keyboard focus on its heading. */
  async expectOn(title: string): Promise<void> {
    await expect(this.screenHeading(title)).toBeFocused();
    await expect(this.banner).toBeVisible();
  }
}
