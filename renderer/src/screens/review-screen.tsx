import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanResult } from '../../../shared/contracts.js';
import { displayArgv } from '../../../shared/command-line.js';
import { assertNever } from '../../../shared/message.js';
import type { Operation, Plan, PlannedTask } from '../../../shared/plan.js';
import { preconditionText } from '../../../shared/i18n/translate.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DiffView } from '../components/diff-view.js';
import { ErrorPanel } from '../components/error-panel.js';
import { Screen } from '../components/screen.js';
import type { Status } from '../components/status-icon.js';
import { SEVERITY_STATUS, StatusIcon } from '../components/status-icon.js';
import { StepNav } from '../components/step-nav.js';
import { applyReviewedPlan } from '../flows.js';
import { argvLine } from '../lib/format.js';
import { reviewMeaning } from '../lib/review-meaning.js';
import { type CommandRunning, operationCount, settingWords, undoOf } from '../lib/operation-view.js';
import { usePlanStore } from '../stores/plan-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

function UndoLine({ op }: { readonly op: CommandRunning }) {
  const { t } = useTranslation();
  const undo = undoOf(op);
  switch (undo.kind) {
    case 'command':
      return (
        <p className="op-undo">
          {t(undo.atEnd ? 'review.undo.commandAtEnd' : 'review.undo.command')}{' '}
          <code>{argvLine(undo.argv)}</code>
        </p>
      );
    case 'restore':
      return (
        <p className="op-undo">
          {t('review.undo.restore')} <code>{undo.outputs.join(', ')}</code>
        </p>
      );
    case 'setting':
      return <p className="op-undo">{t('review.undo.setting', { from: undo.from })}</p>;
    case 'none':
      return <p className="op-undo">{t('review.undo.none')}</p>;
    default:
      return assertNever(undo, 'undo');
  }
}

function OperationItem({ op }: { readonly op: Operation }) {
  const { t } = useTranslation();
  switch (op.kind) {
    case 'mkdir':
      return (
        <li className="op" data-testid="op" data-kind="mkdir">
          <p className="op-head">
            <span className="op-label">{t('ops.mkdir')}</span> <code>{op.path}</code>
          </p>
          <p className="op-undo">{t('review.undo.mkdir')}</p>
        </li>
      );
    case 'write':
      return (
        <li className="op" data-testid="op" data-kind="write" data-path={op.path}>
          <p className="op-head">
            <span className="op-label">{t('ops.write')}</span> <code>{op.path}</code>{' '}
            <span className={`badge ${op.beforeSha256 ? 'badge-replace' : 'badge-new'}`}>
              {t(op.beforeSha256 ? 'review.write.replaced' : 'review.write.new')}
            </span>
            {op.asset ? <span className="badge badge-asset">{t('review.write.asset')}</span> : null}
          </p>
          <p className="op-meta">
            {t('review.write.sha256')} <code className="sha">{op.sha256}</code>
          </p>
          <p className="op-undo">
            {t(op.beforeSha256 ? 'review.undo.restoreFile' : 'review.undo.removeFile')}
          </p>
          <DiffView diff={op.diff} path={op.path} />
        </li>
      );
    case 'setting':
    case 'generate':
    case 'command':
      return <CommandItem op={op} />;
    default:
      return assertNever(op, 'operation');
  }
}

/** A command-running operation; `data-kind="run"` for all three, which the screen shows alike. */
function CommandItem({ op }: { readonly op: CommandRunning }) {
  const { t } = useTranslation();
  return (
    <li className="op" data-testid="op" data-kind="run" data-label={op.labelKey}>
      <p className="op-head">
        <span className="op-label">{t(op.labelKey)}</span>{' '}
        {op.command.privileged ? (
          <span className="badge badge-root">{t('review.run.privileged')}</span>
        ) : null}
      </p>
      <pre className="argv" data-testid="op-argv">
        <code>{argvLine(displayArgv(op.command))}</code>
      </pre>
      {op.kind === 'setting' ? (
        <p className="op-meta" data-testid="op-setting">
          {t('review.settingChange', {
            setting: t(settingWords(op.ref).key, settingWords(op.ref).params),
            from: op.from,
            to: op.to,
          })}
        </p>
      ) : null}
      <UndoLine op={op} />
    </li>
  );
}

