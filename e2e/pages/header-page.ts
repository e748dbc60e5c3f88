import type { Locator, Page } from '@playwright/test';

/** The app's header: title, language switch and the way between the wizard and Status & rollback. */
export class HeaderPage {
  readonly title: Locator;
  readonly language: Locator;
  readonly statusButton: Locator;
  readonly wizardButton: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByRole('heading', { level: 1 });
    this.language = page.getByTestId('language');
    this.statusButton = page.getByTestId('open-status');
    this.wizardButton = page.getByTestId('open-wizard');
  }

  async chooseLanguage(lang: 'en' | 'de' | 'ru'): Promise<void> {
    await this.language.selectOption(lang);
  }

  /** The page's colours as the browser computed them (rgb(…) strings). */
  async colours(): Promise<{ background: string; text: string; panel: string }> {
    return this.page.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      const card = document.querySelector('.card');
      return {
        background: root.backgroundColor,
        text: root.color,
        panel: card ? getComputedStyle(card).backgroundColor : '',
      };
    });
  }

  /** Whether the page scrolls sideways (it must not, down to 1024 px wide). */
  async overflowsSideways(): Promise<boolean> {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
  }
}
