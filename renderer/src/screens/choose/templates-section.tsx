import { useTranslation } from 'react-i18next';
import type { StatelessTemplateChoice } from '../../../../shared/choices.js';
import type { QubeFact } from '../../../../shared/facts.js';
import { SIZE_STEP_MIB } from '../../../../shared/ram/constants.js';
import type { CompressionRatio, RamModel } from '../../../../shared/ram/ram-estimate.js';
import { Fact } from '../../components/fact.js';
import { FieldMessage } from '../../components/field-message.js';
import { NameField } from '../../components/name-field.js';
import { useMiB } from '../../hooks/use-mib.js';
import { useRamModel } from '../../hooks/use-ram-model.js';
import { useStepProblems } from '../../hooks/use-step-problems.js';
import type { Problem } from '../../lib/choice-problems.js';
import { RAM_POOL_MIN_MIB, fields, problemFor } from '../../lib/choice-problems.js';
import { percent } from '../../lib/format.js';
import { cloneRamMiB } from '../../lib/ram-view.js';
import { defaultCloneName, defaultDvmName, effectiveNames } from '../../../../shared/template-names.js';
import { useSystemStore } from '../../stores/system-store.js';
import { useWizardStore } from '../../stores/wizard-store.js';

interface TemplateCardProps {
  readonly q: QubeFact;
  readonly choice: StatelessTemplateChoice | undefined;
  readonly problems: readonly Problem[];
  /** The measured ratio of the chosen compressor; undefined until measured. */
  readonly ratio: CompressionRatio | undefined;
}

function TemplateCard({ q, choice, problems, ratio }: TemplateCardProps) {
  const { t } = useTranslation();
  const mib = useMiB();
  const compressor = useWizardStore((s) => s.choices.dom0.compressor);
  const setTemplate = useWizardStore((s) => s.setTemplate);
  const setTemplateNames = useWizardStore((s) => s.setTemplateNames);
  const usage = q.volumes.root?.usageMiB ?? 0;
  const costId = `tpl-${q.name}-cost`;
  const defaultClone = defaultCloneName(q.name);
  // The store keeps names trimmed, and undefined when left blank.
  const defaultDvm = defaultDvmName(choice?.cloneName ?? defaultClone);
  return (
    <li className={`template-card${choice ? ' checked' : ''}`} data-testid={`template-${q.name}`}>
      <label className="check-row">
        <input
          type="checkbox"
          checked={!!choice}
          onChange={(e) => setTemplate(q.name, e.target.checked)}
          aria-describedby={costId}
          data-testid={`template-check-${q.name}`}
        />
        <span className="mono template-name">{q.name}</span>
      </label>
      <p id={costId} className="cost" data-testid={`template-cost-${q.name}`}>
        {ratio
          ? t('templates.cost', {
              root: mib(usage),
              ram: mib(cloneRamMiB(usage, ratio.ratio)),
              compressor,
              pct: percent(ratio.ratio),
            })
          : t('templates.costLoading', { root: mib(usage) })}
      </p>
      {choice ? (
        <div className="name-fields">
          <NameField
            id={`clone-${q.name}`}
            label={t('templates.cloneName')}
            value={choice.cloneName ?? ''}
            placeholder={defaultClone}
            problem={problemFor(problems, fields.clone(q.name))}
            hint={t('templates.nameDefault', { name: defaultClone })}
            onChange={(v) => setTemplateNames(q.name, { cloneName: v })}
          />
          <NameField
            id={`dvm-${q.name}`}
            label={t('templates.dvmName')}
            value={choice.dvmName ?? ''}
            placeholder={defaultDvm}
            problem={problemFor(problems, fields.dvm(q.name))}
            hint={t('templates.nameDefault', { name: defaultDvm })}
            onChange={(v) => setTemplateNames(q.name, { dvmName: v })}
          />
        </div>
      ) : null}
    </li>
  );
}