/** A task, folded: its title, what it is for and how many operations; the operations unfold on demand. */
function TaskCard({ task }: { readonly task: PlannedTask }) {
  const { t } = useTranslation();
  return (
    <details className="card task" data-testid={`task-${task.id}`}>
      <summary className="task-summary">
        <span className="task-title" id={`task-${task.id}`}>
          {t(`tasks.${task.id}.title`)}
        </span>{' '}
        <span className="hint">{t('review.taskSummary', { count: task.operations.length })}</span>
      </summary>
      <p className="hint">{t(`tasks.${task.id}.detail`)}</p>
      <ol className="ops" aria-labelledby={`task-${task.id}`}>
        {task.operations.map((op, i) => (
          <OperationItem key={i} op={op} />
        ))}
      </ol>
    </details>
  );
}

/** The plan's meaning in plain sentences (lib/review-meaning.ts), before any of its details. */
function MeaningView({ plan }: { readonly plan: Plan }) {
  const { t } = useTranslation();
  const meaning = reviewMeaning(plan);
  const parts = [
    ['changes', meaning.changes],
    ['stays', meaning.stays],
    ['nextBoot', meaning.nextBoot],
    ['goBack', meaning.goBack],
  ] as const;
  return (
    <div className="meaning" data-testid="review-meaning">
      {parts.map(([id, sentences]) =>
        sentences.length === 0 ? null : (
          <section key={id} className="card" aria-labelledby={`meaning-${id}`} data-testid={`meaning-${id}`}>
            <h3 id={`meaning-${id}`}>{t(`review.meaningHeading.${id}`)}</h3>
            <ul className="meaning-list">
              {sentences.map((m) => (
                <li key={m.key}>{t(m.key, m.params)}</li>
              ))}
            </ul>
          </section>
        ),
      )}
    </div>
  );
}

/**
 * An /etc/default/grub edit that was never applied: the stock entries regeneration would change, and the
 * user's choice to include it (re-plans) or to stop and undo it (the plan stays blocked).
 */
function PendingGrubCard({ plan }: { readonly plan: Plan }) {
  const { t } = useTranslation();
  const accepted = useWizardStore((s) => s.choices.acceptPendingGrub);
  const setAccept = useWizardStore((s) => s.setAcceptPendingGrub);
  if (plan.pendingGrub.length === 0) return null;
  return (
    <section className="card" aria-labelledby="pending-grub-heading" data-testid="pending-grub">
      <h3 id="pending-grub-heading">{t('review.pendingGrub.heading')}</h3>
      <p>{t('review.pendingGrub.explain')}</p>
      {plan.pendingGrub.map((p) => (
        <DiffView key={p.path} diff={p.diff} path={p.path} defaultOpen />
      ))}
      <label className="check">
        <input
          type="checkbox"
          checked={accepted}
          data-testid="accept-pending-grub"
          onChange={(e) => setAccept(e.target.checked)}
        />
        <span>{t('review.pendingGrub.include')}</span>
      </label>
      <p className="hint">{t('review.pendingGrub.stop')}</p>
    </section>
  );
}

/** Plan warnings carry no severity; those from the RAM model have one there. */
function warningStatus(plan: Plan, key: string): Status {
  const severity = plan.ram.warnings.find((w) => w.key === key)?.severity;
  return severity ? SEVERITY_STATUS[severity] : 'warn';
}

