import { expect, test, type Page } from '@playwright/test';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { applyThroughHandlers, closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { HeaderPage } from '../pages/header-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';

/**
 * Look and language on the first screen and on Status & rollback: the header's language switch changes every
 * string at once, the app starts in the system's language, and both colour schemes follow the system and pass
 * axe (WCAG AA contrast included) at the smallest supported window.
 */
let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

/** A small install, so Status has a history to show. */
const OVERLAY = { dom0: { mode: 'overlay' as const } };

/** The first screen's heading, the header's words and a size, in each language (written out by hand). */
const WORDS = {
  en: {
    heading: 'System check',
    subtitle: 'Run dom0 from RAM, safely and reversibly.',
    status: 'Status & rollback',
    language: 'Language',
    hostMemory: '31.8 GiB (Xen 4.17.5)',
  },
  de: {
    heading: 'Systemprüfung',
    subtitle: 'dom0 aus dem RAM betreiben, sicher und umkehrbar.',
    status: 'Status & Rücknahme',
    language: 'Sprache',
    hostMemory: '31,8 GiB (Xen 4.17.5)',
  },
  ru: {
    heading: 'Проверка системы',
    subtitle: 'dom0 из оперативной памяти — безопасно и обратимо.',
    status: 'Состояние и откат',
    language: 'Язык',
    hostMemory: '31,8 ГиБ (Xen 4.17.5)',
  },
} as const;

async function expectWords(page: Page, lang: keyof typeof WORDS): Promise<void> {
  const w = WORDS[lang];
  const header = new HeaderPage(page);
  await expect(page.getByRole('heading', { level: 2 }).first()).toHaveText(w.heading);
  await expect(page.locator('.subtitle')).toHaveText(w.subtitle);
  await expect(header.statusButton).toHaveText(w.status);
  await expect(page.locator('.language-switch span')).toHaveText(w.language);
  await expect(new SystemCheckPage(page).fact('host-memory')).toHaveText(w.hostMemory);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(header.language).toHaveValue(lang);
}

test('the language switch turns the Check screen and the header into German, then Russian, and back', async ({
  page,
}) => {
  session = await openRenderer(page, { profile: 'qubes-4.2' });
  const header = new HeaderPage(page);
  await expectWords(page, 'en');
  await expect(header.language.locator('option')).toHaveText(['English', 'Deutsch', 'Русский']);
  await header.chooseLanguage('de');
  await expectWords(page, 'de');
  await expect(page.getByRole('list', { name: 'Bereitschaft' })).toBeVisible();
  // A size inside a sentence from the core, in German style.
  await expect(new SystemCheckPage(page).check('host-memory')).toContainText('32.614 MiB RAM');
  await header.chooseLanguage('ru');
  await expectWords(page, 'ru');
  await expect(page.getByRole('list', { name: 'Готовность' })).toBeVisible();
  await expect(new SystemCheckPage(page).check('host-memory')).toContainText('ОЗУ: 32\u00a0614 МиБ');
  // The Status view follows the same choice.
  await header.statusButton.click();
  await expect(page.getByRole('heading', { name: 'Состояние и откат', level: 2 })).toBeVisible();
  await expect(header.wizardButton).toHaveText('Назад к мастеру');
  await header.chooseLanguage('en');
  await expect(page.getByRole('heading', { name: 'Status & rollback', level: 2 })).toBeVisible();
  await expect(header.wizardButton).toHaveText('Back to the wizard');
  await header.wizardButton.click();
  await expectWords(page, 'en');
});

test.describe('in a German system', () => {
  test.use({ locale: 'de-DE' });
  test('the app starts in German', async ({ page }) => {
    session = await openRenderer(page, { profile: 'qubes-4.2' });
    await expectWords(page, 'de');
  });
});

test.describe('in a Russian system', () => {
  test.use({ locale: 'ru-RU' });
  test('the app starts in Russian', async ({ page }) => {
    session = await openRenderer(page, { profile: 'qubes-4.2' });
    await expectWords(page, 'ru');
  });
});

/** The variables' values in app.css, written out here: a scheme that is not followed shows as the other's. */
const SCHEMES = {
  light: { background: 'rgb(244, 245, 247)', text: 'rgb(29, 35, 48)', panel: 'rgb(255, 255, 255)' },
  dark: { background: 'rgb(31, 33, 38)', text: 'rgb(228, 231, 236)', panel: 'rgb(41, 44, 51)' },
} as const;

for (const scheme of ['light', 'dark'] as const) {
  test(`in the ${scheme} scheme the colours are the ${scheme} ones and axe passes, at 1024×700`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.emulateMedia({ colorScheme: scheme });
    session = await openRenderer(page, { profile: 'qubes-4.2' });
    await applyThroughHandlers(session, OVERLAY);
    await page.reload();
    const header = new HeaderPage(page);
    await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
    await expect(page.getByTestId('doctor-summary')).toBeVisible();
    expect(await header.colours()).toEqual(SCHEMES[scheme]);
    expect(await header.overflowsSideways()).toBe(false);
    await expectAccessible(page);
    await screenshot(page, `look-check-${scheme}`);
    await header.statusButton.click();
    await expect(page.getByTestId('installed-tx')).toHaveCount(1);
    expect(await header.colours()).toEqual(SCHEMES[scheme]);
    expect(await header.overflowsSideways()).toBe(false);
    await expectAccessible(page);
    await screenshot(page, `look-status-${scheme}`);
    // German words are the longest: the header and Status still fit, and still pass.
    await header.chooseLanguage('de');
    await expect(page.getByRole('heading', { name: 'Status & Rücknahme', level: 2 })).toBeVisible();
    expect(await header.overflowsSideways()).toBe(false);
    await expectAccessible(page);
  });
}
