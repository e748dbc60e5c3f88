import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { languageOf } from '../../../shared/i18n/catalogs.js';
import { formatGiB, formatMiB } from '../../../shared/i18n/format-size.js';

/** Formats MiB figures in the current language's style ("7,373 MiB", "7.373 MiB", "7 373 МиБ"). */
export function useMiB(): (mib: number) => string {
  const { i18n } = useTranslation();
  const lang = languageOf(i18n.language);
  return useCallback((mib: number) => formatMiB(mib, lang), [lang]);
}

/** Formats MiB figures as GiB with one decimal in the current language's style ("31.8 GiB", "31,8 GiB"). */
export function useGiB(): (mib: number) => string {
  const { i18n } = useTranslation();
  const lang = languageOf(i18n.language);
  return useCallback((mib: number) => formatGiB(mib, lang), [lang]);
}
