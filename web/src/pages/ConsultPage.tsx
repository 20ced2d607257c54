import { useEffect, useRef, useState } from 'react';
import { get, post } from '../api.js';
import { ErrorBox } from '../components/Async.js';
import { useI18n } from '../i18n.js';
import type { Bilingual } from '../types.js';

interface Reply {
  kind: 'question' | 'reprompt' | 'emergency' | 'done';
  text: string;
  question?: { id: string; kind: string; options?: string[] };
}
interface Session {
  id: string;
  status: 'active' | 'emergency' | 'complete';
  triage?: { level: number; name: Bilingual; colour: string; zone: Bilingual; responseLimitMin: number; reason: Bilingual };
}
interface Field {
  label: Bilingual;
  value: Bilingual;
}
interface Report {
  title: Bilingual;
  label: Bilingual;
  chiefComplaint: Field;
  hpi: Field[];
  allergies: Field;
  medications: Field;
  triage?: Session['triage'];
}

type Line = { who: 'patient' | 'medseek'; text: string; kind?: Reply['kind'] };

// The browser's speech recognition where it exists (Chrome's is prefixed); typing otherwise.
type Recognition = { lang: string; interimResults: boolean; start(): void; onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null; onend: (() => void) | null };
function speechRecognition(): (new () => Recognition) | undefined {
  const w = window as unknown as { SpeechRecognition?: new () => Recognition; webkitSpeechRecognition?: new () => Recognition };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/** The patient's pre-consultation chat (预问诊): red flags first, then the next best questions, then a report for the clinician. */
export function ConsultPage() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [session, setSession] = useState<Session>();
  const [lines, setLines] = useState<Line[]>([]);
  const [reply, setReply] = useState<Reply>();
  const [input, setInput] = useState('');
  const [age, setAge] = useState('');
  const [sex, setSex] = useState<'male' | 'female' | 'unknown'>('unknown');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report>();
  const [listening, setListening] = useState(false);
  const end = useRef<HTMLDivElement>(null);
  // Braces matter: newer Chromium returns a Promise from scrollIntoView, which React would take for a cleanup.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the end whenever the dialogue grows
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [lines, report]);

  const say = (b: Bilingual | undefined) => (b ? (zh ? (b.zh ?? b.en) : b.en) : '');
  const send = async (text: string) => {
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    setLines((l) => [...l, { who: 'patient', text }]);
    setInput('');
    try {
      const r = session
        ? await post<{ session: Session; reply: Reply }>(`/api/consult/${session.id}/answers`, { text })
        : await post<{ session: Session; reply: Reply }>('/api/consult', { complaint: text, lang, ...(age ? { age: Number(age) } : {}), sex });
      setSession(r.session);
      setReply(r.reply);
      setLines((l) => [...l, { who: 'medseek', text: r.reply.text, kind: r.reply.kind }]);
      if (r.reply.kind === 'done' || r.reply.kind === 'emergency') setReport(await get<Report>(`/api/consult/${r.session.id}/report?format=json`));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const listen = () => {
    const R = speechRecognition();
    if (!R) return;
    const rec = new R();
    rec.lang = zh ? 'zh-CN' : 'en-US';
    rec.interimResults = false;
    rec.onresult = (e) => setInput((x) => `${x}${e.results[0]?.[0]?.transcript ?? ''}`);
    rec.onend = () => setListening(false);
    setListening(true);
    rec.start();
  };
  const finished = session && session.status !== 'active';
  const options = reply?.kind === 'question' || reply?.kind === 'reprompt' ? (reply.question?.options?.length ? reply.question.options : zh ? ['是', '否', '不知道'] : ['yes', 'no', "don't know"]) : [];
  return (
    <section className="page consult">
      <h1>{zh ? '预问诊' : 'Pre-consultation'}</h1>
      <p className="muted">{zh ? '请描述您的主要不适。这不是诊断；您的回答会发送给接诊医生。' : 'Tell us what brings you in. This is not a diagnosis; your answers go to your doctor.'}</p>
      {!session && (
        <div className="consult-start">
          <label>
            {zh ? '年龄' : 'Age'} <input type="number" min={0} max={130} value={age} onChange={(e) => setAge(e.target.value)} />
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
        {session?.status === 'emergency' && session.triage && (
          <div className="emergency" role="alert" style={{ borderColor: session.triage.colour }}>
            <strong>
              {say(session.triage.name)} · {say(session.triage.zone)}
            </strong>
            <p>{say(session.triage.reason)}</p>
            <p>{zh ? '请立即前往急诊或拨打 120。' : 'Go to the emergency department now or call emergency services.'}</p>
          </div>
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
            <p className="ok">{zh ? '已发送到医生的待诊队列。' : 'Sent to your clinician’s queue.'}</p>
          </div>
        )}
        <div ref={end} />
      </div>
      {error && <ErrorBox error={error} />}
      {!finished && (
        <form
          className="chat-input"
          onSubmit={(e) => {
            e.preventDefault();
            void send(input);
          }}
        >
          {options.map((o) => (
            <button key={o} type="button" onClick={() => void send(o)} disabled={busy}>
              {o}
            </button>
          ))}
          <input aria-label={zh ? '您的回答' : 'Your answer'} value={input} onChange={(e) => setInput(e.target.value)} placeholder={session ? (zh ? '输入回答' : 'Type your answer') : zh ? '例如：咳嗽发热三天' : 'e.g. cough and fever for three days'} />
          {speechRecognition() && (
            <button type="button" onClick={listen} aria-pressed={listening} aria-label={zh ? '语音输入' : 'Voice input'}>
              🎤
            </button>
          )}
          <button type="submit" disabled={busy || !input.trim()}>
            {zh ? '发送' : 'Send'}
          </button>
        </form>
      )}
    </section>
  );
}