function PlanView({ result }: { readonly result: PlanResult }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const { plan } = result;
  const text = (p: Plan['preconditions'][number]) => preconditionText(p, (key, params) => t(key, params));
  const failed = plan.preconditions.filter((p) => !p.ok);
  const ops = operationCount(plan.tasks);
  // A blocked plan names what blocks it, in the preconditions' own words.
  const blocked =
    failed.length > 0
      ? t('review.apply.blocked', { count: failed.length, names: failed.map(text).join(' ') })
      : ops === 0
        ? t('review.apply.nothing')
        : null;
  return (
    <>
      {failed.length > 0 ? (
        <div className="notice notice-warn" data-testid="review-blocked-notice">
          <StatusIcon status="block" />
          <div>
            <p>{t('review.blockedLead', { count: failed.length })}</p>
            <ul data-testid="review-blocked-list">
              {failed.map((p) => (
                <li key={p.id}>{text(p)}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <MeaningView plan={plan} />
      <div className="two-cols">
        <div className="card">
          <h3>{t('review.preconditions')}</h3>
          <ul className="checks" data-testid="preconditions">
            {plan.preconditions.map((p) => (
              <li key={p.id} className="check" data-testid={`precondition-${p.id}`} data-ok={String(p.ok)}>
                <StatusIcon status={p.ok ? 'ok' : 'block'} />
                <span>{text(p)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <h3>{t('review.warnings')}</h3>
          {plan.warnings.length === 0 ? (
            <p>{t('review.noWarnings')}</p>
          ) : (
            <ul className="checks" data-testid="plan-warnings">
              {plan.warnings.map((w, i) => (
                <li key={i} className="check">
                  <StatusIcon status={warningStatus(plan, w.key)} />
                  <span>{t(w.key, w.params)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <PendingGrubCard plan={plan} />
      <h3 className="section-title">{t('review.details.heading')}</h3>
      <div className="card">
        <p data-testid="review-summary">
          {t('review.summary.text', {
            release: plan.release,
            mode: plan.choices.dom0.mode,
            dom0Mem: plan.boot.dom0MemMaxMiB,
            tasks: t('count.tasks', { count: plan.tasks.length }),
            ops: t('count.operations', { count: ops }),
          })}
        </p>
        <p className="hint">{t('review.summary.cmdline')}</p>
        <code className="cmdline" data-testid="review-cmdline">
          {[...plan.ram.cmdline.xenWords, ...plan.ram.cmdline.linuxWords].join(' ')}
        </code>
        <p className="hint">{t('review.details.intro')}</p>
      </div>
      {plan.tasks.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
      <div className="sticky-actions" data-testid="review-actions">
        <StepNav
          step="review"
          problems={[]}
          primary={
            <div className="apply-bar">
              {blocked ? (
                <p id="apply-blocked" className="nav-reason" data-testid="apply-blocked">
                  <StatusIcon status="block" /> {blocked}
                </p>
              ) : null}
              <button
                type="button"
                className="button danger"
                disabled={!!blocked}
                aria-describedby={blocked ? 'apply-blocked' : undefined}
                onClick={() => setConfirming(true)}
              >
                {t('review.apply.button')}
              </button>
            </div>
          }
        />
      </div>
      <ConfirmDialog
        open={confirming}
        id="confirm-apply"
        title={t('review.confirm.title')}
        confirmLabel={t('review.confirm.yes')}
        cancelLabel={t('review.confirm.no')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void applyReviewedPlan(result);
        }}
      >
        <p>
          {t('review.confirm.body', {
            ops: t('count.operations', { count: ops }),
            tasks: t('count.tasks', { count: plan.tasks.length }),
          })}
        </p>
        <p>{t('review.confirm.undo')}</p>
      </ConfirmDialog>
    </>
  );
}

/**
 * Review: what the plan means for this machine first, then its preconditions and warnings, then the exact plan —
 * every file diff and command with its undo — folded by task. Back and Apply stay in view.
 */
export function ReviewScreen() {
  const { t } = useTranslation();
  const choices = useWizardStore((s) => s.choices);
  const plan = usePlanStore((s) => s.plan);
  const create = usePlanStore((s) => s.create);
  const drift = usePlanStore((s) => s.driftNotice);
  useEffect(() => {
    void create(choices);
  }, [choices, create]);
  return (
    <Screen id="review" title={t('review.title')} lead={t('review.intro')}>
      {drift ? (
        <div className="notice notice-warn" role="alert" data-testid="drift-notice">
          <StatusIcon status="warn" />
          <p>{t('review.drift')}</p>
        </div>
      ) : null}
      {plan.kind === 'ready' ? (
        <PlanView result={plan.value} />
      ) : plan.kind === 'failed' ? (
        <>
          <ErrorPanel error={plan.error} onRetry={() => void create(choices)} />
          <StepNav step="review" problems={[]} primary={<span />} />
        </>
      ) : (
        <p className="loading" role="status">
          {t('review.loading')}
        </p>
      )}
    </Screen>
  );
}
