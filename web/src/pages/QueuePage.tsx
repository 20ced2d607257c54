import { useEffect, useRef, useState } from 'react';
import { ApiError, get, type OutpatientAcceptRequest, type OutpatientDraftRequest, post, subscribe } from '../api.js';
import { ErrorBox, Show, useLoad } from '../components/Async.js';
import { chime } from '../components/EmergencyBell.js';
import { term, useI18n } from '../i18n.js';
import type { ConsultEvent, OutpatientDraft, OutpatientSentence, PatientSummary, QueuedConsult } from '../types.js';

/**
 * The clinician's queue of pre-consultations: emergencies first, then sessions whose red flag is still
 * being checked (with the reason). It listens to the server's event
 * stream, so a new emergency appears at the top at once, with a banner and a tone, without a reload.
 * Opening a session shows its 预问诊报告 and the draft 门诊病历, each sentence with the patient's
 * words it came from; the clinician edits it, re-verifies, and accepts it into a patient's record.
 */
export function QueuePage() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [tick, setTick] = useState(0);
  const queue = useLoad(() => get<{ sessions: Queued[] }>('/api/consult'), `queue-${tick}`);
  const [open, setOpen] = useState<string>();
  const [live, setLive] = useState(false);
  const [alerts, setAlerts] = useState<ConsultEvent[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const report = useLoad(
    () =>
      open
        ? fetch(`/api/consult/${open}/report?format=text&lang=${lang}`, { headers: authHeaders() }).then((r) =>
            r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)),
          )
        : Promise.resolve(''),
    `${open}-${lang}`,
  );

  useEffect(
    () =>
      subscribe(
        '/api/consult/events',
        (event, data) => {
          if (event === 'ready') {
            setLive(true);
            // Anything that happened while the stream was down is in the reloaded queue.
            setTick((t) => t + 1);
            return;
          }
          if (event === 'unavailable') return setLive(false);
          if (event === 'resync') return setTick((t) => t + 1);
          if (event !== 'emergency' && event !== 'urgent' && event !== 'complete') return;
          const e = JSON.parse(data) as ConsultEvent;
          setFresh((s) => new Set([...s, e.sessionId]));
          setTick((t) => t + 1);
          if (e.type === 'urgent') setAlerts((a) => [e, ...a.filter((x) => x.sessionId !== e.sessionId)]);
          if (e.type === 'emergency') {
            setAlerts((a) => [e, ...a.filter((x) => x.sessionId !== e.sessionId)]);
            chime();
          }
        },
        () => setLive(false),
      ),
    [],
  );
  useEffect(() => {
    const base = zh ? '预问诊队列' : 'Pre-consultation queue';
    document.title = alerts.length ? `(${alerts.length}) ⚠ ${base}` : base;
  }, [alerts, zh]);

  const openSession = (id: string) => {
    setOpen(id);
    setAlerts((a) => a.filter((x) => x.sessionId !== id));
  };
  return (
    <section className="page queue-page">
      <h1>
        {zh ? '预问诊队列' : 'Pre-consultation queue'}{' '}
        <small className={live ? 'live on' : 'live off'} role="status">
          {live ? (zh ? '● 实时' : '● live') : zh ? '○ 连接中…' : '○ connecting…'}
        </small>
      </h1>
      {alerts.map((a) => (
        <div key={a.sessionId} className="new-emergency" role="alert">
          <strong>
            {a.type === 'urgent'
              ? zh
                ? '⚠ 待排除危险信号'
                : '⚠ Red flag being checked'
              : zh
                ? '⚠ 新的急诊预警'
                : '⚠ New emergency'}
          </strong>{' '}
          {a.reason ? (zh ? (a.reason.zh ?? a.reason.en) : a.reason.en) : a.complaint}
          {a.age !== undefined ? ` · ${a.age}${zh ? '岁' : 'y'}` : ''}
          <button type="button" onClick={() => openSession(a.sessionId)}>
            {zh ? '查看' : 'Open'}
          </button>
        </div>
      ))}
      <FollowUpAlerts />
      <Show state={queue}>
        {({ sessions }) =>
          sessions.length === 0 ? (
            <p className="muted">{zh ? '暂无预问诊' : 'No pre-consultations yet'}</p>
          ) : (
            <div className="queue">
              <ul className="note-list queue-list">
                {sessions.map((s) => (
                  <li
                    key={s.id}
                    data-session={s.id}
                    data-status={s.status}
                    className={fresh.has(s.id) ? 'fresh' : undefined}
                  >
                    <button
                      type="button"
                      aria-pressed={s.id === open}
                      onClick={() => openSession(s.id)}
                      className={s.status === 'emergency' || s.urgent ? 'emergency-item' : undefined}
                      data-urgent={s.urgent ? 'true' : undefined}
                    >
                      {s.status === 'emergency' || s.urgent ? '⚠ ' : ''}
                      {s.complaint}{' '}
                      {s.urgent && (
                        <small className="queue-urgent">
                          {zh ? (s.urgent.reason.zh ?? s.urgent.reason.en) : s.urgent.reason.en}{' '}
                        </small>
                      )}
                      {s.patientId && <small className="queue-patient">{`Patient/${s.patientId}`} </small>}
                      <small>
                        {[
                          s.triage ? (zh ? (s.triage.name.zh ?? s.triage.name.en) : s.triage.name.en) : '',
                          s.age !== undefined ? `${s.age}${zh ? '岁' : 'y'}` : '',
                          sexLabel(s.sex, zh),
                          s.updatedAt.slice(0, 16).replace('T', ' '),
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </small>
                    </button>
                  </li>
                ))}
              </ul>
              <div>
                <div className="card">
                  {open ? (
                    <Show state={report}>{(text) => <pre className="report-text">{text}</pre>}</Show>
                  ) : (
                    <p className="muted">{zh ? '选择一份报告' : 'Choose a report'}</p>
                  )}
                </div>
                {open && <DraftRecord key={open} sessionId={open} {...boundPatient(sessions, open)} />}
              </div>
            </div>
          )
        }
      </Show>
    </section>
  );
}

/** A home-reading alert of the follow-up queue (`GET /api/followup/alerts`, routes/followup.ts). */
interface FollowUpAlert {
  readonly id: string;
  readonly patientId: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly at: string;
  readonly status: 'open' | 'acknowledged';
  readonly conclusion: { readonly statement: { en: string; zh?: string }; readonly knowledgeRelease?: string };
}

/** A follow-up reminder sent in the last 7 days or failing (`GET /api/followup/alerts`, src/followup/store.ts). */
interface FollowUpReminder {
  readonly id: string;
  readonly patientId: string;
  readonly remindAt: string;
  readonly message: { readonly en: string; readonly zh?: string };
  readonly sentAt?: string;
  readonly channel?: string;
  readonly attempts: number;
}

/**
 * The open follow-up alerts of the patients the clinician may see, most severe first, each linking to its patient;
 * then the reminders sent to them this week, failing ones (the channel refused them) first.
 */
function FollowUpAlerts() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const alerts = useLoad(
    () => get<{ alerts: FollowUpAlert[]; reminders?: FollowUpReminder[] }>('/api/followup/alerts?status=open'),
    'followup-alerts',
  );
  const rank = (s: string) => ['critical', 'high', 'moderate', 'low', 'info'].indexOf(s);
  return (
    <section className="card followup-alerts" aria-label={zh ? '随访预警' : 'Follow-up alerts'}>
      <h2>{zh ? '随访预警（居家监测）' : 'Follow-up alerts (home readings)'}</h2>
      <Show state={alerts}>
        {({ alerts: list, reminders = [] }) => (
          <>
            {list.length === 0 ? (
              <p className="muted">{zh ? '暂无未处理的随访预警' : 'No open follow-up alerts'}</p>
            ) : (
              <ul className="note-list">
                {[...list]
                  .sort((a, b) => rank(a.severity) - rank(b.severity) || b.at.localeCompare(a.at))
                  .map((a) => (
                    <li key={a.id} data-alert={a.id} data-severity={a.severity}>
                      <a href={`#/patients/${encodeURIComponent(a.patientId)}/overview`}>
                        {a.severity === 'critical' || a.severity === 'high' ? '⚠ ' : ''}
                        {zh ? (a.conclusion.statement.zh ?? a.conclusion.statement.en) : a.conclusion.statement.en}
                      </a>{' '}
                      <small>
                        {[
                          `Patient/${a.patientId}`,
                          severityLabel(a.severity, zh),
                          a.ruleId,
                          a.at.slice(0, 16).replace('T', ' '),
                        ].join(' · ')}
                      </small>
                    </li>
                  ))}
              </ul>
            )}
            {reminders.length > 0 && <FollowUpReminders reminders={reminders} zh={zh} />}
          </>
        )}
      </Show>
    </section>
  );
}

