import { useTranslation } from 'react-i18next';
import type { RunProgress, RunState, UndoFacts } from '../lib/progress.js';
import { currentStep, failedStep, stepOutcome } from '../lib/progress.js';
import { StatusIcon } from './status-icon.js';

/**
 * Live progress of a change to dom0: the step running (n of total, task, what it does, on which file or command),
 * every step so far, the commands' output in a folded log, and the verification results.
 */
export function RunProgressView({
  progress,
  state,
  showVerify = true,
  undo,
}: {
  readonly progress: RunProgress;
  readonly state: RunState;
  readonly showVerify?: boolean;
  /** The engine's word on a failed apply's automatic undo, when it gave one. */
  readonly undo?: UndoFacts;
}) {
  const { t } = useTranslation();
  const running = state === 'running';
  const now = currentStep(progress);
  // A failed run is summed up by the step that failed, never as "n of n": it did not get done.
  const stopped = state === 'failed' ? failedStep(progress) : null;
  const done = now ? (running ? now.step - 1 : now.step) : 0;
  return (
    <div className="card run-progress" data-testid="run-progress">
      <h3>{t('run.heading')}</h3>
      {now ? (
        <>
          <div className="progress-line">
            {stopped ? null : (
              <progress
                id="run-progress-bar"
                max={now.total}
                value={done}
                aria-labelledby="run-progress-text"
              />
            )}
            <p id="run-progress-text" className="progress-text" role="status" data-testid="run-current">
              {stopped
                ? t(stopped.phase === 'undo' ? 'runOutcome.stoppedUndo' : 'runOutcome.stopped', {
                    n: stopped.step,
                    total: stopped.total,
                    task: t(`tasks.${stopped.task}.title`),
                    label: t(stopped.labelKey),
                  })
                : t(now.phase === 'undo' ? 'run.currentUndo' : 'run.current', {
                    n: now.step,
                    total: now.total,
                    task: t(`tasks.${now.task}.title`),
                    label: t(now.labelKey),
                  })}
            </p>
          </div>
          <ol className="run-steps" tabIndex={0} aria-label={t('run.stepsLabel')}>
            {progress.steps.map((s) => {
              const outcome = stepOutcome(progress, s, state, undo);
              return (
                <li
                  key={`${s.phase}-${s.step}`}
                  className="run-step"
                  data-testid="run-step"
                  data-outcome={outcome}
                >
                  <StatusIcon status={outcome} />
                  <span className="run-step-text">
                    {outcome === 'undone' || outcome === 'left' || outcome === 'fail' ? (
                      <span className="run-step-mark" aria-hidden="true">
                        {t(`runOutcome.mark.${outcome}`)}
                      </span>
                    ) : null}
                    <span className="run-step-label">
                      {t(`run.phase.${s.phase}`, { label: t(s.labelKey) })}
                    </span>
                    <code className="run-step-detail">{s.detail}</code>
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p className="loading" role="status">
          {running ? t('run.starting') : t('run.noSteps')}
        </p>
      )}
      {progress.output.length > 0 ? (
        <details className="run-log" data-testid="run-log">
          <summary>{t('run.log', { count: progress.output.length })}</summary>
          <pre className="log-body" tabIndex={0} aria-label={t('run.logLabel')}>
            {progress.output.join('\n')}
          </pre>
        </details>
      ) : null}
      {showVerify && progress.verify.length > 0 ? (
        <div className="run-verify">
          <h4>{t('run.verifyHeading')}</h4>
          <ul className="checks" data-testid="run-verify">
            {progress.verify.map((v, i) => (
              <li key={i} className="check">
                <StatusIcon status={v.ok ? 'ok' : 'block'} />
                <span>
                  {t('run.verifyItem', {
                    task: t(`tasks.${v.task}.title`),
                    detail: t(v.detail.key, v.detail.params),
                  })}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
