import type { Locator, Page } from '@playwright/test';

/** Page object for the Welcome / System check screen. */
export class SystemCheckPage {
  readonly heading: Locator;
  readonly banner: Locator;
  readonly error: Locator;
  /** doctor's list of checks and its "N ok, N warnings, N problems" line. */
  readonly doctor: Locator;
  readonly doctorSummary: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'System check', level: 2 });
    this.banner = page.getByTestId('simulated-banner');
    this.error = page.getByTestId('error-panel');
    this.doctor = page.getByTestId('doctor-checks');
    this.doctorSummary = page.getByTestId('doctor-summary');
  }

  fact(id: string): Locator {
    return this.page.getByTestId(`fact-${id}`).locator('dd');
  }

  /** A readiness check (release, boot-mode, host-memory…), one of doctor's checks. */
  check(id: string): Locator {
    return this.page.getByTestId(`check-readiness:${id}`);
  }

  /** A stage of doctor's list (sudo, programs, probes, ram, readiness, plan): a disclosure. */
  group(id: string): Locator {
    return this.page.getByTestId(`doctor-group-${id}`);
  }

  /** The rows of a stage that ran a command, in order. */
  commandRows(group: string): Locator {
    return this.group(group)
      .locator('li.check')
      .filter({ has: this.page.locator('.check-command') });
  }

  /** Opens a row's "Command" disclosure; returns its argv and exit status. */
  async showCommand(row: Locator): Promise<{ argv: Locator; exit: Locator }> {
    await row.locator('.check-command > summary').click();
    return { argv: row.getByTestId('command-argv'), exit: row.getByTestId('command-exit') };
  }
}
