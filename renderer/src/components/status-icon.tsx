import { useTranslation } from 'react-i18next';
import type { RamWarning } from '../../../shared/ram/ram-estimate.js';

/** `undone`: a change an undo reverted; `left`: a change an undo did not reach (still on the machine). */
export type Status = 'ok' | 'warn' | 'block' | 'fail' | 'info' | 'pending' | 'undone' | 'left';

/** How a RAM-model warning's severity shows. */
export const SEVERITY_STATUS: Record<RamWarning['severity'], Status> = {
  info: 'info',
  warning: 'warn',
  danger: 'block',
};

const GLYPH: Record<Status, string> = {
  ok: '✓',
  warn: '!',
  block: '✕',
  fail: '✕',
  info: 'i',
  pending: '…',
  undone: '↶',
  left: '!',
};

/** A round status mark with its word for screen readers: the meaning never rests on colour alone. */
export function StatusIcon({ status }: { readonly status: Status }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`status-icon status-${status}`} aria-hidden="true">
        {GLYPH[status]}
      </span>
      <span className="visually-hidden">{t(`common.status.${status}`)}</span>
    </>
  );
}
