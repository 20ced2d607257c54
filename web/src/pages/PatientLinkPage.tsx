import { useEffect, useState } from 'react';
import { ApiError, get, PATIENT_TOKEN, post } from '../api.js';
import { ErrorBox, Loading } from '../components/Async.js';
import { useI18n } from '../i18n.js';
import { ConsultPage } from './ConsultPage.js';
import { FollowUpPatientPage } from './FollowUpPatientPage.js';

/** `GET /api/patient-links/me`: the link's appointment, what the patient is asked to consent to, their answer and session. */
interface LinkInfo {
  linkId: string;
  expiresAt: string;
  appointment: { id: string; start?: string; end?: string; description?: string };
  consentText: { version: string; zh: string; en: string };
  consent?: { status: 'active' | 'rejected'; dateTime: string };
  session?: string;
}

/**
 * A patient's pre-consultation link (QR code): the token is their only credential, kept for this tab
 * (sessionStorage, sent as the bearer by api.ts). First what is collected and why, with agree or
 * decline stored in their record; then the chat, resumed after a reload. A link that is expired,
 * revoked or wrong says so plainly and sends the patient to the clinic.
 */
export function PatientLinkPage({ token }: { token: string }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  // Stored before the first request so that request carries it.
  useState(() => sessionStorage.setItem(PATIENT_TOKEN, token));
  const [info, setInfo] = useState<LinkInfo>();
  const [error, setError] = useState<Error>();
  const [dead, setDead] = useState(false);
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  // The same link opens the follow-up plan after discharge (readings, reminders) beside the pre-consultation.
  const [view, setView] = useState<'consult' | 'followup'>('consult');

  // A follow-up link (`mpf1.…`) opens the follow-up page only: no pre-consultation, no consent to ask.
  const followUpOnly = token.startsWith('mpf1.');

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on the token or a retry
  useEffect(() => {
    let live = true;
    sessionStorage.setItem(PATIENT_TOKEN, token);
    if (followUpOnly) return;
    get<LinkInfo>('/api/patient-links/me')
      .then((m) => {
        if (!live) return;
        setInfo(m);
        setError(undefined);
      })
      .catch((e: Error) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          // A dead token must not ride along on later requests.
          sessionStorage.removeItem(PATIENT_TOKEN);
          setDead(true);
        } else setError(e);
      });
    return () => {
      live = false;
    };
  }, [token, tick]);

  if (dead)
    return (
      <section className="page link-invalid">
        <h1>{zh ? '链接已失效' : 'This link no longer works'}</h1>
        <p role="alert">
          {zh
            ? '这个预问诊链接已过期、已被撤销或无效。请联系为您预约的医院或诊室，请他们重新发给您一个链接。'
            : 'This pre-consultation link has expired, was withdrawn, or is not valid. Please ask the clinic where you have your appointment to send you a new one.'}
        </p>
      </section>
    );
  if (followUpOnly) return <FollowUpPatientPage />;
  if (error) return <ErrorBox error={error} retry={() => setTick((n) => n + 1)} />;
  if (!info) return <Loading />;
  const switcher = (
    // A switch between the patient's own two pages, not navigation (the patient page has none).
    <fieldset className="tabs link-views" aria-label={zh ? '页面' : 'Pages'}>
      <button type="button" aria-pressed={view === 'consult'} onClick={() => setView('consult')}>
        {zh ? '预问诊' : 'Pre-consultation'}
      </button>
      <button type="button" aria-pressed={view === 'followup'} onClick={() => setView('followup')}>
        {zh ? '出院随访' : 'After discharge'}
      </button>
    </fieldset>
  );
  if (view === 'followup')
    return (
      <>
        {switcher}
        <FollowUpPatientPage />
      </>
    );
  if (info.consent?.status === 'active')
    return (
      <>
        {switcher}
        <ConsultPage link {...(info.session ? { resume: info.session } : {})} />
      </>
    );

  const answer = async (agree: boolean) => {
    setBusy(true);
    try {
      await post('/api/patient-links/consent', { agree, lang });
      setTick((n) => n + 1);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const when = info.appointment.start
    ? new Date(info.appointment.start).toLocaleString(zh ? 'zh-CN' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
      })
    : undefined;
  return (
    <section className="page consent">
      {switcher}
      <h1>{zh ? '预问诊：开始前请阅读' : 'Pre-consultation: please read first'}</h1>
      {when && (
        <p className="muted">
          {zh
            ? `您的预约：${when}${info.appointment.description ? ` · ${info.appointment.description}` : ''}`
            : `Your appointment: ${when}${info.appointment.description ? ` · ${info.appointment.description}` : ''}`}
        </p>
      )}
      <div className="card consent-text" lang={zh ? 'zh-CN' : 'en'}>
        {(zh ? info.consentText.zh : info.consentText.en).split('\n').map((p) => (
          <p key={p}>{p}</p>
        ))}
      </div>
      {info.consent?.status === 'rejected' && (
        <p className="muted" role="status">
          {zh
            ? '您选择了不同意，您的预约不受影响，医生会在就诊时当面询问。如果改变主意，可以点“同意并开始”。'
            : 'You said no; your appointment is not affected and the doctor will ask you in person. If you change your mind, tap “Agree and start”.'}
        </p>
      )}
      <div className="consent-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)}>
          {zh ? '同意并开始' : 'Agree and start'}
        </button>
        {info.consent?.status !== 'rejected' && (
          <button type="button" disabled={busy} onClick={() => void answer(false)}>
            {zh ? '不同意' : 'I do not agree'}
          </button>
        )}
      </div>
      <p className="muted">
        <small>{zh ? `说明版本 ${info.consentText.version}` : `Version ${info.consentText.version}`}</small>
      </p>
    </section>
  );
}
