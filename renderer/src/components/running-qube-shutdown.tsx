import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QUBE_SHUTDOWN_TIMEOUT_SEC } from '../../../shared/contracts.js';
import type { SerializedError } from '../../../shared/errors.js';
import { call } from '../api.js';
import { asError } from '../lib/load.js';
import { useSystemStore } from '../stores/system-store.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { ErrorPanel } from './error-panel.js';

/**
 * "Shut down QUBE…" beside a choice a running qube blocks: asks first, has the core shut it down (the core checks
 * the name against what it probes), then reads the machine again so the choice becomes available.
 */
export function RunningQubeShutdown({ qube }: { readonly qube: string }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const id = `shutdown-${qube}`;
  async function shutDown() {
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      await call('qubes:shutdown', { qubes: [qube] });
      await useSystemStore.getState().load(true);
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="qube-shutdown" data-testid={`shutdown-${qube}`}>
      <button type="button" className="button secondary" disabled={busy} onClick={() => setConfirming(true)}>
        {busy ? t('shutdown.running', { qube }) : t('shutdown.button', { qube })}
      </button>
      {error ? <ErrorPanel error={error} /> : null}
      <ConfirmDialog
        open={confirming}
        id={`${id}-dialog`}
        title={t('shutdown.title', { qube })}
        confirmLabel={t('shutdown.confirm')}
        cancelLabel={t('shutdown.cancel')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void shutDown()}
      >
        <p>{t('shutdown.body', { qube, timeout: QUBE_SHUTDOWN_TIMEOUT_SEC })}</p>
      </ConfirmDialog>
    </span>
  );
}
