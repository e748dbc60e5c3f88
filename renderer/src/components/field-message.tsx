import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/choice-problems.js';
import { StatusIcon } from './status-icon.js';

/** The line under an input: its problem (live, announced politely), or a hint when there is none. */
export function FieldMessage({
  id,
  problem,
  hint,
}: {
  readonly id: string;
  readonly problem: Problem | undefined;
  readonly hint?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <p
      id={id}
      className={problem ? 'field-msg field-error' : 'field-msg'}
      aria-live="polite"
      data-testid={`${id}`}
    >
      {problem ? (
        <>
          <StatusIcon status="block" /> {t(problem.key, problem.params)}
        </>
      ) : (
        hint
      )}
    </p>
  );
}
