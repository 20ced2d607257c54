import { EmergencyBell } from './components/EmergencyBell.js';
import { useI18n } from './i18n.js';
import { ConsultPage } from './pages/ConsultPage.js';
import { ModelsPage } from './pages/ModelsPage.js';
import { PatientList } from './pages/PatientList.js';
import { PatientPage } from './pages/PatientPage.js';
import { QueuePage } from './pages/QueuePage.js';
import { useRoute } from './route.js';

export function App() {
  const route = useRoute();
  const { t, lang, setLang } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          MedSeek
        </a>
        <nav aria-label="main">
          <a href="#/" aria-current={route.page === 'patients' || route.page === 'patient' ? 'page' : undefined}>
            {t('patients')}
          </a>
          <a href="#/consult" aria-current={route.page === 'consult' ? 'page' : undefined}>
            {t('consult')}
          </a>
          <a href="#/queue" aria-current={route.page === 'queue' ? 'page' : undefined}>
            {t('queue')}
          </a>
          <a href="#/models" aria-current={route.page === 'models' ? 'page' : undefined}>
            {t('models')}
          </a>
        </nav>
        {/* Staff alerts: not on the patient's own page, and the queue shows its own. */}
        {route.page !== 'consult' && route.page !== 'queue' && <EmergencyBell />}
        <button type="button" className="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label="language">
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      </header>
      <main>
        {route.page === 'patients' && <PatientList />}
        {route.page === 'patient' && route.patientId && <PatientPage patientId={route.patientId} tab={route.tab ?? 'overview'} params={route.params} />}
        {route.page === 'consult' && <ConsultPage />}
        {route.page === 'queue' && <QueuePage />}
        {route.page === 'models' && <ModelsPage />}
      </main>
    </div>
  );
}
