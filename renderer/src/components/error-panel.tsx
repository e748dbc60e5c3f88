import { useTranslation } from 'react-i18next';
import type { SerializedError } from '../../../shared/errors.js';

/** An error from the main process, in words: `errors.<code>.title/detail`, falling back to its message. */
export function ErrorPanel({ error, onRetry }: { readonly error: SerializedError; readonly onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const key = `errors.${error.code}`;
  const known = i18n.exists(`${key}.title`);
  return (
    <div className="error-panel" role="alert" data-testid="error-panel" data-code={error.code}>
      <h2>{known ? t(`${key}.title`, error.params) : t('errors.internal.title')}</h2>
      <p>{known ? t(`${key}.detail`, error.params) : error.message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
