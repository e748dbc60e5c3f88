import { useTranslation } from 'react-i18next';
import type { ForumInstall } from '../../../shared/forum-install.js';
import { useWizardStore } from '../stores/wizard-store.js';

/**
 * What an earlier forum recipe left on this dom0 (facts.forumInstall) and what the migration task will do with
 * each leftover; the migration itself is a task of the plan, reviewed and undone like every other.
 */
export function ForumInstallPanel({ found }: { readonly found: ForumInstall | null | undefined }) {
  const { t } = useTranslation();
  const migrate = useWizardStore((s) => s.choices.migrateForum);
  const setMigrate = useWizardStore((s) => s.setMigrateForum);
  if (!found) return null;
  return (
    <section
      className="card forum-install"
      data-testid="forum-install"
      data-family={found.family}
      data-migrated={String(found.migrated)}
    >
      <h3>{t('forum.title')}</h3>
      <p className="card-lead">
        {t(found.migrated ? 'forum.introMigrated' : 'forum.intro', {
          recipe: t(`forum.family.${found.family}`),
        })}
      </p>
      <table className="table forum-leftovers" aria-label={t('forum.leftovers')}>
        <thead>
          <tr>
            <th scope="col">{t('forum.column.what')}</th>
            <th scope="col">{t('forum.column.where')}</th>
            <th scope="col">{t('forum.column.fate')}</th>
          </tr>
        </thead>
        <tbody>
          {found.leftovers.map((l) => (
            <tr
              key={`${l.kind}:${l.path}:${l.detail}`}
              data-testid="forum-leftover"
              data-kind={l.kind}
              data-path={l.path}
              data-fate={l.fate}
            >
              <td>{t(`forum.kind.${l.kind}`, { detail: l.detail })}</td>
              <td>
                <code>{l.path}</code>
              </td>
              <td>
                <strong>{t(`forum.fate.${l.fate}`)}</strong> <span>{t(l.reason.key, l.reason.params)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {found.migrated ? null : (
        <label className="check-row">
          <input
            type="checkbox"
            checked={migrate}
            onChange={(e) => setMigrate(e.target.checked)}
            data-testid="forum-migrate"
          />
          <span>{t('forum.migrateChoice')}</span>
        </label>
      )}
      {found.problems.length ? (
        <>
          <h4>{t('forum.problems')}</h4>
          <ul data-testid="forum-problems">
            {found.problems.map((p, i) => (
              <li key={i}>{t(p.key, p.params)}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
