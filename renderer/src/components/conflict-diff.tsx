import { useTranslation } from 'react-i18next';
import type { ConflictView } from '../../../shared/plan.js';
import { CONFLICT_DIFF_MAX_BYTES } from '../../../shared/plan.js';
import { assertNever } from '../lib/assert-never.js';
import { DiffView } from './diff-view.js';

/**
 * What changed in a file since the install, shown before the user picks keep / restore / regenerate / remove.
 * The core made the diff (the renderer never names a file to read); huge or binary files get a sentence instead.
 */
export function ConflictDiff({ view, path }: { readonly view: ConflictView; readonly path: string }) {
  const { t } = useTranslation();
  switch (view.kind) {
    case 'diff':
      return (
        <div className="conflict-diff" data-testid="conflict-diff" data-against={view.against}>
          <p className="hint">{t(`conflict.diff.${view.against}`)}</p>
          <DiffView diff={view.diff} path={path} defaultOpen />
        </div>
      );
    case 'omitted':
      return (
        <p className="hint" data-testid="conflict-diff" data-omitted={view.reason}>
          {t(`conflict.diff.omitted.${view.reason}`, {
            kib: Math.ceil(view.bytes / 1024),
            max: CONFLICT_DIFF_MAX_BYTES / 1024,
          })}
        </p>
      );
    default:
      return assertNever(view);
  }
}
