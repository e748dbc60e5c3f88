import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPRESSORS, SELECTIONS } from '../../../../shared/choices.js';
import { STATELESS_MODES } from '../../../../shared/facts.js';
import { FieldMessage } from '../../components/field-message.js';
import { RadioCard } from '../../components/radio-card.js';
import { useMiB } from '../../hooks/use-mib.js';
import { useStepProblems } from '../../hooks/use-step-problems.js';
import { PROMPT_TIMEOUT, fields, problemFor } from '../../lib/choice-problems.js';
import { percent } from '../../lib/format.js';
import { readyValue } from '../../lib/load.js';
import { modeCosts } from '../../lib/ram-view.js';
import { useRamStore } from '../../stores/ram-store.js';
import { useSystemStore } from '../../stores/system-store.js';
import { useWizardStore } from '../../stores/wizard-store.js';

const asInt = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

/** The mode cards: how dom0's root runs from RAM and what each costs on this machine (and zram's compressor). */
export function ModeCards() {
  const { t } = useTranslation();
  const mib = useMiB();
  const dom0 = useWizardStore((s) => s.choices.dom0);
  const choices = useWizardStore((s) => s.choices);
  const setDom0 = useWizardStore((s) => s.setDom0);
  const facts = readyValue(useSystemStore((s) => s.facts));
  const measurements = readyValue(useRamStore((s) => s.measurements));
  // Only each mode's root cost is shown here, so the full model for the current choices is not needed.
  const costs = useMemo(
    () => (facts && measurements ? modeCosts(facts, choices, measurements) : null),
    [facts, measurements, choices],
  );
  return (
    <>
      <fieldset className="card group">
        <legend>{t('mode.modeLegend')}</legend>
        <div className="radio-cards cols-3">
          {STATELESS_MODES.map((m) => (
            <RadioCard
              key={m}
              name="mode"
              value={m}
              checked={dom0.mode === m}
              onSelect={(mode) => setDom0({ mode })}
              title={t(`mode.${m}.title`)}
            >
              <span className="para">{t(`mode.${m}.explain`)}</span>
              <span className="cost" data-testid={`mode-cost-${m}`}>
                {costs
                  ? m === 'overlay'
                    ? t('mode.costOverlay', { total: mib(costs[m].totalMiB) })
                    : t('mode.cost', {
                        total: mib(costs[m].totalMiB),
                        atBoot: mib(costs[m].atBootMiB),
                        session: mib(costs[m].sessionWritesMiB),
                      })
                  : t('mode.costLoading')}
              </span>
            </RadioCard>
          ))}
        </div>
      </fieldset>

      {dom0.mode === 'zram' ? (
        <fieldset className="card group" data-testid="compressor">
          <legend>{t('mode.compressorLegend')}</legend>
          <p className="hint">{t('mode.compressorIntro')}</p>
          <div className="radio-cards cols-3">
            {COMPRESSORS.map((c) => {
              const ratio = measurements?.ratios[c];
              return (
                <RadioCard
                  key={c}
                  name="compressor"
                  value={c}
                  checked={dom0.compressor === c}
                  onSelect={(compressor) => setDom0({ compressor })}
                  title={c}
                >
                  <span className="para">{t(`mode.compressor.${c}`)}</span>
                  {ratio ? (
                    <span className="cost">
                      {t(`mode.ratio.${ratio.source}`, { pct: percent(ratio.ratio) })}
                    </span>
                  ) : null}
                </RadioCard>
              );
            })}
          </div>
        </fieldset>
      ) : null}
    </>
  );
}

/** How the stateless boot is chosen: its own GRUB entry, or that entry asking at boot (with its timeout). */
export function PromptSection() {
  const { t } = useTranslation();
  const dom0 = useWizardStore((s) => s.choices.dom0);
  const setDom0 = useWizardStore((s) => s.setDom0);
  const timeoutProblem = problemFor(useStepProblems('choose'), fields.promptTimeout);
  return (
    <fieldset className="card group">
      <legend>{t('mode.selectionLegend')}</legend>
      <div className="radio-cards cols-2">
        {SELECTIONS.map((s) => (
          <RadioCard
            key={s}
            name="selection"
            value={s}
            checked={dom0.selection === s}
            onSelect={(selection) => setDom0({ selection })}
            title={t(`mode.selection.${s}.title`)}
          >
            <span className="para">{t(`mode.selection.${s}.explain`)}</span>
          </RadioCard>
        ))}
      </div>
      {dom0.selection === 'prompt' ? (
        <div className="field inline-field">
          <label htmlFor="prompt-timeout">{t('mode.prompt.label')}</label>
          <input
            id="prompt-timeout"
            type="number"
            className="number-input"
            min={PROMPT_TIMEOUT.min}
            max={PROMPT_TIMEOUT.max}
            step={1}
            value={Number.isNaN(dom0.promptTimeoutSec) ? '' : dom0.promptTimeoutSec}
            aria-invalid={timeoutProblem ? true : undefined}
            aria-describedby="prompt-timeout-msg"
            onChange={(e) => setDom0({ promptTimeoutSec: asInt(e.target.value) })}
          />
          <FieldMessage
            id="prompt-timeout-msg"
            problem={timeoutProblem}
            hint={t('mode.prompt.hint', PROMPT_TIMEOUT)}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

/** Kernel hardening words on the stateless entry. */
export function HardeningSection() {
  const { t } = useTranslation();
  const hardening = useWizardStore((s) => s.choices.dom0.hardening);
  const setDom0 = useWizardStore((s) => s.setDom0);
  return (
    <fieldset className="card group">
      <legend>{t('mode.hardeningLegend')}</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={hardening}
          onChange={(e) => setDom0({ hardening: e.target.checked })}
          aria-describedby="hardening-hint"
        />
        <span>{t('mode.hardening.label')}</span>
      </label>
      <p id="hardening-hint" className="hint">
        {t('mode.hardening.hint')}
      </p>
    </fieldset>
  );
}
