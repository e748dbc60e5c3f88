import { useTranslation } from 'react-i18next';
import type { Language } from '../../../../shared/i18n/catalogs.js';
import { asSentence } from '../../../../shared/i18n/translate.js';
import type { RamModel } from '../../../../shared/ram/ram-estimate.js';
import { ErrorPanel } from '../../components/error-panel.js';
import { Fact } from '../../components/fact.js';
import { FieldMessage } from '../../components/field-message.js';
import { RamBar } from '../../components/ram-bar.js';
import type { Status } from '../../components/status-icon.js';
import { SEVERITY_STATUS, StatusIcon } from '../../components/status-icon.js';
import { useMiB } from '../../hooks/use-mib.js';
import { useRamModel } from '../../hooks/use-ram-model.js';
import { useStepProblems } from '../../hooks/use-step-problems.js';
import { fields, problemFor } from '../../lib/choice-problems.js';
import { dom0MemRange, hostBar } from '../../lib/ram-view.js';
import { useRamStore } from '../../stores/ram-store.js';
import { useWizardStore } from '../../stores/wizard-store.js';

const VERDICT_STATUS: Record<RamModel['verdict']['kind'], Status> = {
  fits: 'ok',
  tight: 'warn',
  'does-not-fit': 'block',
};

function Verdict({ model }: { readonly model: RamModel }) {
  const { t, i18n } = useTranslation();
  return (
    <div
      className={`verdict verdict-${model.verdict.kind}`}
      role="status"
      data-testid="ram-verdict"
      data-kind={model.verdict.kind}
    >
      <StatusIcon status={VERDICT_STATUS[model.verdict.kind]} />
      <p>{asSentence(t(model.verdict.key, model.verdict.params), i18n.language as Language)}</p>
    </div>
  );
}

function Dom0MemOverride({ model }: { readonly model: RamModel }) {
  const { t } = useTranslation();
  const mib = useMiB();
  const chosen = useWizardStore((s) => s.choices.dom0.dom0MemMaxMiB);
  const setDom0 = useWizardStore((s) => s.setDom0);
  const problems = useStepProblems('choose');
  const range = dom0MemRange(model);
  const problem = problemFor(problems, fields.dom0Mem);
  const set = (v: string) => setDom0({ dom0MemMaxMiB: v.trim() === '' ? Number.NaN : Number(v) });
  return (
    <div className="card">
      <h3>{t('ramScreen.dom0Mem.heading')}</h3>
      <p data-testid="dom0-recommended">
        {t('ramScreen.dom0Mem.recommended', {
          value: mib(model.dom0.recommendedMaxMiB),
          word: `dom0_mem=max:${model.dom0.recommendedMaxMiB}M`,
        })}
      </p>
      <label className="check-row">
        <input
          type="checkbox"
          checked={chosen !== null}
          onChange={(e) => setDom0({ dom0MemMaxMiB: e.target.checked ? model.dom0.recommendedMaxMiB : null })}
          data-testid="dom0-override"
        />
        <span>{t('ramScreen.dom0Mem.override')}</span>
      </label>
      {chosen !== null ? (
        <div className="override">
          <label htmlFor="dom0-mem-range">{t('ramScreen.dom0Mem.slider')}</label>
          <input
            id="dom0-mem-range"
            type="range"
            min={range.min}
            max={range.max}
            step={range.step}
            value={Number.isNaN(chosen) ? range.min : chosen}
            onChange={(e) => set(e.target.value)}
            aria-valuetext={mib(Number.isNaN(chosen) ? range.min : chosen)}
          />
          <div className="field inline-field">
            <label htmlFor="dom0-mem">{t('ramScreen.dom0Mem.number')}</label>
            <input
              id="dom0-mem"
              type="number"
              className="number-input"
              min={range.min}
              step={1}
              value={Number.isNaN(chosen) ? '' : chosen}
              aria-invalid={problem ? true : undefined}
              aria-describedby="dom0-mem-msg"
              onChange={(e) => set(e.target.value)}
            />
            <FieldMessage
              id="dom0-mem-msg"
              problem={problem}
              hint={t('ramScreen.dom0Mem.hint', { min: range.min, max: range.max })}
            />
          </div>
        </div>
      ) : null}
    </div>
  );
}

