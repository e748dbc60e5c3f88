import { useTranslation } from 'react-i18next';

/** Shown whenever the app acts on a simulated dom0: nothing on this machine is read or changed. */
export function SimulatedBanner({ where }: { readonly where: string }) {
  const { t } = useTranslation();
  return (
    <div className="simulated-banner" role="status" data-testid="simulated-banner">
      <strong>{t('banner.simulated.title')}</strong> <span>{t('banner.simulated.detail', { where })}</span>
    </div>
  );
}
