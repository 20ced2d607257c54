import { post } from './api.js';
import { ErrorBox } from './components/Async.js';
import { EmergencyBell } from './components/EmergencyBell.js';
import { useI18n } from './i18n.js';
import { ConsultPage } from './pages/ConsultPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ModelsPage } from './pages/ModelsPage.js';
import { PatientLinkPage } from './pages/PatientLinkPage.js';
import { PatientList } from './pages/PatientList.js';
import { PatientPage } from './pages/PatientPage.js';
import { QueuePage } from './pages/QueuePage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { TeachingPage } from './pages/TeachingPage.js';
import { type Route, useRoute } from './route.js';
import { type Me, useSession } from './session.js';

/**
 * The shell: a patient's link opens their pre-consultation without any login; everyone else logs in
 * first; a patient sees their own consultation and nothing of the clinicians' workspace; settings
 * are for administrators.
 */
export function App() {
  const route = useRoute();
  const { me, error, refresh } = useSession();
  if (route.page === 'link' && route.token)
    return <PatientShell>{<PatientLinkPage token={route.token} />}</PatientShell>;
  if (error) return <ErrorBox error={error} />;
  if (me === undefined) return null;
  if (me === null) return <LoginPage onLogin={refresh} />;
  if (me.role === 'patient') return <PatientShell>{<ConsultPage />}</PatientShell>;
  return <Workspace me={me} route={route} onLogout={refresh} />;
}

/** The patient's frame: the brand and the language switch, no navigation. */
function PatientShell({ children }: { children: React.ReactNode }) {
  const { lang, setLang } = useI18n();
  return (
    <div className="app patient">
      <header className="topbar">
        <span className="brand">MedSeek</span>
        <button
          type="button"
          className="lang"
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          aria-label={lang === 'zh' ? '切换语言' : 'Switch language'}
          lang={lang === 'zh' ? 'en' : 'zh'}
        >
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}

function Workspace({ me, route, onLogout }: { me: Me; route: Route; onLogout: () => void }) {
  const { t, lang, setLang } = useI18n();
  const admin = me.role === 'admin';
  const logout = async () => {
    await post('/api/auth/logout', {}).catch(() => undefined);
    onLogout();
  };
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          MedSeek
        </a>
        <nav aria-label={lang === 'zh' ? '主导航' : 'Main'}>
          <a href="#/" aria-current={route.page === 'patients' || route.page === 'patient' ? 'page' : undefined}>
            {t('patients')}
          </a>
          <a href="#/consult" aria-current={route.page === 'consult' ? 'page' : undefined}>
            {t('consult')}
          </a>
          <a href="#/queue" aria-current={route.page === 'queue' ? 'page' : undefined}>
            {t('queue')}
          </a>
          <a href="#/teaching" aria-current={route.page === 'teaching' ? 'page' : undefined}>
            {t('teaching')}
          </a>
          {/* The model-call log holds prompts built from records: administrators only, like the audit log. */}
          {admin && (
            <a href="#/models" aria-current={route.page === 'models' ? 'page' : undefined}>
              {t('models')}
            </a>
          )}
          {admin && (
            <a href="#/settings" aria-current={route.page === 'settings' ? 'page' : undefined}>
              {t('settings')}
            </a>
          )}
        </nav>
        {/* Staff alerts: not on the consultation page (a patient may be holding the device), and the queue shows its own. */}
        {route.page !== 'consult' && route.page !== 'queue' && <EmergencyBell />}
        <span className="who" title={me.id} data-verbatim>
          {me.name}
        </span>
        {me.kind === 'session' && (
          <button type="button" className="logout" onClick={() => void logout()}>
            {t('logout')}
          </button>
        )}
        <button
          type="button"
          className="lang"
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          aria-label={lang === 'zh' ? '切换语言' : 'Switch language'}
          lang={lang === 'zh' ? 'en' : 'zh'}
        >
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      </header>
      <main>
        {route.page === 'patients' && <PatientList />}
        {route.page === 'patient' && route.patientId && (
          <PatientPage patientId={route.patientId} tab={route.tab ?? 'overview'} params={route.params} />
        )}
        {route.page === 'consult' && <ConsultPage />}
        {route.page === 'queue' && <QueuePage />}
        {route.page === 'teaching' && <TeachingPage />}
        {(route.page === 'models' || route.page === 'settings') && !admin && (
          <p role="alert">{lang === 'zh' ? '仅管理员可用' : 'Administrators only'}</p>
        )}
        {route.page === 'models' && admin && <ModelsPage />}
        {route.page === 'settings' && admin && <SettingsPage {...(route.section ? { section: route.section } : {})} />}
      </main>
    </div>
  );
}
