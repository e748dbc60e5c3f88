import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/choice-problems.js';
import { previousStep } from '../lib/wizard-steps.js';
import type { WizardStepKind } from '../lib/wizard-steps.js';
import { useWizardStore } from '../stores/wizard-store.js';
import { StatusIcon } from './status-icon.js';

/** Back and Continue at the foot of a step; Continue is disabled while the step has a problem, and says which. */
export function StepNav({
  step,
  problems,
  primary,
}: {
  readonly step: WizardStepKind;
  readonly problems: readonly Problem[];
  readonly primary?: ReactNode;
}) {
  const { t } = useTranslation();
  const next = useWizardStore((s) => s.next);
  const back = useWizardStore((s) => s.back);
  const first = problems[0];
  const reasonId = `${step}-continue-reason`;
  return (
    <div className="step-nav">
      {previousStep(step) ? (
        <button type="button" className="button secondary" onClick={back}>
          {t('nav.back')}
        </button>
      ) : null}
      <div className="step-nav-end">
        {first ? (
          <p id={reasonId} className="nav-reason" data-testid="continue-reason">
            <StatusIcon status="block" /> {t('nav.blockedBy', { reason: t(first.key, first.params) })}
          </p>
        ) : null}
        {primary ?? (
          <button
            type="button"
            className="button"
            disabled={!!first}
            aria-describedby={first ? reasonId : undefined}
            onClick={next}
          >
            {t('nav.continue')}
          </button>
        )}
      </div>
    </div>
  );
}
