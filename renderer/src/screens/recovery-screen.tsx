import { useTranslation } from 'react-i18next';
import type { TransactionSummary } from '../../../shared/plan.js';
import { ErrorPanel } from '../components/error-panel.js';
import { Fact } from '../components/fact.js';
import { RunProgressView } from '../components/run-progress.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { recover, startOver } from '../flows.js';
import { formatTimestamp } from '../lib/format.js';
import { useJournalStore } from '../stores/journal-store.js';
import { useRunStore } from '../stores/run-store.js';

function Interrupted({ tx }: { readonly tx: TransactionSummary }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="unfinished">
      <h3>{t('recovery.what')}</h3>
      <dl className="facts">
        <Fact label={t('recovery.kind')} value={t(`status.kind.${tx.kind}`)} />
        <Fact label={t('recovery.started')} value={formatTimestamp(tx.createdAt)} />
        <Fact
          label={t('recovery.progress')}
          value={t('runOutcome.history.unfinished', { done: tx.stepsDone, total: tx.steps })}
        />
        {tx.tasks.length ? (
          <Fact label={t('recovery.tasks')} value={tx.tasks.map((id) => t(`tasks.${id}.title`)).join(', ')} />
        ) : null}
        <Fact label={t('recovery.id')} value={tx.id} mono />
      </dl>
    </div>
  );
}

function Choices({ tx }: { readonly tx: TransactionSummary }) {
  const { t } = useTranslation();
  if (tx.kind === 'rollback') {
    // The engine always carries an interrupted rollback to its end: there is nothing to choose.
    return (
      <div className="card">
        <p>{t('recovery.rollbackOnly')}</p>
        <button type="button" className="button" onClick={() => void recover('rollback')}>
          {t('recovery.finishRollback')}
        </button>
      </div>
    );
  }
  return (
    <div className="two-cols">
      <div className="card choice">
        <h3>{t('recovery.resume.title')}</h3>
        <p id="resume-desc">{t('recovery.resume.detail')}</p>
        <button
          type="button"
          className="button"
          aria-describedby="resume-desc"
          onClick={() => void recover('resume')}
        >
          {t('recovery.resume.button')}
        </button>
      </div>
      <div className="card choice">
        <h3>{t('recovery.rollback.title')}</h3>
        <p id="rollback-desc">{t('recovery.rollback.detail')}</p>
        <button
          type="button"
          className="button secondary"
          aria-describedby="rollback-desc"
          onClick={() => void recover('rollback')}
        >
          {t('recovery.rollback.button')}
        </button>
      </div>
    </div>
  );
}

/**
 * Recovery: takes over at start when the journal holds a change the app did not finish (a crash, power loss).
 * Nothing else may change dom0 until it is resumed or rolled back.
 */
export function RecoveryScreen() {
  const { t } = useTranslation();
  const status = useJournalStore((s) => s.status);
  const run = useRunStore((s) => s.run);
  const ours = run.kind !== 'idle' && run.action === 'recover' ? run : null;
  const unfinished = status.kind === 'ready' ? status.value.unfinished : null;
  return (
    <Screen id="recovery" title={t('recovery.title')} lead={t('recovery.intro')}>
      {status.kind === 'failed' ? <ErrorPanel error={status.error} /> : null}
      {ours?.kind === 'succeeded' && ours.outcome.kind === 'recover' ? (
        <div className="card success" data-testid="recovery-done">
          <div className="result-head">
            <StatusIcon status="ok" />
            <h3>
              {t(
                ours.outcome.action === 'resume' && ours.outcome.value.kind === 'apply'
                  ? 'recovery.done.resume'
                  : 'recovery.done.rollback',
              )}
            </h3>
          </div>
          <p>
            {t(
              ours.outcome.action === 'resume' && ours.outcome.value.kind === 'apply'
                ? 'recovery.done.resumeDetail'
                : 'recovery.done.rollbackDetail',
            )}
          </p>
          <button type="button" className="button" onClick={startOver}>
            {t('recovery.continue')}
          </button>
        </div>
      ) : null}
      {ours?.kind === 'failed' ? <ErrorPanel error={ours.error} /> : null}
      {unfinished && ours?.kind !== 'running' && ours?.kind !== 'succeeded' ? (
        <>
          <Interrupted tx={unfinished} />
          <Choices tx={unfinished} />
        </>
      ) : null}
      {!unfinished && !ours && status.kind === 'ready' ? (
        <div className="card">
          <p>{t('recovery.none')}</p>
          <button type="button" className="button" onClick={startOver}>
            {t('recovery.continue')}
          </button>
        </div>
      ) : null}
      {ours ? <RunProgressView progress={ours.progress} state={ours.kind} /> : null}
    </Screen>
  );
}
