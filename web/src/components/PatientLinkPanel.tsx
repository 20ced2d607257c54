import { useState } from 'react';
import { del, get, post } from '../api.js';
import { term, useI18n } from '../i18n.js';
import { ErrorBox, Show, useLoad } from './Async.js';

interface LinkRow {
  id: string;
  appointmentId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  consultSession?: string;
}
interface AppointmentRow {
  id: string;
  status?: string;
  start?: string;
  end?: string;
  description?: string;
}
interface Issued {
  link: LinkRow;
  url: string;
  qrSvg: string;
}

const when = (iso: string | undefined, zh: boolean) =>
  iso ? new Date(iso).toLocaleString(zh ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }) : '—';

/**
 * For the clinician on a patient's page: the patient's appointments, a pre-consultation link and QR
 * code for one of them (shown once: print it or send it), and the links already issued, revocable.
 */
export function PatientLinkPanel({ patientId }: { patientId: string }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [tick, setTick] = useState(0);
  const data = useLoad(
    (signal) =>
      get<{ links: LinkRow[]; appointments: AppointmentRow[] }>(
        `/api/patient-links?patient=${encodeURIComponent(patientId)}`,
        { signal },
      ),
    `${patientId}-${tick}`,
  );
  const [issued, setIssued] = useState<Issued>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      setTick((n) => n + 1);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const issue = (appointmentId: string) =>
    act(async () => {
      setCopied(false);
      setIssued(await post<Issued>('/api/patient-links', { appointmentId }));
    });
  const revoke = (id: string) =>
    act(async () => {
      await del(`/api/patient-links/${encodeURIComponent(id)}`);
      if (issued?.link.id === id) setIssued(undefined);
    });
  const state = (l: LinkRow) =>
    l.revokedAt
      ? zh
        ? '已撤销'
        : 'revoked'
      : Date.parse(l.expiresAt) <= Date.now()
        ? zh
          ? '已过期'
          : 'expired'
        : l.consultSession
          ? zh
            ? '已开始预问诊'
            : 'pre-consultation started'
          : zh
            ? '有效'
            : 'active';

  return (
    <section className="card patient-links" aria-label={zh ? '预问诊链接' : 'Pre-consultation links'}>
      <h2>{zh ? '预问诊链接 / 二维码' : 'Pre-consultation link / QR code'}</h2>
      <p className="muted">
        {zh
          ? '患者扫码或打开链接，在就诊前完成预问诊；链接只对这一次预约和这位患者有效，到期自动失效。'
          : 'The patient scans the code or opens the link to answer before the visit; it works only for this appointment and this patient, and expires by itself.'}
      </p>
      {error && <ErrorBox error={error} />}
      {issued && (
        <div className="link-issued" data-link={issued.link.id}>
          {/* As an image, not inline markup: nothing in the SVG can run in the workspace. */}
          <img
            className="qr"
            width={220}
            height={220}
            alt={zh ? '预问诊二维码' : 'Pre-consultation QR code'}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(issued.qrSvg)}`}
          />
          <p>
            <input
              className="link-url"
              readOnly
              value={issued.url}
              aria-label={zh ? '预问诊链接' : 'Pre-consultation link'}
              onFocus={(e) => e.target.select()}
            />
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(issued.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? (zh ? '已复制' : 'Copied') : zh ? '复制链接' : 'Copy link'}
            </button>
            <button type="button" onClick={() => window.print()}>
              {zh ? '打印' : 'Print'}
            </button>
          </p>
          <p className="muted">
            {zh
              ? `有效期至 ${when(issued.link.expiresAt, zh)}。此链接只显示这一次；丢失后请撤销并重新生成。`
              : `Valid until ${when(issued.link.expiresAt, zh)}. Shown only now; if it is lost, revoke it and issue a new one.`}
          </p>
        </div>
      )}
      <Show state={data}>
        {({ links, appointments }) => (
          <>
            <h3>{zh ? '预约' : 'Appointments'}</h3>
            {appointments.length === 0 ? (
              <p className="muted">
                {zh
                  ? '此患者没有预约记录；预约导入后才能生成链接。'
                  : 'No appointments for this patient; a link can be issued once the appointment is in the record.'}
              </p>
            ) : (
              <ul className="appointments">
                {appointments.map((a) => (
                  <li key={a.id} data-appointment={a.id}>
                    {when(a.start, zh)} {a.description ?? ''}{' '}
                    <small className="muted">{term('status', a.status, zh ? 'zh' : 'en')}</small>{' '}
                    <button type="button" disabled={busy || a.status === 'cancelled'} onClick={() => void issue(a.id)}>
                      {zh ? '生成链接和二维码' : 'Issue link and QR code'}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {links.length > 0 && (
              <>
                <h3>{zh ? '已发出的链接' : 'Links issued'}</h3>
                <table className="links">
                  <thead>
                    <tr>
                      <th>{zh ? '预约' : 'Appointment'}</th>
                      <th>{zh ? '发出' : 'Issued'}</th>
                      <th>{zh ? '有效期至' : 'Expires'}</th>
                      <th>{zh ? '状态' : 'State'}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {links.map((l) => (
                      <tr key={l.id} data-link={l.id}>
                        <td>{l.appointmentId}</td>
                        <td>{when(l.createdAt, zh)}</td>
                        <td>{when(l.expiresAt, zh)}</td>
                        <td>{state(l)}</td>
                        <td>
                          {!l.revokedAt && Date.parse(l.expiresAt) > Date.now() && (
                            <button type="button" disabled={busy} onClick={() => void revoke(l.id)}>
                              {zh ? '撤销' : 'Revoke'}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
