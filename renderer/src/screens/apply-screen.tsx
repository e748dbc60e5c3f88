import { useTranslation } from 'react-i18next';
import type { ApplyResult } from '../../../shared/plan.js';
import type { SerializedError } from '../../../shared/errors.js';
import { ErrorPanel } from '../components/error-panel.js';
import { RunProgressView } from '../components/run-progress.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { showStatus } from '../flows.js';
import { usePlanStore } from '../stores/plan-store.js';
import { useRunStore } from '../stores/run-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

function Success({ result }: { readonly result: ApplyResult }) {
  const { t } = useTranslation();
  const plan = usePlanStore((s) => s.plan);
  const dom0 = plan.kind === 'ready' ? plan.value.plan.choices.dom0 : null;
  return (
    <div className="card success" data-testid="apply-success">
      <div className="result-head">
        <StatusIcon status="ok" />
        <h3>{t('apply.success.title')}</h3>
      </div>
      <p>{t('apply.success.detail', { steps: result.transaction.stepsDone, id: result.transaction.id })}</p>
      {dom0 ? (
        <p>
          {dom0.selection === 'prompt'
            ? t('apply.next.prompt', { mode: dom0.mode, timeout: dom0.promptTimeoutSec })
            : t('apply.next.entry', { mode: dom0.mode })}
        </p>
      ) : null}
      <h4>{t('apply.success.checks')}</h4>
      <ul className="checks" data-testid="apply-checks">
        {result.checks.map((c, i) => (
          <li key={i} className="check">
            <StatusIcon status={c.ok ? 'ok' : 'block'} />
            <span>
              {t('run.verifyItem', {
                task: t(`tasks.${c.task}.title`),
                detail: t(c.detail.key, c.detail.params),
              })}
            </span>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="button" onClick={showStatus}>
          {t('apply.toStatus')}
        </button>
      </div>
    </div>
  );
}

/** What a failed apply left, from the engine's own word for it (`outcome`, or an interrupted undo). */
function failedStateKey(error: SerializedError): string {
  if (error.code === 'change-interrupted') return 'apply.failed.interrupted';
  return error.params.outcome === 'unchanged' ? 'apply.failed.unchanged' : 'apply.failed.undone';
}

/** Apply: live progress of the install, then its verification or the error (after the engine undid it all). */
export function ApplyScreen() {
  const { t } = useTranslation();
  const run = useRunStore((s) => s.run);
  const goTo = useWizardStore((s) => s.goTo);
  if (run.kind === 'idle' || run.action !== 'apply') {
    return (
      <Screen id="apply" title={t('apply.title')}>
        <p>{t('apply.idle')}</p>
        <button type="button" className="button" onClick={() => goTo('review')}>
          {t('apply.toReview')}
        </button>
      </Screen>
    );
  }
  return (
    <Screen
      id="apply"
      title={t('apply.title')}
      lead={run.kind === 'running' ? t('apply.running') : undefined}
    >
      {run.kind === 'succeeded' && run.outcome.kind === 'apply' ? (
        <Success result={run.outcome.value} />
      ) : null}
      {run.kind === 'failed' ? (
        <div className="failure" data-testid="apply-failed">
          <ErrorPanel error={run.error} />
          <div className="notice notice-info" role="note">
            <StatusIcon status="info" />
            <p>{t(failedStateKey(run.error))}</p>
          </div>
          <button type="button" className="button" onClick={() => goTo('review')}>
            {t('apply.toReview')}
          </button>
        </div>
      ) : null}
      <RunProgressView progress={run.progress} state={run.kind} showVerify={run.kind !== 'succeeded'} />
    </Screen>
  );
}