function RamPoolSettings({
  problems,
  figures,
}: {
  readonly problems: readonly Problem[];
  readonly figures: RamModel['ramPool'] | null;
}) {
  const { t } = useTranslation();
  const mib = useMiB();
  const pool = useWizardStore((s) => s.choices.ramPool);
  const setRamPool = useWizardStore((s) => s.setRamPool);
  const sizeProblem = problemFor(problems, fields.ramPoolSize);
  return (
    <fieldset className="card group">
      <legend>{t('templates.pool.legend')}</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={pool.enabled}
          onChange={(e) => setRamPool({ enabled: e.target.checked })}
          aria-describedby="pool-hint"
          data-testid="pool-enabled"
        />
        <span>{t('templates.pool.label')}</span>
      </label>
      <p id="pool-hint" className="hint">
        {t('templates.pool.hint')}
      </p>
      <FieldMessage id="pool-msg" problem={problemFor(problems, fields.templatesPool)} />
      {pool.enabled ? (
        <>
          <label className="check-row">
            <input
              type="checkbox"
              checked={pool.sizeMiB !== null}
              onChange={(e) => setRamPool({ sizeMiB: e.target.checked ? (figures?.sizeMiB ?? 4096) : null })}
              data-testid="pool-custom-size"
            />
            <span>{t('templates.pool.custom')}</span>
          </label>
          {pool.sizeMiB !== null ? (
            <div className="field inline-field">
              <label htmlFor="pool-size">{t('templates.pool.size')}</label>
              <input
                id="pool-size"
                type="number"
                className="number-input"
                min={RAM_POOL_MIN_MIB}
                step={SIZE_STEP_MIB}
                value={Number.isNaN(pool.sizeMiB) ? '' : pool.sizeMiB}
                aria-invalid={sizeProblem ? true : undefined}
                aria-describedby="pool-size-msg"
                onChange={(e) =>
                  setRamPool({ sizeMiB: e.target.value.trim() === '' ? Number.NaN : Number(e.target.value) })
                }
              />
              <FieldMessage
                id="pool-size-msg"
                problem={sizeProblem}
                hint={t('templates.pool.sizeHint', { min: RAM_POOL_MIN_MIB })}
              />
            </div>
          ) : null}
          {figures ? (
            <dl className="facts compact" data-testid="pool-figures">
              <Fact label={t('templates.pool.figures.size')} value={mib(figures.sizeMiB)} />
              <Fact label={t('templates.pool.figures.clones')} value={mib(figures.clonesMiB)} />
              <Fact
                label={t('templates.pool.figures.ram')}
                value={t('templates.pool.figures.ramValue', {
                  atBoot: mib(figures.atBootMiB),
                  total: mib(figures.totalMiB),
                })}
              />
              <Fact label={t('templates.pool.figures.worst')} value={mib(figures.worstCaseMiB)} />
            </dl>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

/** Templates: RAM clones and disposable templates for stateless sessions, each with its RAM cost; the RAM pool. */
export function TemplatesSection() {
  const { t } = useTranslation();
  const facts = useSystemStore((s) => s.facts);
  const chosen = useWizardStore((s) => s.choices.templates);
  const defaultDispvm = useWizardStore((s) => s.choices.defaultDispvm);
  const setDefaultDispvm = useWizardStore((s) => s.setDefaultDispvm);
  const problems = useStepProblems('choose');
  // One model for the whole screen: the cards need only the measured ratio, the pool its figures.
  const ram = useRamModel();
  const compressor = useWizardStore((s) => s.choices.dom0.compressor);
  const templates =
    facts.kind === 'ready'
      ? facts.value.qubes.filter((q) => q.klass === 'TemplateVM').sort((a, b) => a.name.localeCompare(b.name))
      : [];
  const first = chosen[0];
  const firstDvm = first ? effectiveNames(first).dvm : null;
  return (
    <>
      <p className="hint">{t('templates.intro')}</p>
      <fieldset className="card group">
        <legend>{t('templates.legend')}</legend>
        <ul className="template-list">
          {templates.map((q) => (
            <TemplateCard
              key={q.name}
              q={q}
              choice={chosen.find((c) => c.template === q.name)}
              problems={problems}
              ratio={ram?.measurements.ratios[compressor]}
            />
          ))}
        </ul>
      </fieldset>

      <RamPoolSettings problems={problems} figures={ram?.model.ramPool ?? null} />

      <fieldset className="card group">
        <legend>{t('templates.defaultDispvm.legend')}</legend>
        <label className="check-row">
          <input
            type="checkbox"
            checked={defaultDispvm}
            disabled={!first}
            onChange={(e) => setDefaultDispvm(e.target.checked)}
            aria-describedby="dispvm-hint"
            data-testid="default-dispvm"
          />
          <span>{t('templates.defaultDispvm.label')}</span>
        </label>
        <p id="dispvm-hint" className="hint">
          {firstDvm
            ? t('templates.defaultDispvm.hint', { dvm: firstDvm })
            : t('templates.defaultDispvm.none')}
        </p>
      </fieldset>
    </>
  );
}
