import { useTranslation } from 'react-i18next';
import type { SerializedError } from '../../../shared/errors.js';
import { withReasonText } from '../../../shared/i18n/translate.js';

/** An error from the main process, in words: `errors.<code>.title/detail`, falling back to its message. */
export function ErrorPanel({
  error,
  onRetry,
}: {
  readonly error: SerializedError;
  readonly onRetry?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const key = `errors.${error.code}`;
  const known = i18n.exists(`${key}.title`);
  // `internal` words show the message; the core sends none in params for errors it did not expect. A `reason`
  // is a catalogue key (a choice rule's problem), worded here like everything else.
  const params = withReasonText({ message: error.message, ...error.params }, t);
  return (
    <div className="error-panel" role="alert" data-testid="error-panel" data-code={error.code}>
      <h2>{known ? t(`${key}.title`, params) : t('errors.internal.title')}</h2>
      <p>{known ? t(`${key}.detail`, params) : error.message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