const CHANNEL_ZH: Record<string, string> = { page: '患者随访页', webhook: '医院消息网关', log: '日志', memory: '测试' };
const channelLabel = (c: string, zh: boolean) => (zh ? (CHANNEL_ZH[c] ?? c) : c);

function FollowUpReminders({ reminders, zh }: { reminders: readonly FollowUpReminder[]; zh: boolean }) {
  const failing = (r: FollowUpReminder) => !r.sentAt;
  const sorted = [...reminders].sort(
    (a, b) => Number(failing(b)) - Number(failing(a)) || (b.sentAt ?? b.remindAt).localeCompare(a.sentAt ?? a.remindAt),
  );
  return (
    <>
      <h3>{zh ? '随访提醒（近7天）' : 'Follow-up reminders (last 7 days)'}</h3>
      <ul className="note-list">
        {sorted.map((r) => (
          <li key={r.id} data-reminder={r.id} data-failing={failing(r)}>
            <a href={`#/patients/${encodeURIComponent(r.patientId)}/overview`}>
              {failing(r) ? '⚠ ' : ''}
              <span data-verbatim>{zh ? (r.message.zh ?? r.message.en) : r.message.en}</span>
            </a>{' '}
            <small>
              {[
                `Patient/${r.patientId}`,
                failing(r)
                  ? zh
                    ? `发送失败（已尝试${r.attempts}次）`
                    : `not delivered (${r.attempts} attempts)`
                  : `${zh ? '已发送' : 'sent'} ${r.sentAt!.slice(0, 16).replace('T', ' ')}${r.channel ? ` · ${channelLabel(r.channel, zh)}` : ''}`,
              ].join(' · ')}
            </small>
          </li>
        ))}
      </ul>
    </>
  );
}

