import { useState } from 'react';
import { get, post } from '../api.js';
import { ErrorBox, Show, useLoad } from '../components/Async.js';
import { useI18n } from '../i18n.js';

/** `GET /api/followup/me`: the plan in the patient's words, the symptoms to choose from, their readings. */
interface Me {
  plan?: {
    items: { id: string; kind: string; title: string; text: string; due?: string; measure?: string; why: string[] }[];
    readings: string[];
    medications: { name: string; atc?: string }[];
  };
  symptoms: { id: string; label: string }[];
  readings: { id: string; at: string; value: { kind: string } & Record<string, unknown> }[];
  teamToldAt?: string;
  /** Reminders sent to the patient (newest first), in their language. */
  reminders?: { id: string; itemId: string; remindAt: string; sentAt: string; text: string }[];
  /** The link the page was opened with: until when it works. */
  link?: { scope: 'pre-consultation' | 'follow-up'; expiresAt: string };
}

const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/**
 * The patient's follow-up page (through their link): what to do after discharge, in plain words and
 * by when, and a form for home readings — blood pressure, weight, glucose, symptoms, tablets taken.
 * The care team is told by the server's rules; the page says so, without clinical wording. The reminders
 * sent to the patient are listed, and until when their link works.
 */
export function FollowUpPatientPage() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [tick, setTick] = useState(0);
  const data = useLoad((signal) => get<Me>(`/api/followup/me?lang=${lang}`, { signal }), `${lang}-${tick}`);
  const [sys, setSys] = useState('');
  const [dia, setDia] = useState('');
  const [kg, setKg] = useState('');
  const [glucose, setGlucose] = useState('');
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [missed, setMissed] = useState<string[]>([]);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  const send = async (me: Me) => {
    const readings: Record<string, unknown>[] = [];
    if (sys || dia) readings.push({ kind: 'blood-pressure', systolic: num(sys), diastolic: num(dia) });
    if (kg) readings.push({ kind: 'weight', kg: num(kg) });
    if (glucose) readings.push({ kind: 'glucose', value: num(glucose), unit: 'mmol/L' });
    if (symptoms.length) readings.push({ kind: 'symptom', symptoms });
    for (const m of me.plan?.medications ?? [])
      if (missed.includes(m.name)) readings.push({ kind: 'adherence', drug: m, taken: false });
    if (!readings.length) {
      setError(new Error(zh ? '请至少填写一项。' : 'Enter at least one reading.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ stored: string[]; alertsRaised: number }>('/api/followup/me/readings', {
        readings: readings.map((x) => ({ ...x, clientId: crypto.randomUUID() })),
      });
      setDone(
        r.alertsRaised
          ? zh
            ? '已记录。您的医护团队已收到提醒，会尽快联系您。如感觉很不舒服，请立即就医或拨打120。'
            : 'Saved. Your care team has been told and will contact you. If you feel very unwell, get help now (call 120).'
          : zh
            ? '已记录，谢谢。'
            : 'Saved, thank you.',
      );
      setSys('');
      setDia('');
      setKg('');
      setGlucose('');
      setSymptoms([]);
      setMissed([]);
      setTick((n) => n + 1);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page followup-patient">
      <h1>{zh ? '我的出院随访计划' : 'My plan after leaving hospital'}</h1>
      <Show state={data}>
        {(me) => (
          <>
            {me.link && (
              <p className="muted link-expiry">
                {zh
                  ? `此链接有效期至 ${new Date(me.link.expiresAt).toLocaleDateString('zh-CN')}。到期后请联系医院重新获取。`
                  : `This link works until ${new Date(me.link.expiresAt).toLocaleDateString('en-GB')}. ` +
                    'After that, ask the hospital for a new one.'}
              </p>
            )}
            {(me.reminders?.length ?? 0) > 0 && (
              <section className="card followup-reminders" aria-label={zh ? '提醒' : 'Reminders'}>
                <h2>{zh ? '提醒' : 'Reminders'}</h2>
                <ul>
                  {me.reminders!.map((r) => (
                    <li key={r.id}>{r.text}</li>
                  ))}
                </ul>
              </section>
            )}
            {me.plan ? (
              <ol className="followup-plan">
                {me.plan.items.map((i) => (
                  <li key={i.id} className="card">
                    <strong>{i.title}</strong>
                    {i.due && (
                      <span className="muted">
                        {' '}
                        · {zh ? '截止' : 'by'} {i.due}
                      </span>
                    )}
                    <p>{i.text}</p>
                    {i.why.length > 0 && (
                      <details>
                        <summary>{zh ? '为什么' : 'Why'}</summary>
                        <ul>
                          {i.why.map((w) => (
                            <li key={w}>{w}</li>
                          ))}
                        </ul>
                      </details>
                    )}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{zh ? '医生还没有为您制定随访计划。' : 'Your doctor has not made your plan yet.'}</p>
            )}
            <form
              className="card followup-readings"
              style={{ display: 'grid', gap: '0.75rem' }}
              onSubmit={(e) => {
                e.preventDefault();
                void send(me);
              }}
            >
              <h2>{zh ? '记录今天的情况' : 'Enter today’s readings'}</h2>
              <label style={{ display: 'grid', gap: '0.25rem' }}>
                {zh ? '血压（高压/低压，mmHg）' : 'Blood pressure (top / bottom, mmHg)'}
                <span>
                  <input
                    name="systolic"
                    inputMode="numeric"
                    value={sys}
                    onChange={(e) => setSys(e.target.value)}
                    size={4}
                  />
                  {' / '}
                  <input
                    name="diastolic"
                    inputMode="numeric"
                    value={dia}
                    onChange={(e) => setDia(e.target.value)}
                    size={4}
                  />
                </span>
              </label>
              <label style={{ display: 'grid', gap: '0.25rem' }}>
                {zh ? '体重（公斤）' : 'Weight (kg)'}
                <input name="weight" inputMode="decimal" value={kg} onChange={(e) => setKg(e.target.value)} size={5} />
              </label>
              <label style={{ display: 'grid', gap: '0.25rem' }}>
                {zh ? '血糖（mmol/L）' : 'Blood sugar (mmol/L)'}
                <input
                  name="glucose"
                  inputMode="decimal"
                  value={glucose}
                  onChange={(e) => setGlucose(e.target.value)}
                  size={5}
                />
              </label>
              <fieldset>
                <legend>{zh ? '今天有以下不适吗？' : 'Any of these today?'}</legend>
                {me.symptoms.map((s) => (
                  <label key={s.id} className="check">
                    <input
                      type="checkbox"
                      name={`symptom-${s.id}`}
                      checked={symptoms.includes(s.id)}
                      onChange={(e) =>
                        setSymptoms((x) => (e.target.checked ? [...x, s.id] : x.filter((y) => y !== s.id)))
                      }
                    />
                    {s.label}
                  </label>
                ))}
              </fieldset>
              {(me.plan?.medications.length ?? 0) > 0 && (
                <fieldset>
                  <legend>{zh ? '今天漏服了哪些药？' : 'Any tablets missed today?'}</legend>
                  {me.plan!.medications.map((m) => (
                    <label key={m.name} className="check">
                      <input
                        type="checkbox"
                        checked={missed.includes(m.name)}
                        onChange={(e) =>
                          setMissed((x) => (e.target.checked ? [...x, m.name] : x.filter((y) => y !== m.name)))
                        }
                      />
                      <span data-verbatim>{m.name}</span>
                    </label>
                  ))}
                </fieldset>
              )}
              {error && <ErrorBox error={error} />}
              {done && <p role="status">{done}</p>}
              <button type="submit" className="primary" disabled={busy}>
                {zh ? '提交' : 'Send'}
              </button>
            </form>
            {me.readings.length > 0 && (
              <p className="muted">
                {zh ? `已记录 ${me.readings.length} 条读数。` : `${me.readings.length} readings sent so far.`}
              </p>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
