import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Conflict,
  ConflictResolution,
  JournalStatus,
  RollbackPreview,
  RollbackResult,
  TransactionSummary,
} from '../../../shared/plan.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorPanel } from '../components/error-panel.js';
import { RunProgressView } from '../components/run-progress.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { rollbackWith } from '../flows.js';
import { formatTimestamp } from '../lib/format.js';
import { conflictValue, optionDetailKey } from '../lib/operation-view.js';
import { historyStepsKey } from '../lib/apply-outcome.js';
import { ConflictDiff } from '../components/conflict-diff.js';
import { useJournalStore } from '../stores/journal-store.js';
import { useRunStore } from '../stores/run-store.js';

function TaskTitles({ tx }: { readonly tx: TransactionSummary }) {
  const { t } = useTranslation();
  return <>{tx.tasks.map((id) => t(`tasks.${id}.title`)).join(', ')}</>;
}

function Installed({ status }: { readonly status: JournalStatus }) {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="installed">
      <h3>{t('status.installed.heading')}</h3>
      {status.installed.length === 0 ? (
        <p data-testid="nothing-installed">{t('status.installed.none')}</p>
      ) : (
        <ul className="tx-list">
          {status.installed.map((tx) => (
            <li key={tx.id} data-testid="installed-tx">
              <p>
                <strong>
                  {t('status.installed.item', { date: formatTimestamp(tx.createdAt), count: tx.steps })}
                </strong>
              </p>
              <p className="hint">
                <TaskTitles tx={tx} />
              </p>
              <p className="hint mono">{tx.id}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function History({ status }: { readonly status: JournalStatus }) {
  const { t } = useTranslation();
  if (status.transactions.length === 0) return null;
  return (
    <div className="card">
      <h3 id="history-title">{t('status.history.heading')}</h3>
      <table className="table" aria-labelledby="history-title" data-testid="history">
        <thead>
          <tr>
            <th scope="col">{t('status.history.date')}</th>
            <th scope="col">{t('status.history.kind')}</th>
            <th scope="col">{t('status.history.status')}</th>
            <th scope="col">{t('status.history.steps')}</th>
          </tr>
        </thead>
        <tbody>
          {[...status.transactions].reverse().map((tx) => (
            <tr key={tx.id}>
              <td>{formatTimestamp(tx.createdAt)}</td>
              <td>{t(`status.kind.${tx.kind}`)}</td>
              <td>{t(`status.txStatus.${tx.status}`)}</td>
              <td>{t(historyStepsKey(tx), { done: tx.stepsDone, total: tx.steps })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConflictItem({ conflict }: { readonly conflict: Conflict }) {
  const { t } = useTranslation();
  const chosen = useJournalStore((s) => s.resolutions[conflict.id]);
  const setResolution = useJournalStore((s) => s.setResolution);
  const name = `conflict-${conflict.id}`;
  return (
    <fieldset className="conflict" data-testid="conflict" data-subject={conflict.subject}>
      <legend className="mono">{conflict.subject}</legend>
      <p>
        {t(`conflicts.kind.${conflict.kind}`, {
          subject: conflict.subject,
          expected: conflictValue(conflict.kind, conflict.expected),
          actual: conflictValue(conflict.kind, conflict.actual),
        })}
      </p>
      {conflict.view ? <ConflictDiff view={conflict.view} path={conflict.subject} /> : null}
      <div className="conflict-options">
        {conflict.options.map((o) => (
          <label key={o} className="check-row option">
            <input
              type="radio"
              name={name}
              value={o}
              checked={chosen === o}
              onChange={() => setResolution(conflict.id, o)}
              aria-describedby={`${name}-${o}-desc`}
              data-testid={`resolution-${o}`}
            />
            <span>
              <strong>{t(`conflicts.option.${o}.title`)}</strong>
              {o === conflict.recommended ? (
                <span className="badge badge-new">{t('conflicts.recommended')}</span>
              ) : null}
              <span id={`${name}-${o}-desc`} className="hint block">
                {t(optionDetailKey(o, conflict.kind))}
              </span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Every command the rollback will run, as it will run them (the engine derives them from the journal): the
 * regeneration a conflict adds appears once that conflict is set to regenerate.
 */
function RollbackCommands({ preview }: { readonly preview: RollbackPreview }) {
  const { t } = useTranslation();
  const resolutions = useJournalStore((s) => s.resolutions);
  const shown = preview.commands.filter(
    (c) => c.conflict === null || resolutions[c.conflict] === 'regenerate',
  );
  return (
    <div data-testid="rollback-commands">
      <h4>{t('status.rollback.commands.heading')}</h4>
      {shown.length === 0 ? (
        <p className="hint">{t('status.rollback.commands.none')}</p>
      ) : (
        <ol className="mono">
          {shown.map((c, i) => (
            <li key={`${i}:${c.argv.join(' ')}`} data-testid="rollback-command" data-phase={c.phase}>
              <span className="badge">{t(`status.rollback.commands.phase.${c.phase}`)}</span>{' '}
              {c.argv.join(' ')}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function RollbackPlan({ preview }: { readonly preview: RollbackPreview }) {
  const { t } = useTranslation();
  const resolutions = useJournalStore((s) => s.resolutions);
  const clear = useJournalStore((s) => s.clearPreview);
  const [confirming, setConfirming] = useState(false);
  if (!preview.target) return <p>{t('status.installed.none')}</p>;
  return (
    <div data-testid="rollback-preview">
      <p>
        {t('status.rollback.target', {
          date: formatTimestamp(preview.target.createdAt),
          count: preview.target.stepsDone,
        })}
      </p>
      {preview.conflicts.length === 0 ? (
        <div className="notice notice-ok" data-testid="no-conflicts">
          <StatusIcon status="ok" />
          <p>{t('status.rollback.noConflicts')}</p>
        </div>
      ) : (
        <>
          <div className="notice notice-warn">
            <StatusIcon status="warn" />
            <p>{t('status.rollback.conflicts', { count: preview.conflicts.length })}</p>
          </div>
          {preview.conflicts.map((c) => (
            <ConflictItem key={c.id} conflict={c} />
          ))}
        </>
      )}
      <RollbackCommands preview={preview} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={clear}>
          {t('status.rollback.cancel')}
        </button>
        <button type="button" className="button danger" onClick={() => setConfirming(true)}>
          {t('status.rollback.run')}
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        id="confirm-rollback"
        title={t('status.rollback.confirm.title')}
        confirmLabel={t('status.rollback.confirm.yes')}
        cancelLabel={t('status.rollback.confirm.no')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void rollbackWith(resolutions);
        }}
      >
        <p>{t('status.rollback.confirm.body')}</p>
      </ConfirmDialog>
    </div>
  );
}

function RollbackDone({
  result,
  resolutions,
}: {
  readonly result: RollbackResult;
  readonly resolutions: Readonly<Record<string, ConflictResolution>>;
}) {
  const { t } = useTranslation();
  const kept = Object.values(resolutions).filter((r) => r === 'keep').length;
  return (
    <div className={`card ${result.problems.length ? 'failure' : 'success'}`} data-testid="rollback-result">
      <div className="result-head">
        <StatusIcon status={result.problems.length ? 'warn' : 'ok'} />
        <h3>{t('status.rollback.done')}</h3>
      </div>
      {result.problems.length ? (
        <>
          <p>{t('status.rollback.problems')}</p>
          <ul className="mono">
            {result.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      ) : (
        <p data-testid="rollback-clean">
          {kept > 0 ? t('status.rollback.cleanKept', { count: kept }) : t('status.rollback.clean')}
        </p>
      )}
    </div>
  );
}

function Rollback({ status }: { readonly status: JournalStatus }) {
  const { t } = useTranslation();
  const preview = useJournalStore((s) => s.preview);
  const loadPreview = useJournalStore((s) => s.loadPreview);
  const run = useRunStore((s) => s.run);
  const ours = run.kind !== 'idle' && run.action === 'rollback' ? run : null;
  return (
    <div className="card" data-testid="rollback">
      <h3>{t('status.rollback.heading')}</h3>
      {ours?.kind === 'succeeded' && ours.outcome.kind === 'rollback' ? (
        <RollbackDone result={ours.outcome.value} resolutions={ours.outcome.resolutions} />
      ) : null}
      {ours?.kind === 'failed' ? <ErrorPanel error={ours.error} /> : null}
      {ours ? <RunProgressView progress={ours.progress} state={ours.kind} /> : null}
      {ours?.kind === 'running' ? null : preview.kind === 'idle' ? (
        status.installed.length > 0 ? (
          <>
            <p>{t('status.rollback.intro')}</p>
            <button type="button" className="button" onClick={() => void loadPreview()}>
              {t('status.rollback.start')}
            </button>
          </>
        ) : ours ? null : (
          <p>{t('status.rollback.nothing')}</p>
        )
      ) : preview.kind === 'loading' ? (
        <p className="loading" role="status">
          {t('status.rollback.checking')}
        </p>
      ) : preview.kind === 'failed' ? (
        <ErrorPanel error={preview.error} onRetry={() => void loadPreview()} />
      ) : (
        <RollbackPlan preview={preview.value} />
      )}
    </div>
  );
}

/** Status & rollback: what is installed, the journal's history, and rolling the latest install back. */
export function StatusScreen() {
  const { t } = useTranslation();
  const status = useJournalStore((s) => s.status);
  const load = useJournalStore((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Screen id="status" title={t('status.title')} lead={t('status.intro')}>
      {status.kind === 'failed' ? (
        <ErrorPanel error={status.error} onRetry={() => void load()} />
      ) : status.kind === 'ready' ? (
        <>
          <div className="two-cols">
            <Installed status={status.value} />
            <History status={status.value} />
          </div>
          <Rollback status={status.value} />
        </>
      ) : (
        <p className="loading" role="status">
          {t('status.loading')}
        </p>
      )}
    </Screen>
  );
}
