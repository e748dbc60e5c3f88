import { useTranslation } from 'react-i18next';
import type { ApplyResult } from '../../../shared/plan.js';
import { assertNever } from '../lib/assert-never.js';
import type { FailedApplyOutcome } from '../lib/apply-outcome.js';
import { failedApplyOutcome } from '../lib/apply-outcome.js';
import type { UndoFacts } from '../lib/progress.js';
import { ErrorPanel } from '../components/error-panel.js';
import { RunProgressView } from '../components/run-progress.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { showStatus } from '../flows.js';
import { usePlanStore } from '../stores/plan-store.js';
import { useRunStore } from '../stores/run-store.js';
import { useViewStore } from '../stores/view-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

function Success({ result }: { readonly result: ApplyResult }) {
  const { t } = useTranslation();
  const plan = usePlanStore((s) => s.plan);
  const dom0 = plan.kind === 'ready' ? plan.value.plan.choices.dom0 : null;
  return (
    <div className="card success" data-testid="apply-success" data-outcome="applied">
      <div className="result-head">
        <StatusIcon status="ok" />
        <h3>{t('apply.success.title')}</h3>
      </div>
      <p>{t('apply.success.detail', { count: result.transaction.stepsDone, id: result.transaction.id })}</p>
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

/** The step list's marks follow the outcome: undone steps only when the engine said the undo ran. */
function undoFacts(outcome: FailedApplyOutcome): UndoFacts | undefined {
  if (outcome.kind === 'undone') return { finished: true, leftSteps: [] };
  if (outcome.kind === 'unfinished') return { finished: false, leftSteps: outcome.leftSteps };
  if (outcome.kind === 'differs') return { finished: true, leftSteps: [] };
  return undefined;
}

/** What a failed apply left not as before (files, commands, settings), as the engine named them. */
function LeftList({ heading, items }: { readonly heading: string; readonly items: readonly string[] }) {
  if (!items.length) return null;
  return (
    <>
      <h4>{heading}</h4>
      <ul data-testid="apply-left">
        {items.map((l) => (
          <li key={l}>
            <code>{l}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

/** How the failed apply left dom0, in the engine's own word for it (`lib/apply-outcome.ts`). */
function FailedOutcome({ outcome }: { readonly outcome: FailedApplyOutcome }) {
  const { t } = useTranslation();
  const show = useViewStore((s) => s.show);
  switch (outcome.kind) {
    case 'undone':
    case 'unchanged':
      return (
        <div
          className="notice notice-info"
          role="note"
          data-testid="apply-outcome"
          data-outcome={outcome.kind}
        >
          <StatusIcon status={outcome.kind === 'undone' ? 'undone' : 'info'} />
          <div>
            <h3>{t(`apply.outcome.${outcome.kind}.title`)}</h3>
            <p>{t(outcome.kind === 'undone' ? 'apply.failed.undone' : 'apply.failed.unchanged')}</p>
          </div>
        </div>
      );
    case 'unfinished':
      return (
        <div className="notice notice-warn" role="note" data-testid="apply-outcome" data-outcome="unfinished">
          <StatusIcon status="left" />
          <div>
            <h3>{t('apply.outcome.unfinished.title')}</h3>
            <p>{t('apply.outcome.unfinished.detail')}</p>
            <LeftList heading={t('apply.outcome.unfinished.left')} items={outcome.left} />
            <p>{t('apply.outcome.unfinished.recover')}</p>
            <p>
              <code data-testid="apply-recover-command">{t('apply.outcome.unfinished.command')}</code>
            </p>
            <button type="button" className="button" onClick={() => show({ kind: 'recovery' })}>
              {t('apply.outcome.unfinished.toRecovery')}
            </button>
          </div>
        </div>
      );
    case 'differs':
      return (
        <div className="notice notice-warn" role="note" data-testid="apply-outcome" data-outcome="differs">
          <StatusIcon status="warn" />
          <div>
            <h3>{t('apply.outcome.differs.title')}</h3>
            <p>{t('apply.outcome.differs.detail')}</p>
            <LeftList heading={t('apply.outcome.differs.left')} items={outcome.left} />
            <button type="button" className="button" onClick={showStatus}>
              {t('apply.toStatus')}
            </button>
          </div>
        </div>
      );
    case 'unknown':
      return (
        <div className="notice notice-warn" role="note" data-testid="apply-outcome" data-outcome="unknown">
          <StatusIcon status="warn" />
          <div>
            <h3>{t('apply.outcome.unknown.title')}</h3>
            <p>{t('apply.outcome.unknown.detail')}</p>
            <button type="button" className="button" onClick={showStatus}>
              {t('apply.toStatus')}
            </button>
          </div>
        </div>
      );
    default:
      return assertNever(outcome);
  }
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
  const failed = run.kind === 'failed' ? { error: run.error, outcome: failedApplyOutcome(run.error) } : null;
  return (
    <Screen
      id="apply"
      title={t('apply.title')}
      lead={run.kind === 'running' ? t('apply.running') : undefined}
    >
      {run.kind === 'succeeded' && run.outcome.kind === 'apply' ? (
        <Success result={run.outcome.value} />
      ) : null}
      {failed ? (
        <div className="failure" data-testid="apply-failed">
          <ErrorPanel error={failed.error} />
          <FailedOutcome outcome={failed.outcome} />
          <button type="button" className="button" onClick={() => goTo('review')}>
            {t('apply.toReview')}
          </button>
        </div>
      ) : null}
      <RunProgressView
        progress={run.progress}
        state={run.kind}
        showVerify={run.kind !== 'succeeded'}
        undo={failed ? undoFacts(failed.outcome) : undefined}
      />
    </Screen>
  );
}
