import { useState } from 'react';
import { ApiError, del, get, post } from '../api.js';
import { useI18n } from '../i18n.js';
import type { AlertConclusion, Bilingual, Source } from '../types.js';
import { ErrorBox, Show, useLoad } from './Async.js';
import { SourceLink } from './SourceLink.js';

/** A follow-up item's reason as the server sends it (src/followup/plan.ts FollowUpReason). */
type Reason =
  | { kind: 'record'; statement: Bilingual; factIds: string[]; sources: Source[] }
  | {
      kind: 'rule';
      ruleId: string;
      statement: Bilingual;
      authority: { name: string; document?: string; url?: string };
      citation: string;
    }
  | { kind: 'order'; statement: Bilingual; authority: { name: string }; citation: string; sources: Source[] };

interface Item {
  id: string;
  kind: string;
  title: Bilingual;
  due?: string;
  measure?: { name: Bilingual; unit: string; at: number[] };
  ruleIds: string[];
  reasons: Reason[];
}
interface Plan {
  id: string;
  dischargedAt: string;
  items: Item[];
}
interface Alert {
  id: string;
  ruleId: string;
  severity: string;
  at: string;
  status: 'open' | 'acknowledged';
  conclusion: AlertConclusion;
}

/** A reminder as stored (src/followup/store.ts Reminder): planned, sent (by which notifier) or failing. */
interface Reminder {
  id: string;
  itemId: string;
  remindAt: string;
  message: Bilingual;
  sentAt?: string;
  channel?: string;
  lastError?: string;
}
/** A follow-up link (never its token, shown once when issued). */
interface Link {
  id: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
}
interface IssuedLink {
  link: Link;
  url: string;
  qrSvg: string;
}

const KIND: Record<string, Bilingual> = {
  lab: { en: 'Lab', zh: '检验' },
  imaging: { en: 'Imaging', zh: '检查' },
  appointment: { en: 'Visit', zh: '复诊' },
  'medication-review': { en: 'Medication review', zh: '用药复核' },
  rehabilitation: { en: 'Rehabilitation', zh: '康复' },
  'self-monitoring': { en: 'Home monitoring', zh: '居家监测' },
};

/**
 * The clinician's follow-up view on a patient's page: the plan after discharge (each item with the
 * record facts, clickable to their source, and the guideline rule or discharge order behind it), and
 * the alerts the patient's home readings raised, with the readings as evidence; the reminders (planned,
 * sent, failing) and the patient's follow-up link (it lasts the plan, opens only the follow-up page; revocable).
 */
