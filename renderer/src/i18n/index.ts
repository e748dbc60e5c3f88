import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { EN_CATALOG } from '../../../shared/i18n/translate.js';

/** English now; other languages add a JSON file with the same keys. */
export async function initI18n(): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    lng: 'en',
    fallbackLng: 'en',
    resources: { en: { translation: EN_CATALOG } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
