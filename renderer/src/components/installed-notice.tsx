import { useTranslation } from 'react-i18next';
import { showStatus } from '../flows.js';
import { readyValue } from '../lib/load.js';
import { useJournalStore } from '../stores/journal-store.js';
import { StatusIcon } from './status-icon.js';

/**
 * On the first step, when qubes-stateless is already installed here: say so, and lead to Status & rollback (what
 * was done, and the way back) before anything new is chosen.
 */
export function InstalledNotice() {
  const { t } = useTranslation();
  const status = readyValue(useJournalStore((s) => s.status));
  const count = status?.installed.length ?? 0;
  if (count === 0) return null;
  return (
    <div className="notice notice-info" role="note" data-testid="installed-notice">
      <StatusIcon status="info" />
      <p>{t('flow.installed.text', { count })}</p>
      <button
        type="button"
        className="button secondary"
        onClick={showStatus}
        data-testid="installed-open-status"
      >
        {t('flow.installed.open')}
      </button>
    </div>
  );
}
