import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { diffLines, diffStats } from '../lib/operation-view.js';

/**
 * A planned file's unified diff, folded by default. Lines are rendered only once opened: the dracut module's
 * setup script alone is hundreds of lines.
 */
export function DiffView({
  diff,
  path,
  defaultOpen = false,
}: {
  readonly diff: string;
  readonly path: string;
  readonly defaultOpen?: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(defaultOpen);
  const stats = diffStats(diff);
  return (
    <details
      className="diff"
      open={defaultOpen}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid={`diff-${path}`}
    >
      <summary>{t('review.diff.summary', { added: stats.added, removed: stats.removed })}</summary>
      {open ? (
        <pre className="diff-body" tabIndex={0} aria-label={t('review.diff.label', { path })}>
          <code>
            {diffLines(diff).map((l, i) => (
              <span key={i} className={`diff-line diff-${l.kind}`}>
                {l.text}
                {'\n'}
              </span>
            ))}
          </code>
        </pre>
      ) : null}
    </details>
  );
}
