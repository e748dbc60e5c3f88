import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Screen } from '../components/screen.js';
import { StepNav } from '../components/step-nav.js';
import { useStepProblems } from '../hooks/use-step-problems.js';
import { useWizardStore } from '../stores/wizard-store.js';
import {
  DiskQubesNote,
  LogsSection,
  QubeStorageSection,
  SaveVaultSection,
  SwapSection,
} from './choose/extras-sections.js';
import { HardeningSection, ModeCards, PromptSection } from './choose/mode-section.js';
import { RamDetailsSection, RamFitMeter } from './choose/ram-sections.js';
import { TemplatesSection } from './choose/templates-section.js';

/** The More options sections, in order; each id names its heading (`choose.more.<id>`) and its test id. */
const MORE_SECTIONS = [
  ['prompt', PromptSection],
  ['swap', SwapSection],
  ['logs', LogsSection],
  ['hardening', HardeningSection],
  ['storage', QubeStorageSection],
  ['templates', TemplatesSection],
  ['vault', SaveVaultSection],
  ['ram', RamDetailsSection],
] as const;

function MoreSection({ id, children }: { readonly id: string; readonly children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="more-section" aria-labelledby={`more-${id}-title`} data-testid={`more-${id}`}>
      <h3 id={`more-${id}-title`} className="section-title">
        {t(`choose.more.${id}`)}
      </h3>
      {children}
    </section>
  );
}

/**
 * Choose: the mode with its RAM cost, the RAM-fit meter (always in view), and every other choice under More
 * options. A problem there blocks Continue (saying why) and opens the sections, so it shows at its field.
 */
export function ChooseScreen() {
  const { t } = useTranslation();
  const problems = useStepProblems('choose');
  const open = useWizardStore((s) => s.moreOptions);
  const setOpen = useWizardStore((s) => s.setMoreOptions);
  // Every choice rule concerns a field under More options ("checks" is only the wait for the facts).
  const hiddenProblem = problems.some((p) => p.field !== 'checks');
  useEffect(() => {
    if (hiddenProblem) setOpen(true);
  }, [hiddenProblem, setOpen]);
  return (
    <Screen id="choose" title={t('choose.title')} lead={t('choose.intro')}>
      <div className="choose-meter">
        <RamFitMeter />
      </div>
      <ModeCards />
      <DiskQubesNote />
      <div className="more-options">
        <button
          type="button"
          className="button secondary more-toggle"
          aria-expanded={open}
          aria-controls="more-options"
          onClick={() => setOpen(!open)}
          data-testid="more-options-toggle"
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t('choose.more.toggle')}
        </button>
        {open ? null : <p className="hint">{t('choose.more.summary')}</p>}
        {/* The sections exist only while open (their fields mount with it); the box stays for aria-controls. */}
        <div id="more-options">
          {open
            ? MORE_SECTIONS.map(([id, Section]) => (
                <MoreSection key={id} id={id}>
                  <Section />
                </MoreSection>
              ))
            : null}
        </div>
      </div>
      <StepNav step="choose" problems={problems} />
    </Screen>
  );
}
