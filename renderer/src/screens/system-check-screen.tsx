import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SystemFacts } from '../../../shared/facts.js';
import type { DoctorCheck } from '../../../shared/doctor.js';
import { DOCTOR_GROUPS, doctorCheckText } from '../../../shared/doctor.js';
import { InstalledNotice } from '../components/installed-notice.js';
import { ErrorPanel } from '../components/error-panel.js';
import { Fact } from '../components/fact.js';
import { ForumInstallPanel } from '../components/forum-install-panel.js';
import { Screen } from '../components/screen.js';
import { StatusIcon } from '../components/status-icon.js';
import { StepNav } from '../components/step-nav.js';
import { useGiB } from '../hooks/use-mib.js';
import { useStepProblems } from '../hooks/use-step-problems.js';
import { useSystemStore } from '../stores/system-store.js';

const MiB = 1024 ** 2;

function Facts({ facts }: { readonly facts: SystemFacts }) {
  const { t } = useTranslation();
  const gib = useGiB();
  const templates = facts.qubes.filter((q) => q.klass === 'TemplateVM');
  const running = facts.qubes.filter((q) => q.klass !== 'AdminVM' && q.state === 'Running');
  return (
    <dl className="facts">
      <Fact testId="fact-release" label={t('facts.release')} value={facts.releaseName} />
      <Fact
        testId="fact-boot-mode"
        label={t('facts.bootMode')}
        value={
          facts.bootMode.kind === 'persistent'
            ? t('facts.persistent')
            : t('facts.stateless', { mode: facts.bootMode.mode })
        }
      />
      <Fact
        testId="fact-host-memory"
        label={t('facts.hostMemory')}
        value={t('facts.hostMemoryValue', {
          hostMiB: facts.memory.totalMiB,
          xen: facts.memory.xenVersion,
        })}
      />
      <Fact
        testId="fact-dom0-memory"
        label={t('facts.dom0Memory')}
        value={t('facts.dom0MemoryValue', {
          currentMiB: facts.memory.dom0.currentMiB,
          maxMiB: facts.memory.dom0.maxMiB ?? '—',
        })}
      />
      <Fact
        testId="fact-root"
        label={t('facts.root')}
        value={t('facts.rootValue', {
          source: facts.rootFs.source,
          type: facts.rootFs.fsType,
          usedMiB: facts.rootFs.usedBytes / MiB,
          sizeMiB: facts.rootFs.sizeBytes / MiB,
        })}
      />
      <Fact
        testId="fact-boot"
        label={t('facts.boot')}
        value={t('facts.bootValue', {
          freeMiB: facts.bootFs.availBytes / MiB,
          count: facts.kernels.length,
        })}
      />
      <Fact
        testId="fact-swap"
        label={t('facts.swap')}
        value={
          facts.swap.length === 0
            ? t('facts.none')
            : facts.swap.map((s) => `${s.device} (${gib(s.sizeKiB / 1024)})`).join(', ')
        }
      />
      <Fact
        testId="fact-pools"
        label={t('facts.pools')}
        value={facts.pools.map((p) => `${p.name} (${p.driver})`).join(', ')}
      />
      <Fact
        testId="fact-qubes"
        label={t('facts.qubes')}
        value={t('facts.qubesValue', {
          qubes: t('count.qubes', { count: facts.qubes.length - 1 }),
          templates: t('count.templates', { count: templates.length }),
          running: running.length,
        })}
      />
    </dl>
  );
}

const countsOf = (checks: readonly DoctorCheck[]) => ({
  ok: checks.filter((c) => c.status === 'ok').length,
  warn: checks.filter((c) => c.status === 'warn').length,
  problem: checks.filter((c) => c.status === 'problem').length,
});

/** "3 ok, 1 warning, 2 problems": each count its own plural phrase. */
const countsText = (t: TFunction, c: { ok: number; warn: number; problem: number }) =>
  t('doctor.summary.counts', {
    ok: c.ok,
    warn: t('count.warnings', { count: c.warn }),
    problem: t('count.problems', { count: c.problem }),
  });