const SEVERITY_ZH: Record<string, string> = { critical: '危急', high: '高', moderate: '中', low: '低', info: '提示' };
const severityLabel = (s: string, zh: boolean) => (zh ? (SEVERITY_ZH[s] ?? s) : s);

/** A queued session; one a patient started through their link names the patient and appointment. */
type Queued = QueuedConsult & { patientId?: string; appointmentId?: string };

const boundPatient = (sessions: readonly Queued[], id: string): { patientId?: string } => {
  const p = sessions.find((s) => s.id === id)?.patientId;
  return p ? { patientId: p } : {};
};

function authHeaders(): Record<string, string> {
  const key = localStorage.getItem('medseek.apiKey');
  return key ? { Authorization: `Bearer ${key}` } : {};
}

const sexLabel = (sex: string | undefined, zh: boolean) =>
  !sex || sex === 'unknown' ? '' : term('sex', sex, zh ? 'zh' : 'en');

/** The draft 门诊病历 of one session: sentences with their cited turns, editable, re-verified, accepted into a record. */
function DraftRecord({ sessionId, patientId: bound }: { sessionId: string; patientId?: string }) {
  const { lang, t } = useI18n();
  const zh = lang === 'zh';
  const draft = useLoad(() => get<OutpatientDraft>(`/api/consult/${sessionId}/draft`), sessionId);
  const patients = useLoad(() => get<{ patients: PatientSummary[] }>('/api/patients'), 'patients');
  const [text, setText] = useState<string>();
  const [checked, setChecked] = useState<OutpatientSentence[]>();
  // A link session belongs to its patient: the note goes into that record only.
  const [patientId, setPatientId] = useState(bound ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [accepted, setAccepted] = useState<{ documentReference: string; patientId: string }>();
  const area = useRef<HTMLTextAreaElement>(null);
  if (draft.error) return <ErrorBox error={draft.error} retry={draft.reload} />;
  if (!draft.data) return null;
  const d = draft.data;
  const current = text ?? d.text;
  const sentences = checked ?? d.sentences;
  const contradicted = sentences.filter((s) => s.verdict === 'contradicted');
  const act = async (kind: 'verify' | 'accept') => {
    setBusy(true);
    setError(undefined);
    try {
      if (kind === 'verify') {
        const r = await post<{ sentences: OutpatientSentence[] }>(`/api/consult/${sessionId}/draft/verify`, {
          text: current,
        } satisfies OutpatientDraftRequest);
        setChecked(r.sentences);
      } else {
        const r = await post<{ documentReference: string; sentences: OutpatientSentence[] }>(
          `/api/consult/${sessionId}/accept`,
          { text: current, patientId } satisfies OutpatientAcceptRequest,
        );
        setChecked(r.sentences);
        setAccepted({ documentReference: r.documentReference, patientId });
      }
    } catch (e) {
      const body = e instanceof ApiError ? (e.body as { sentences?: OutpatientSentence[] } | undefined) : undefined;
      if (body?.sentences) setChecked(body.sentences);
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card outpatient-draft">
      <h2>{zh ? '门诊病历草稿' : 'Draft outpatient record'}</h2>
      <p className="muted">
        {zh
          ? '由预问诊自动生成，内容为患者自述；每句注明出自哪一轮对话。须经接诊医生审核后采纳入病历。'
          : 'Drafted from the pre-consultation; patient-reported, each sentence cites the turn it came from. The treating physician reviews it before it enters the record.'}
      </p>
      <ol className="draft-sentences">
        {sentences.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: sentences in document order
          <li key={i} className={`claim v-${s.verdict}`} data-verdict={s.verdict}>
            {s.section && s.section !== sentences[i - 1]?.section && <b className="draft-section">{s.section}</b>}
            <span className="claim-text">{s.text}</span>
            {s.citations.map((c) => (
              <q key={c.turn} className="cite" title={zh ? `第 ${c.turn} 轮患者原话` : `patient, turn ${c.turn}`}>
                <b>{zh ? `第${c.turn}轮` : `turn ${c.turn}`}</b> {c.quote}
              </q>
            ))}
            <span className={`verdict v-${s.verdict}`}>
              {t(s.verdict)}
              {s.verdict !== 'supported' && s.reason ? `：${s.reason}` : ''}
            </span>
          </li>
        ))}
      </ol>
      <label className="draft-edit">
        <span>{zh ? '编辑草稿' : 'Edit the draft'}</span>
        <textarea
          ref={area}
          aria-label={zh ? '门诊病历草稿' : 'Draft outpatient record'}
          value={current}
          rows={Math.min(16, Math.max(6, current.split('\n').length + 1))}
          onChange={(e) => {
            setText(e.target.value);
            setAccepted(undefined);
          }}
        />
      </label>
      <div className="draft-actions">
        <button type="button" onClick={() => void act('verify')} disabled={busy}>
          {t('reverify')}
        </button>
        <label>
          {zh ? '归入患者' : 'Patient'}{' '}
          <select
            aria-label={zh ? '归入患者' : 'Patient'}
            value={patientId}
            disabled={Boolean(bound)}
            onChange={(e) => setPatientId(e.target.value)}
          >
            <option value="">—</option>
            {bound && !(patients.data?.patients ?? []).some((p) => p.id === bound) && (
              <option value={bound}>{bound}</option>
            )}
            {(patients.data?.patients ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} · {p.id}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => void act('accept')}
          disabled={busy || !patientId || contradicted.length > 0 || Boolean(accepted)}
        >
          {zh ? '采纳入病历' : 'Accept into the record'}
        </button>
      </div>
      {contradicted.length > 0 && (
        <p className="blocked">
          {zh
            ? '有与患者原话矛盾的句子，修改后才能采纳。'
            : 'A sentence contradicts what the patient said; correct it before accepting.'}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {accepted && (
        <p className="ok" role="status">
          {zh ? '已采纳入病历：' : 'Accepted into the record: '}
          <a
            href={`#/patients/${encodeURIComponent(accepted.patientId)}/notes?doc=${encodeURIComponent(accepted.documentReference)}`}
          >
            {accepted.documentReference}
          </a>
        </p>
      )}
    </div>
  );
}
