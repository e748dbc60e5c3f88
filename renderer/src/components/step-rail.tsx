import { useTranslation } from 'react-i18next';
import { problemsBefore } from '../lib/choice-problems.js';
import { WIZARD_STEPS, stepIndex } from '../lib/wizard-steps.js';
import { useRunStore } from '../stores/run-store.js';
import { readyValue } from '../lib/load.js';
import { useSystemStore } from '../stores/system-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

/**
 * The wizard's three steps in order. A step already reached can be revisited, unless an earlier step now has a
 * problem; nothing can be left while a change to dom0 is running.
 */
export function StepRail() {
  const { t } = useTranslation();
  const step = useWizardStore((s) => s.step);
  const furthest = useWizardStore((s) => s.furthest);
  const choices = useWizardStore((s) => s.choices);
  const goTo = useWizardStore((s) => s.goTo);
  const facts = useSystemStore((s) => s.facts);
  const running = useRunStore((s) => s.run.kind === 'running');
  const current = stepIndex(step.kind);
  return (
    <nav className="step-rail" aria-label={t('wizard.rail.label')}>
      <ol>
        {WIZARD_STEPS.map((kind, i) => {
          const here = i === current;
          // The apply run shows as step 3 (Review & apply); it is reached only through Review's confirmation.
          const reachable =
            !running &&
            i <= furthest &&
            problemsBefore(kind, WIZARD_STEPS, choices, readyValue(facts)).length === 0;
          const state = here ? 'current' : i < current ? 'done' : 'todo';
          return (
            <li key={kind} className={`rail-step rail-${state}`}>
              <button
                type="button"
                className="rail-button"
                aria-current={here ? 'step' : undefined}
                disabled={!here && !reachable}
                onClick={() => (here ? undefined : goTo(kind))}
                data-testid={`rail-${kind}`}
              >
                <span className="rail-num" aria-hidden="true">
                  {state === 'done' ? '✓' : i + 1}
                </span>
                <span className="rail-label">{t(`wizard.steps.${kind}`)}</span>
                {state === 'done' ? <span className="visually-hidden">{t('wizard.rail.done')}</span> : null}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