/** A command as a line of the list: the program's name and its arguments, without the sudo prefix. */
function shortCommand(argv: readonly string[]): string {
  const [bin, ...args] = argv[1] === '-n' && argv[2] === '--' ? argv.slice(3) : argv;
  const text = [bin?.split('/').pop() ?? '', ...args].join(' ');
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

function DoctorCheckRow({ check }: { readonly check: DoctorCheck }) {
  const { t } = useTranslation();
  const tr = (key: string, params: Readonly<Record<string, string | number | boolean>>) => t(key, params);
  return (
    <li className="check" data-testid={`check-${check.id}`} data-status={check.status}>
      <StatusIcon status={check.status === 'problem' ? 'block' : check.status} />
      <div className="check-body">
        {check.command ? (
          <code className="command-short">{shortCommand(check.command.argv)}</code>
        ) : (
          <span>{doctorCheckText(check, tr)}</span>
        )}
        {check.command && check.status !== 'ok' ? (
          <span className="check-detail"> {doctorCheckText(check, tr)}</span>
        ) : null}
        {check.hint && check.status !== 'ok' ? (
          <p className="check-hint">{t(check.hint, check.params)}</p>
        ) : null}
        {check.command ? (
          <details className="check-command">
            <summary>{t('doctor.showCommand')}</summary>
            <code data-testid="command-argv">{check.command.argv.join(' ')}</code>{' '}
            <span data-testid="command-exit">
              {check.command.exitCode === null
                ? t('doctor.notStarted')
                : t('doctor.exitStatus', { exitCode: check.command.exitCode })}
            </span>
          </details>
        ) : null}
      </div>
    </li>
  );
}

/** doctor's list: every check the app makes here, by stage; a stage with a problem (and readiness) opens itself. */
function DoctorChecks() {
  const { t } = useTranslation();
  const doctor = useSystemStore((s) => s.doctor);
  if (doctor.kind === 'failed') return <ErrorPanel error={doctor.error} />;
  if (doctor.kind !== 'ready') {
    return (
      <p className="loading" role="status">
        {t('doctor.loading')}
      </p>
    );
  }
  const { checks, counts } = doctor.value;
  return (
    <div data-testid="doctor-checks">
      <p className="doctor-summary" data-testid="doctor-summary">
        {countsText(t, counts)}
      </p>
      {DOCTOR_GROUPS.map((g) => {
        const of = checks.filter((c) => c.group === g);
        if (of.length === 0) return null;
        const c = countsOf(of);
        return (
          <details
            key={g}
            className="doctor-group"
            data-testid={`doctor-group-${g}`}
            open={g === 'readiness' || c.warn + c.problem > 0}
          >
            <summary>
              {t(`doctor.groups.${g}`)} — {countsText(t, c)}
            </summary>
            <ul className="checks" aria-label={t(`doctor.groups.${g}`)}>
              {of.map((check) => (
                <DoctorCheckRow key={check.id} check={check} />
              ))}
            </ul>
          </details>
        );
      })}
    </div>
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
      <InstalledNotice />
      {facts.kind === 'loading' || facts.kind === 'idle' ? (
        <p className="loading" role="status">
          {t('systemCheck.loading')}
        </p>
      ) : facts.kind === 'failed' ? (
        <>
          <ErrorPanel error={facts.error} onRetry={() => void load(true)} />
          <div className="card">
            <h3>{t('doctor.heading')}</h3>
            <DoctorChecks />
          </div>
        </>
      ) : (
        <div className="system-check">
          <ForumInstallPanel found={facts.value.forumInstall} />
          <div className="card">
            <h3>{t('doctor.heading')}</h3>
            <p className="card-lead">{t('doctor.intro')}</p>
            <DoctorChecks />
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
