import { useTranslation } from 'react-i18next';
import type { SystemFacts } from '../../../../shared/facts.js';
import { NameField } from '../../components/name-field.js';
import { readOnlyCandidates } from '../../../../shared/read-only-root.js';
import { RadioCard } from '../../components/radio-card.js';
import { RunningQubeShutdown } from '../../components/running-qube-shutdown.js';
import { useStepProblems } from '../../hooks/use-step-problems.js';
import { fields, problemFor } from '../../lib/choice-problems.js';
import { readyValue } from '../../lib/load.js';
import { readOnlyRow } from '../../lib/read-only-row.js';
import { useSystemStore } from '../../stores/system-store.js';
import { useWizardStore } from '../../stores/wizard-store.js';

const SWAP_CHOICES = ['stateless-only', 'disable'] as const;

function ReadOnlyRootList({ facts }: { readonly facts: SystemFacts }) {
  const { t } = useTranslation();
  const chosen = useWizardStore((s) => s.choices.readOnlyRoot);
  const setReadOnlyRoot = useWizardStore((s) => s.setReadOnlyRoot);
  return (
    <ul className="qube-list" data-testid="read-only-root">
      {readOnlyCandidates(facts).map((q) => {
        const checked = chosen.includes(q.name);
        const { disabled, note, shutdown } = readOnlyRow(q, checked);
        const noteId = `ro-${q.name}-note`;
        return (
          <li key={q.name} className={`qube-item${disabled ? ' disabled' : ''}`}>
            <label className="check-row">
              <input
                type="checkbox"
                checked={checked}
                disabled={disabled}
                onChange={(e) => setReadOnlyRoot(q.name, e.target.checked)}
                aria-describedby={noteId}
                data-testid={`ro-${q.name}`}
              />
              <span className="mono">{q.name}</span>
            </label>
            <span id={noteId} className="qube-note">
              {t(note.key, note.params)}
            </span>
            {shutdown ? <RunningQubeShutdown qube={q.name} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** Only dom0 forgets: qubes on disk keep what they write (said before anything is chosen). */
export function DiskQubesNote() {
  const { t } = useTranslation();
  return (
    <p className="notice notice-info" role="note" data-testid="disk-qubes-note">
      {t('extras.diskQubes')}
    </p>
  );
}

/** What a session keeps off the disk and what it cannot (logs, GRUB's grubenv, LVM, rpm). */
export function LogsSection() {
  const { t } = useTranslation();
  const ramPool = useWizardStore((s) => s.choices.ramPool.enabled);
  return (
    <div className="notice notice-warn" role="note" data-testid="session-disk-note">
      <div>
        <p>{t('extras.sessionDisk.permanent')}</p>
        <p>{ramPool ? t('extras.sessionDisk.newQubesRam') : t('extras.sessionDisk.newQubesDisk')}</p>
        <p>{t('extras.sessionDisk.cannotLead')}</p>
        <ul>
          {(['grub', 'qubes', 'lvm', 'rpm', 'journal'] as const).map((k) => (
            <li key={k}>{t(`extras.sessionDisk.cannot.${k}`)}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Disk swap: off in stateless sessions only, or off for good. */
export function SwapSection() {
  const { t } = useTranslation();
  const facts = readyValue(useSystemStore((s) => s.facts));
  const swap = useWizardStore((s) => s.choices.swap);
  const setSwap = useWizardStore((s) => s.setSwap);
  const diskSwap = facts
    ? facts.swap
        .filter((s) => !s.device.startsWith('/dev/zram'))
        .map((s) => s.device)
        .join(', ')
    : '';
  return (
    <fieldset className="card group">
      <legend>{t('extras.swap.legend')}</legend>
      <div className="radio-cards cols-2">
        {SWAP_CHOICES.map((s) => (
          <RadioCard
            key={s}
            name="swap"
            value={s}
            checked={swap === s}
            onSelect={setSwap}
            title={t(`extras.swap.${s}.title`)}
          >
            <span className="para">
              {t(`extras.swap.${s}.explain`, { devices: diskSwap || t('facts.none') })}
            </span>
          </RadioCard>
        ))}
      </div>
    </fieldset>
  );
}

/** Qube storage: throw-away volatile volumes and read-only roots. */
export function QubeStorageSection() {
  const { t } = useTranslation();
  const f = readyValue(useSystemStore((s) => s.facts));
  const ephemeralVolatile = useWizardStore((s) => s.choices.ephemeralVolatile);
  const setEphemeralVolatile = useWizardStore((s) => s.setEphemeralVolatile);
  return (
    <>
      <fieldset className="card group">
        <legend>{t('extras.volatile.legend')}</legend>
        <label className="check-row">
          <input
            type="checkbox"
            checked={ephemeralVolatile}
            onChange={(e) => setEphemeralVolatile(e.target.checked)}
            aria-describedby="volatile-hint"
          />
          <span>{t('extras.volatile.label')}</span>
        </label>
        <p id="volatile-hint" className="hint">
          {t('extras.volatile.hint')}
        </p>
      </fieldset>

      <fieldset className="card group">
        <legend>{t('extras.readOnly.legend')}</legend>
        <p className="hint">{t('extras.readOnly.intro')}</p>
        {f ? <ReadOnlyRootList facts={f} /> : null}
      </fieldset>
    </>
  );
}

/** A persistent, network-less qube for keeping files from stateless sessions. */
export function SaveVaultSection() {
  const { t } = useTranslation();
  const f = readyValue(useSystemStore((s) => s.facts));
  const saveVault = useWizardStore((s) => s.choices.saveVault);
  const setSaveVault = useWizardStore((s) => s.setSaveVault);
  const problems = useStepProblems('choose');
  return (
    <fieldset className="card group">
      <legend>{t('extras.vault.legend')}</legend>
      <label className="check-row">
        <input
          type="checkbox"
          checked={saveVault.enabled}
          onChange={(e) => setSaveVault({ enabled: e.target.checked })}
          aria-describedby="vault-hint"
          data-testid="vault-enabled"
        />
        <span>{t('extras.vault.label')}</span>
      </label>
      <p id="vault-hint" className="hint">
        {t('extras.vault.hint', { template: f?.prefs.default_template ?? '—' })}
      </p>
      {saveVault.enabled ? (
        <NameField
          id="vault-name"
          label={t('extras.vault.name')}
          value={saveVault.name}
          problem={problemFor(problems, fields.saveVaultName)}
          hint={t('names.ok', { release: f?.qubesRelease ?? '' })}
          onChange={(name) => setSaveVault({ name })}
        />
      ) : null}
    </fieldset>
  );
}
