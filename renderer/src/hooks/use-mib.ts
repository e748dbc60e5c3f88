import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { groupDigits } from '../lib/format.js';

/** Formats MiB figures with the catalogue's unit ("7,373 MiB"). */
export function useMiB(): (mib: number) => string {
  const { t } = useTranslation();
  return useCallback((mib: number) => t('units.mib', { value: groupDigits(mib) }), [t]);
}