export function FollowUpPanel({ patientId }: { patientId: string }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const say = (b: Bilingual) => (zh ? (b.zh ?? b.en) : b.en);
  const pid = encodeURIComponent(patientId);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedLink>();
  const when = (iso: string) =>
    new Date(iso).toLocaleString(zh ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  const data = useLoad(async (signal) => {
    const plan = await get<{ plan: Plan }>(`/api/followup/patients/${pid}/plan`, { signal }).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    });
    const readings = await get<{ alerts: Alert[] }>(`/api/followup/patients/${pid}/readings`, { signal });
    const { reminders } = await get<{ reminders: Reminder[] }>(`/api/followup/patients/${pid}/reminders`, { signal });
    const { links } = await get<{ links: Link[] }>(`/api/followup/patients/${pid}/links`, { signal });
    return { plan: plan?.plan, alerts: readings.alerts, reminders, links };
  }, `${patientId}-${tick}`);
  const act = async (fn: () => Promise<unknown>) => {
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
  return (
    <section className="card followup-panel" aria-label={zh ? '出院随访' : 'Follow-up'}>
      <h2>{zh ? '出院随访与康复' : 'Follow-up and rehabilitation'}</h2>
      {error && <ErrorBox error={error} />}
      <Show state={data}>
        {({ plan, alerts, reminders, links }) => (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act(() => post(`/api/followup/patients/${pid}/plan`, {}))}
            >
              {plan ? (zh ? '按当前病历重新生成' : 'Re-plan from the record') : zh ? '生成随访计划' : 'Make the plan'}
            </button>
            {alerts.length > 0 && (
              <>
                <h3>{zh ? '居家读数警示' : 'Alerts from home readings'}</h3>
                <ul className="followup-alerts">
                  {alerts.map((a) => (
                    <li key={a.id} className={`conclusion sev-${a.severity}`}>
                      <span className={`sev sev-${a.severity}`}>{a.severity}</span> {say(a.conclusion.statement)}{' '}
                      <small className="muted">{new Date(a.at).toLocaleString(zh ? 'zh-CN' : 'en-GB')}</small>
                      {a.conclusion.detail && <div>{say(a.conclusion.detail)}</div>}
                      <ul className="evidence">
                        {a.conclusion.evidence.map((e) => (
                          <li key={`${e.statement.en}-${e.role}`}>
                            {say(e.statement)}
                            {e.knowledge?.map((k) => (
                              <span key={k.edgeId}>
                                {' '}
                                · <SourceLink source={k} patientId={patientId} />
                              </span>
                            ))}
                          </li>
                        ))}
                      </ul>
                      {a.status === 'open' ? (
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() =>
                            void act(() => post(`/api/followup/alerts/${encodeURIComponent(a.id)}/acknowledge`, {}))
                          }
                        >
                          {zh ? '已处理' : 'Acknowledge'}
                        </button>
                      ) : (
                        <small className="muted">{zh ? '已处理' : 'Acknowledged'}</small>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {plan && (
              <div className="followup-link">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => setIssued(await post<IssuedLink>(`/api/followup/patients/${pid}/links`, {})))
                  }
                >
                  {zh ? '生成随访链接（整个随访期有效）' : 'Issue the follow-up link (lasts the plan)'}
                </button>
                {issued && (
                  <div className="link-issued" data-link={issued.link.id}>
                    <img
                      className="qr"
                      width={180}
                      height={180}
                      alt={zh ? '随访二维码' : 'Follow-up QR code'}
                      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(issued.qrSvg)}`}
                    />
                    <input
                      className="link-url"
                      readOnly
                      value={issued.url}
                      aria-label={zh ? '随访链接' : 'Follow-up link'}
                      onFocus={(e) => e.target.select()}
                    />
                    <p className="muted">
                      {zh
                        ? `有效期至 ${when(issued.link.expiresAt)}，只能打开随访页面。此链接只显示这一次。`
                        : `Valid until ${when(issued.link.expiresAt)}; it opens the follow-up page only. ` +
                          'Shown only now.'}
                    </p>
                  </div>
                )}
                {links.length > 0 && (
                  <ul className="followup-links">
                    {links.map((l) => (
                      <li key={l.id} data-link={l.id}>
                        {zh ? '随访链接' : 'Follow-up link'} · {zh ? '发出' : 'issued'} {when(l.createdAt)} ·{' '}
                        {l.revokedAt
                          ? zh
                            ? '已撤销'
                            : 'revoked'
                          : Date.parse(l.expiresAt) <= Date.now()
                            ? zh
                              ? '已过期'
                              : 'expired'
                            : `${zh ? '有效期至' : 'valid until'} ${when(l.expiresAt)}`}{' '}
                        {!l.revokedAt && Date.parse(l.expiresAt) > Date.now() && (
                          <button
                            type="button"
                            disabled={busy}
                            onClick={() =>
                              void act(async () => {
                                await del(`/api/patient-links/${encodeURIComponent(l.id)}`);
                                if (issued?.link.id === l.id) setIssued(undefined);
                              })
                            }
                          >
                            {zh ? '撤销' : 'Revoke'}
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {reminders.length > 0 && (
              <>
                <h3>{zh ? '提醒' : 'Reminders'}</h3>
                <ul className="followup-reminders">
                  {reminders.map((r) => (
                    <li key={r.id} data-reminder={r.sentAt ? 'sent' : r.lastError ? 'failing' : 'planned'}>
                      {say(r.message)}{' '}
                      <small className="muted">
                        {r.sentAt
                          ? `${zh ? '已发送' : 'sent'} ${when(r.sentAt)} (${r.channel})`
                          : r.lastError
                            ? `${zh ? '发送失败' : 'failing'}: ${r.lastError}`
                            : `${zh ? '计划于' : 'planned for'} ${when(r.remindAt)}`}
                      </small>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {plan ? (
              <ol className="followup-items">
                {plan.items.map((i) => (
                  <li key={i.id} data-item={i.ruleIds.join(' ') || 'order'}>
                    <strong>{say(KIND[i.kind] ?? { en: i.kind, zh: i.kind })}</strong> · {say(i.title)}
                    {' · '}
                    <span className="muted">
                      {i.due ? `${zh ? '截止' : 'by'} ${i.due}` : zh ? '下次复诊时' : 'at the next visit'}
                    </span>
                    {i.measure && (
                      <div className="muted">
                        {zh ? '评估指标' : 'Measure'}: {say(i.measure.name)} ({i.measure.unit})
                      </div>
                    )}
                    <ul className="evidence">
                      {i.reasons.map((r) => (
                        <li key={`${r.kind}-${r.statement.en}`}>
                          {say(r.statement)}
                          {(r.kind === 'record' || r.kind === 'order') &&
                            r.sources.slice(0, 3).map((s) => (
                              <span key={JSON.stringify(s)}>
                                {' '}
                                · <SourceLink source={s} patientId={patientId} />
                              </span>
                            ))}
                          {r.kind === 'rule' && (
                            <div className="muted">
                              <small>
                                <span data-verbatim>{r.authority.name}</span>: <span data-verbatim>{r.citation}</span>
                              </small>
                            </div>
                          )}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{zh ? '尚未生成随访计划。' : 'No follow-up plan yet.'}</p>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
