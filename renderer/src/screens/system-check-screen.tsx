import { useTranslation } from 'react-i18next';
import type { SystemFacts } from '../../../shared/facts.js';
import { systemChecks } from '../../../shared/system-checks.js';
import { ErrorPanel } from '../components/error-panel.js';
import { Fact } from '../components/fact.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { StepNav } from '../components/step-nav.js';
import { useStepProblems } from '../hooks/use-step-problems.js';
import { useSystemStore } from '../stores/system-store.js';

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);
const gibFromMiB = (mib: number) => (mib / 1024).toFixed(1);

function Facts({ facts }: { readonly facts: SystemFacts }) {
  const { t } = useTranslation();
  const templates = facts.qubes.filter((q) => q.klass === 'TemplateVM');
  const running = facts.qubes.filter((q) => q.klass !== 'AdminVM' && q.state === 'Running');
  return (
    <dl className="facts">
      <Fact testId="fact-release" label={t('facts.release')} value={facts.releaseName} />
      <Fact testId="fact-boot-mode" label={t('facts.bootMode')} value={facts.bootMode.kind === 'persistent' ? t('facts.persistent') : t('facts.stateless', { mode: facts.bootMode.mode })} />
      <Fact testId="fact-host-memory" label={t('facts.hostMemory')} value={t('facts.hostMemoryValue', { gib: gibFromMiB(facts.memory.totalMiB), xen: facts.memory.xenVersion })} />
      <Fact
        testId="fact-dom0-memory"
        label={t('facts.dom0Memory')}
        value={t('facts.dom0MemoryValue', { current: gibFromMiB(facts.memory.dom0.currentMiB), max: facts.memory.dom0.maxMiB === null ? '—' : gibFromMiB(facts.memory.dom0.maxMiB) })}
      />
      <Fact testId="fact-root" label={t('facts.root')} value={t('facts.rootValue', { source: facts.rootFs.source, type: facts.rootFs.fsType, used: gib(facts.rootFs.usedBytes), size: gib(facts.rootFs.sizeBytes) })} />
      <Fact testId="fact-boot" label={t('facts.boot')} value={t('facts.bootValue', { free: gib(facts.bootFs.availBytes), kernels: facts.kernels.length })} />
      <Fact testId="fact-swap" label={t('facts.swap')} value={facts.swap.length === 0 ? t('facts.none') : facts.swap.map((s) => `${s.device} (${gibFromMiB(s.sizeKiB / 1024)} GiB)`).join(', ')} />
      <Fact testId="fact-pools" label={t('facts.pools')} value={facts.pools.map((p) => `${p.name} (${p.driver})`).join(', ')} />
      <Fact testId="fact-qubes" label={t('facts.qubes')} value={t('facts.qubesValue', { count: facts.qubes.length - 1, templates: templates.length, running: running.length })} />
    </dl>
  );
}

function Checks({ facts }: { readonly facts: SystemFacts }) {
  const { t } = useTranslation();
  return (
    <ul className="checks" aria-label={t('checks.heading')}>
      {systemChecks(facts).map((c) => (
        <li key={c.id} className="check" data-testid={`check-${c.id}`} data-status={c.status}>
          <StatusIcon status={c.status} />
          <span>{t(`checks.${c.id}.${c.status}`, c.params)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Welcome / System check: what this dom0 is, read through the same probes as the CLI's `status`. */
export function SystemCheckScreen() {
  const { t } = useTranslation();
  const facts = useSystemStore((s) => s.facts);
  const load = useSystemStore((s) => s.load);
  const problems = useStepProblems('system-check');
  return (
    <Screen id="system-check" title={t('systemCheck.title')} lead={t('systemCheck.intro')}>
      {facts.kind === 'loading' || facts.kind === 'idle' ? (
        <p className="loading" role="status">
          {t('systemCheck.loading')}
        </p>
      ) : facts.kind === 'failed' ? (
        <ErrorPanel error={facts.error} onRetry={() => void load(true)} />
      ) : (
        <div className="system-check">
          <div className="card">
            <h3>{t('checks.heading')}</h3>
            <Checks facts={facts.value} />
          </div>
          <div className="card">
            <h3>{t('facts.heading')}</h3>
            <Facts facts={facts.value} />
          </div>
        </div>
      )}
      {facts.kind === 'ready' ? <StepNav step="system-check" problems={problems} /> : null}
    </Screen>
  );
}