function Figures({ model }: { readonly model: RamModel }) {
  const { t } = useTranslation();
  const mib = useMiB();
  const rows: [string, string, string][] = [
    ['root-used', t('ramScreen.figures.rootUsed'), mib(model.rootUsedMiB)],
    ['root-at-boot', t('ramScreen.figures.rootAtBoot'), mib(model.root.atBootMiB)],
    ['session-writes', t('ramScreen.figures.sessionWrites'), mib(model.root.sessionWritesMiB)],
    ['working-set', t('ramScreen.figures.workingSet'), mib(model.dom0WorkingSetMiB)],
    [
      'ram-pool',
      t('ramScreen.figures.ramPool'),
      model.ramPool ? mib(model.ramPool.totalMiB) : t('ramScreen.figures.off'),
    ],
    ['dom0-need', t('ramScreen.figures.dom0Need'), mib(model.dom0.needMiB)],
    [
      'autostart',
      t('ramScreen.figures.autostart'),
      model.autostart.qubes.length
        ? t('ramScreen.figures.autostartValue', {
            total: mib(model.autostart.totalMiB),
            qubes: model.autostart.qubes.map((q) => q.name).join(', '),
          })
        : t('ramScreen.figures.none'),
    ],
    ['left', t('ramScreen.figures.left'), mib(model.leftAfterAutostartMiB)],
  ];
  return (
    <div className="card">
      <h3>{t('ramScreen.figures.heading')}</h3>
      <dl className="facts">
        {rows.map(([id, label, value]) => (
          <Fact key={id} testId={`ram-${id}`} label={label} value={value} />
        ))}
      </dl>
    </div>
  );
}

/**
 * The RAM-fit meter, shown on the whole Choose step: the verdict for the current choices and the host's memory
 * as one bar, recomputed live as anything is chosen.
 */
export function RamFitMeter() {
  const { t } = useTranslation();
  const ram = useRamModel();
  const measurements = useRamStore((s) => s.measurements);
  const reload = useRamStore((s) => s.load);
  return (
    <section className="card ram-meter" aria-labelledby="ram-meter-title" data-testid="ram-meter">
      <h3 id="ram-meter-title" className="visually-hidden">
        {t('choose.meter.heading')}
      </h3>
      {measurements.kind === 'failed' ? (
        <ErrorPanel error={measurements.error} onRetry={() => void reload(true)} />
      ) : !ram ? (
        <p className="loading" role="status">
          {t('ramScreen.loading')}
        </p>
      ) : (
        <>
          <Verdict model={ram.model} />
          <RamBar bar={hostBar(ram.model, ram.facts.memory.totalMiB)} />
        </>
      )}
    </section>
  );
}

/** The RAM details: every figure, the recommended dom0_mem=max and an override, warnings, the entry's words. */
export function RamDetailsSection() {
  const { t } = useTranslation();
  const ram = useRamModel();
  if (!ram) return null;
  return (
    <>
      <p className="hint">{t('ramScreen.intro')}</p>
      <div className="two-cols">
        <Figures model={ram.model} />
        <Dom0MemOverride model={ram.model} />
      </div>
      <div className="card">
        <h3>{t('ramScreen.warnings.heading')}</h3>
        {ram.model.warnings.length === 0 ? (
          <p>{t('ramScreen.warnings.none')}</p>
        ) : (
          <ul className="checks" data-testid="ram-warnings">
            {ram.model.warnings.map((w) => (
              <li key={w.key + JSON.stringify(w.params)} className="check" data-severity={w.severity}>
                <StatusIcon status={SEVERITY_STATUS[w.severity]} />
                <span>{t(w.key, w.params)}</span>
              </li>
            ))}
          </ul>
        )}
        {ram.measurements.ratioNote ? <p className="hint">{t(ram.measurements.ratioNote)}</p> : null}
      </div>
      <div className="card">
        <h3>{t('ramScreen.cmdline.heading')}</h3>
        <p className="hint">{t('ramScreen.cmdline.intro')}</p>
        <code className="cmdline" data-testid="ram-cmdline">
          {[...ram.model.cmdline.xenWords, ...ram.model.cmdline.linuxWords].join(' ')}
        </code>
      </div>
    </>
  );
}
