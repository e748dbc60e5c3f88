import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './components/language-switch.js';
import { SimulatedBanner } from './components/simulated-banner.js';
import { StepRail } from './components/step-rail.js';
import { showStatus, showWizard, startUp } from './flows.js';
import { assertNever } from './lib/assert-never.js';
import type { WizardStep } from './lib/wizard-steps.js';
import { ApplyScreen } from './screens/apply-screen.js';
import { ChooseScreen } from './screens/choose-screen.js';
import { RecoveryScreen } from './screens/recovery-screen.js';
import { ReviewScreen } from './screens/review-screen.js';
import { StatusScreen } from './screens/status-screen.js';
import { SystemCheckScreen } from './screens/system-check-screen.js';
import { connectRunEvents, useRunStore } from './stores/run-store.js';
import { useSystemStore } from './stores/system-store.js';
import type { View } from './stores/view-store.js';
import { useViewStore } from './stores/view-store.js';
import { useWizardStore } from './stores/wizard-store.js';

function WizardStepScreen({ step }: { readonly step: WizardStep }) {
  switch (step.kind) {
    case 'system-check':
      return <SystemCheckScreen />;
    case 'choose':
      return <ChooseScreen />;
    case 'review':
      return <ReviewScreen />;
    // Step 3's second half: the apply run after the review was confirmed.
    case 'apply':
      return <ApplyScreen />;
    default:
      return assertNever(step.kind);
  }
}

function CurrentView({ view }: { readonly view: View }) {
  const step = useWizardStore((s) => s.step);
  switch (view.kind) {
    case 'wizard':
      return <WizardStepScreen key={step.kind} step={step} />;
    case 'status':
      return <StatusScreen />;
    case 'recovery':
      return <RecoveryScreen />;
    default:
      return assertNever(view);
  }
}

/** The header's way between the wizard and Status & rollback; hidden while a recovery is owed. */
function ViewSwitch({ view }: { readonly view: View }) {
  const { t } = useTranslation();
  const running = useRunStore((s) => s.run.kind === 'running');
  if (view.kind === 'recovery') return null;
  return view.kind === 'wizard' ? (
    <button
      type="button"
      className="button secondary"
      disabled={running}
      onClick={showStatus}
      data-testid="open-status"
    >
      {t('header.status')}
    </button>
  ) : (
    <button
      type="button"
      className="button secondary"
      disabled={running}
      onClick={showWizard}
      data-testid="open-wizard"
    >
      {t('header.wizard')}
    </button>
  );
}

export function App() {
  const { t } = useTranslation();
  const info = useSystemStore((s) => s.info);
  const view = useViewStore((s) => s.view);
  useEffect(() => {
    const disconnect = connectRunEvents();
    void startUp();
    return disconnect;
  }, []);
  return (
    <div className="app">
      {info.kind === 'ready' && info.value.system.kind === 'simulated' ? (
        <SimulatedBanner where={info.value.system.description} />
      ) : null}
      <header className="app-header">
        <div>
          <h1>{t('app.title')}</h1>
          <p className="subtitle">{t('app.subtitle')}</p>
        </div>
        <div className="header-actions">
          <LanguageSwitch />
          <ViewSwitch view={view} />
        </div>
      </header>
      {view.kind === 'wizard' ? <StepRail /> : null}
      <main className="app-main">
        <CurrentView view={view} />
      </main>
    </div>
  );
}
