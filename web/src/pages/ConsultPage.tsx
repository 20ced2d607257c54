import { useEffect, useRef, useState } from 'react';
import { ApiError, type ConsultAnswerRequest, type ConsultCreateRequest, get, post } from '../api.js';
import { ErrorBox } from '../components/Async.js';
import { ReadAloudToggle, readAloud, useVoiceStatus, VoiceButton } from '../components/VoiceButton.js';
import { useI18n } from '../i18n.js';
import type { Bilingual, ConsultReply, ConsultReportField, ConsultSession } from '../types.js';

interface PatientReport {
  title: Bilingual;
  label: Bilingual;
  chiefComplaint: ConsultReportField;
  hpi: ConsultReportField[];
  allergies: ConsultReportField;
  medications: ConsultReportField;
}

type Line = { who: 'patient' | 'medseek'; text: string; kind?: ConsultReply['kind'] };

/** The patient's "read aloud" choice, for this tab. */
const ALOUD = 'medseek.consult.readAloud';

const KEPT = 'medseek.consult.emergency';

/**
 * The emergency panel kept for this tab. A patient link's stays (`only`: its session); on a shared
 * kiosk it stays through a reload but not for the next person, after KIOSK_RESUME_MS.
 */
function keptEmergency(only?: string): { session: ConsultSession; reply: ConsultReply } | undefined {
  try {
    type Kept = { session?: ConsultSession; reply?: ConsultReply; savedAt?: number };
    const v = JSON.parse(sessionStorage.getItem(KEPT) ?? 'null') as Kept | null;
    if (only && v?.session?.id !== only) return undefined;
    if (!only && (typeof v?.savedAt !== 'number' || Date.now() - v.savedAt > KIOSK_RESUME_MS)) return undefined;
    return v?.session && v.reply?.kind === 'emergency' ? { session: v.session, reply: v.reply } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kiosk's (and the workspace consult page's) session in progress, for this tab only, so a reload
 * picks it up. A shared tablet passes from patient to patient, so it is kept only while the session
 * is active and recently answered: a finished or emergency-exited session is forgotten at once, the
 * "next patient" action forgets it, and one left untouched for KIOSK_RESUME_MS is not reopened.
 */
const ACTIVE = 'medseek.consult.session';
/** A reload comes seconds after the last answer; a session idle this long belongs to a patient who left. */
const KIOSK_RESUME_MS = 30 * 60_000;

function activeSession(): string | undefined {
  try {
    const v = JSON.parse(sessionStorage.getItem(ACTIVE) ?? 'null') as { id?: unknown; savedAt?: unknown } | null;
    if (typeof v?.id !== 'string' || typeof v.savedAt !== 'number' || Date.now() - v.savedAt > KIOSK_RESUME_MS) {
      sessionStorage.removeItem(ACTIVE);
      return undefined;
    }
    return v.id;
  } catch {
    sessionStorage.removeItem(ACTIVE);
    return undefined;
  }
}

/** Only digits, `+`, `*` and `#` go into a tel: link. */
const dialable = (n: string) => n.replace(/[^\d+*#]/g, '');

/** A stored session as `GET /api/consult/:id` returns it: to pick the conversation up after a reload. */
interface Resumed {
  session: ConsultSession;
  transcript: { turn: number; role: 'patient' | 'medseek'; text: string }[];
  lastPrompt?: string;
  /** The question the session waits on, as asked: with its tappable choices and progress. */
  reply?: ConsultReply;
}

/**
 * The patient's pre-consultation chat (预问诊), made for a phone: tappable answers where the question
 * has them and free text always, a progress bar, and on an emergency a panel that stays on top with
 * a button that calls the emergency number. It never shows a diagnosis or triage terms (PC-05).
 *
 * `resume`: a session to pick up (a patient link's, after a reload); `link`: the patient came through
 * their own link, which holds one pre-consultation, so there is no "start a new one". Without either
 * (a kiosk, the workspace's consult page) the tab's active session is picked up after a reload
 * (`activeSession`), and a "next patient" button clears the screen for the next person.
 */
export function ConsultPage({ resume, link = false }: { resume?: string; link?: boolean } = {}) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  // An emergency survives a reload of the tab: the instructions and the call button must not vanish.
  const [kept] = useState(() => keptEmergency(resume));
  // What to pick up: the link's session, else this kiosk tab's active one (never under an emergency kept on screen).
  const [resumeId] = useState(() => resume ?? (link || kept ? undefined : activeSession()));
  const [session, setSession] = useState<ConsultSession | undefined>(kept?.session);
  const [lines, setLines] = useState<Line[]>([]);
  const [reply, setReply] = useState<ConsultReply | undefined>(kept?.reply);
  const [input, setInput] = useState('');
  const [age, setAge] = useState('');
  const [sex, setSex] = useState<'male' | 'female' | 'unknown'>('unknown');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<PatientReport>();
  const voice = useVoiceStatus();
  const [aloud, setAloud] = useState(() => sessionStorage.getItem(ALOUD) === '1');
  const [resuming, setResuming] = useState(Boolean(resumeId));
  const end = useRef<HTMLDivElement>(null);
  const alertBox = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: load the resumed session once
  useEffect(() => {
    if (!resumeId) return;
    let live = true;
    const kiosk = !resume;
    (async () => {
      const r = await get<Resumed>(`/api/consult/${encodeURIComponent(resumeId)}`).catch((e: Error) => {
        // A kiosk's session the server no longer has: start afresh rather than show an error to the next person.
        if (kiosk && e instanceof ApiError && e.status === 404) return undefined;
        throw e;
      });
      if (!live) return;
      // A kiosk never reopens a finished conversation: it belonged to the patient before.
      if (!r || (kiosk && r.session.status !== 'active')) {
        sessionStorage.removeItem(ACTIVE);
        return;
      }
      setSession(r.session);
      setLines(r.transcript.map((t) => ({ who: t.role, text: t.text })));
      const last = r.lastPrompt ?? '';
      if (r.session.status === 'active') setReply(r.reply ?? { kind: 'question', text: last });
      // Staff may not have been told (that was known only when it happened): the panel then says to call.
      else if (r.session.status === 'emergency')
        setReply(
          kept?.reply ?? {
            kind: 'emergency',
            text: last,
            emergency: { message: last, callNumber: '120', staffNotified: false },
          },
        );
      else setReport(await get<PatientReport>(`/api/consult/${r.session.id}/report?format=json&audience=patient`));
    })()
      .catch((e: Error) => live && setError(e))
      .finally(() => live && setResuming(false));
    return () => {
      live = false;
    };
  }, [resumeId]);
  const emergency =
    reply?.kind === 'emergency'
      ? (reply.emergency ?? { message: reply.text, callNumber: '120', staffNotified: false })
      : undefined;
  // Braces matter: newer Chromium returns a Promise from scrollIntoView, which React would take for a cleanup.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the end whenever the dialogue grows
  useEffect(() => {
    if (!emergency) end.current?.scrollIntoView({ block: 'end' });
  }, [lines, report]);
  // An emergency takes the top of the screen and the focus, and keeps them: nothing scrolls it away.
  useEffect(() => {
    if (reply?.kind !== 'emergency') return;
    window.scrollTo({ top: 0 });
    alertBox.current?.focus();
  }, [reply]);

  const say = (b: Bilingual | undefined) => (b ? (zh ? (b.zh ?? b.en) : b.en) : '');
  const send = async (text: string, shown = text) => {
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    setLines((l) => [...l, { who: 'patient', text: shown }]);
    setInput('');
    try {
      const r = session
        ? await post<{ session: ConsultSession; reply: ConsultReply }>(`/api/consult/${session.id}/answers`, {
            text,
          } satisfies ConsultAnswerRequest)
        : await post<{ session: ConsultSession; reply: ConsultReply }>('/api/consult', {
            complaint: text,
            lang,
            ...(age ? { age: Number(age) } : {}),
            sex,
          } satisfies ConsultCreateRequest);
      setSession(r.session);
      setReply(r.reply);
      const active = !link && r.session.status === 'active';
      if (active) sessionStorage.setItem(ACTIVE, JSON.stringify({ id: r.session.id, savedAt: Date.now() }));
      else sessionStorage.removeItem(ACTIVE);
      const panel = { session: r.session, reply: r.reply, savedAt: Date.now() };
      if (r.reply.kind === 'emergency') sessionStorage.setItem(KEPT, JSON.stringify(panel));
      // The emergency's own panel says it; the chat keeps to the conversation.
      if (r.reply.kind !== 'emergency')
        setLines((l) => [...l, { who: 'medseek', text: r.reply.text, kind: r.reply.kind }]);
      if (aloud) void readAloud(voice, { text: r.reply.text, session: r.session.id, lang });
      if (r.reply.kind === 'done')
        setReport(await get<PatientReport>(`/api/consult/${r.session.id}/report?format=json&audience=patient`));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  /** The kiosk's "next patient": nothing of this conversation stays on screen or in the tab. */
  const nextPatient = () => {
    sessionStorage.removeItem(KEPT);
    sessionStorage.removeItem(ACTIVE);
    setSession(undefined);
    setReply(undefined);
    setLines([]);
    setReport(undefined);
    setError(undefined);
    setInput('');
    setAge('');
    setSex('unknown');
  };
  const finished = session && session.status !== 'active';
  const asking = reply?.kind === 'question' || reply?.kind === 'reprompt';
  const choices = asking ? (reply.choices ?? fallbackChoices(reply, zh)) : [];
  const progress = reply?.progress;
  const call = emergency ? dialable(emergency.callNumber) || '120' : '';
  return (
    <section className="page consult">
      {emergency && (
        <section className="emergency-exit" role="alert" aria-labelledby="emergency-title" tabIndex={-1} ref={alertBox}>
          <h2 id="emergency-title">{zh ? '⚠ 请立即就医' : '⚠ Get emergency help now'}</h2>
          <p className="emergency-message">{emergency.message}</p>
          <a className="call" href={`tel:${call}`}>
            <PhoneIcon />
            {zh ? `拨打 ${call}` : `Call ${call}`}
          </a>
          {emergency.staffNotified ? (
            <p className="staff notified">
              {zh
                ? '已通知医院的医护人员，您的信息排在医生队列的最前面。请不要等待回复，现在就打电话或去急诊。'
                : 'Hospital staff have been alerted and you are first in the doctors’ queue. Do not wait for a reply: call or go to the emergency department now.'}
            </p>
          ) : (
            <p className="staff not-notified">
              {zh
                ? `我们未能通知到医护人员。请您现在就拨打 ${call}，或立即去最近的医院急诊。`
                : `We could not alert staff. Call ${call} now, or go to the nearest emergency department at once.`}
            </p>
          )}
          {!link && (
            <button type="button" className="start-over" onClick={nextPatient}>
              {zh ? '开始新的预问诊' : 'Start a new pre-consultation'}
            </button>
          )}
        </section>
      )}
      <h1>{zh ? '预问诊' : 'Pre-consultation'}</h1>
      {!finished && (
        <ReadAloudToggle
          on={aloud}
          onChange={(on) => {
            sessionStorage.setItem(ALOUD, on ? '1' : '0');
            setAloud(on);
            // Turned on mid-conversation: the question on screen first.
            const last = lines.at(-1);
            if (on && last?.who === 'medseek')
              void readAloud(voice, { text: last.text, ...(session ? { session: session.id } : {}), lang });
          }}
        />
      )}
      {!link && !emergency && session && (
        <button
          type="button"
          className="next-patient"
          onClick={() => {
            // Mid-conversation a tap by mistake would lose the patient's place: ask first.
            const ask = zh
              ? '结束本次对话，换下一位患者？这次没有完成的预问诊不会再在这台设备上打开。'
              : 'End this conversation for the next patient? This unfinished pre-consultation will not open on this device again.';
            if (session.status !== 'active' || window.confirm(ask)) nextPatient();
          }}
        >
          {zh ? '下一位患者' : 'Next patient'}
        </button>
      )}
      {!finished && (
        <p className="muted">
          {zh
            ? '请描述您的主要不适。这不是诊断；您的回答会发送给接诊医生。'
            : 'Tell us what brings you in. This is not a diagnosis; your answers go to your doctor.'}
        </p>
      )}
      {progress && !finished && (
        <div className="progress">
          <div
            className="progress-bar"
            role="progressbar"
            aria-label={zh ? '问诊进度' : 'Progress'}
            aria-valuemin={0}
            aria-valuemax={progress.expected}
            aria-valuenow={Math.min(progress.asked, progress.expected)}
          >
            <span
              style={{ width: `${Math.min(95, Math.round((100 * progress.asked) / Math.max(1, progress.expected)))}%` }}
            />
          </div>
          <small>
            {zh
              ? `第 ${progress.asked} 题，共约 ${Math.max(progress.expected, progress.asked)} 题`
              : `Question ${progress.asked} of about ${Math.max(progress.expected, progress.asked)}`}
          </small>
        </div>
      )}
      {!session && !resuming && (
        <div className="consult-start">
          <label>
            {zh ? '年龄' : 'Age'}{' '}
            <input
              type="number"
              inputMode="numeric"
              min={0}
              max={130}
              value={age}
              onChange={(e) => setAge(e.target.value)}
            />
          </label>
          <label>
            {zh ? '性别' : 'Sex'}{' '}
            <select value={sex} onChange={(e) => setSex(e.target.value as typeof sex)}>
              <option value="unknown">—</option>
              <option value="female">{zh ? '女' : 'female'}</option>
              <option value="male">{zh ? '男' : 'male'}</option>
            </select>
          </label>
        </div>
      )}
      <div className="chat" aria-live="polite">
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the transcript only grows
          <p key={i} className={`bubble ${l.who} ${l.kind ?? ''}`}>
            {l.text}
          </p>
        ))}
        {finished && reply?.kind === 'done' && !report && !error && (
          <p className="muted" role="status">
            {zh ? '正在整理您的预问诊小结…' : 'Preparing your summary…'}
          </p>
        )}
        {report && (
          <div className="card patient-report">
            <h2>{zh ? '您的预问诊小结' : 'Your pre-consultation summary'}</h2>
            <p className="muted">{say(report.label)}</p>
            <dl>
              {[report.chiefComplaint, ...report.hpi, report.allergies, report.medications].map((f, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed order of report fields
                <div key={i}>
                  <dt>{say(f.label)}</dt>
                  <dd>{say(f.value)}</dd>
                </div>
              ))}
            </dl>
            <p className="ok">
              {zh
                ? '已发送给接诊医生，就诊时医生会与您核对。'
                : 'Sent to your doctor, who will go through it with you.'}
            </p>
          </div>
        )}
      </div>
      {error && <ErrorBox error={error} />}
      {!finished && !resuming && (
        <form
          className="chat-input"
          onSubmit={(e) => {
            e.preventDefault();
            void send(input);
          }}
        >
          {choices.length > 0 && (
            <fieldset className="choices" aria-label={zh ? '可点选的回答' : 'Tap an answer'}>
              {choices.map((o) => (
                <button
                  key={o.value}
                  type="button"
                  className="choice"
                  onClick={() => void send(o.value, o.label)}
                  disabled={busy}
                >
                  {o.label}
                </button>
              ))}
            </fieldset>
          )}
          <div className="free-text">
            <input
              aria-label={zh ? '您的回答' : 'Your answer'}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder={
                session
                  ? zh
                    ? '也可以直接用自己的话说'
                    : 'Or say it in your own words'
                  : zh
                    ? '例如：咳嗽发热三天'
                    : 'e.g. cough and fever for three days'
              }
            />
            {/* The words heard go into the box: the patient checks them and sends. */}
            <VoiceButton
              path={`/api/voice/transcriptions?lang=${lang}${session ? `&session=${encodeURIComponent(session.id)}` : ''}`}
              onText={(words) => setInput((x) => (x.trim() ? `${x.trim()} ${words}` : words))}
              disabled={busy}
            />
            <button type="submit" className="send" disabled={busy || !input.trim()}>
              {zh ? '发送' : 'Send'}
            </button>
          </div>
        </form>
      )}
      {/* After the form: scrolled into view, the latest question sits just above the answers, not under them. */}
      <div ref={end} />
    </section>
  );
}

// Drawn, not emoji: phones and kiosks without an emoji font would show a box.
function PhoneIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <path
        fill="currentColor"
        d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
      />
    </svg>
  );
}

/** For a reply without `choices` (an older engine): the question's options, or yes / no / don't know. */
function fallbackChoices(reply: ConsultReply, zh: boolean): { value: string; label: string }[] {
  const options = reply.question?.options;
  if (options?.length) return options.map((label, i) => ({ value: String(i + 1), label }));
  if (reply.question?.kind !== 'binary') return [];
  return zh
    ? [
        { value: '是', label: '是' },
        { value: '否', label: '否' },
        { value: '不知道', label: '不知道' },
      ]
    : [
        { value: 'yes', label: 'yes' },
        { value: 'no', label: 'no' },
        { value: "don't know", label: "don't know" },
      ];
}
