import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { CATALOGS, LANGUAGES, languageOf, type Language } from '../../../shared/i18n/catalogs.js';
import { SIZE_FORMATS } from '../../../shared/i18n/format-size.js';

/** The language the system asks for (navigator.language, e.g. "de-DE"); English when it is not one of ours. */
export const systemLanguage = (): Language => languageOf(globalThis.navigator?.language);

/** Keeps <html lang> with the words, so screen readers pronounce them in the right language. */
function markDocument(lang: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = languageOf(lang);
}

/**
 * English, German and Russian from the shared catalogues (the CLI speaks the same ones), starting in the
 * system's language; the header's language switch calls i18next.changeLanguage, which re-renders every screen.
 * Sizes in placeholders ("{{freeMiB, mib}}") go through the same formatter as the CLI's.
 */
export async function initI18n(lng: Language = systemLanguage()): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: CATALOGS[l] }])),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  for (const [name, format] of Object.entries(SIZE_FORMATS))
    i18next.services.formatter?.add(name, (value: unknown, l: string | undefined) =>
      typeof value === 'number' ? format(value, languageOf(l)) : String(value),
    );
  markDocument(i18next.language);
  i18next.on('languageChanged', markDocument);
  return i18next;
}
