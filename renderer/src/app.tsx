import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SimulatedBanner } from './components/simulated-banner.js';
import { SystemCheckScreen } from './screens/system-check-screen.js';
import { useSystemStore } from './stores/system-store.js';

export function App() {
  const { t } = useTranslation();
  const info = useSystemStore((s) => s.info);
  const load = useSystemStore((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="app">
      {info.kind === 'ready' && info.value.system.kind === 'simulated' ? <SimulatedBanner where={info.value.system.description} /> : null}
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p className="subtitle">{t('app.subtitle')}</p>
      </header>
      <main className="app-main">
        <SystemCheckScreen />
      </main>
    </div>
  );
}
