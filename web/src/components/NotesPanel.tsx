import { useEffect, useMemo, useRef, useState } from 'react';
import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Fact, Note } from '../types.js';
import { Show, useLoad } from './Async.js';
import { FactCorrection } from './FactCorrection.js';
import { assertionLabel, factName } from './facts.js';
import { FactText } from './FactText.js';
import { DictationBox } from './VoiceButton.js';

type Span = { document: string; start: number; end: number };

/**
 * Notes with their extracted facts highlighted: click a span to see its fact, a fact to see its span; a clinician
 * corrects a fact read wrongly where it is listed beside its span (FactCorrection).
 */
export function NotesPanel({ patientId, focus }: { patientId: string; focus?: Span }) {
  const state = useLoad(
    () => get<{ notes: Note[] }>(`/api/patients/${encodeURIComponent(patientId)}/notes`),
    patientId,
  );
  return (
    <>
      <DictationBox patientId={patientId} />
      <Show state={state}>{({ notes }) => <Notes notes={notes} focus={focus} patientId={patientId} />}</Show>
    </>
  );
}

function Notes({ notes, focus, patientId }: { notes: Note[]; focus?: Span; patientId: string }) {
  const { t, lang } = useI18n();
  const [docId, setDocId] = useState(
    () => notes.find((n) => n.document === focus?.document)?.document ?? notes[0]?.document,
  );
  const [selected, setSelected] = useState<string | undefined>();
  useEffect(() => {
    if (focus) setDocId(focus.document);
  }, [focus]);
  const note = notes.find((n) => n.document === docId);
  if (!note) return <p className="muted">{t('noData')}</p>;
  return (
    <div className="notes">
      <ul className="note-list">
        {notes.map((n) => (
          <li key={n.document}>
            <button type="button" aria-pressed={n.document === docId} onClick={() => setDocId(n.document)}>
              <span data-verbatim>{n.title}</span> <small>{n.date?.slice(0, 10)}</small>
            </button>
          </li>
        ))}
      </ul>
      <NoteText
        note={note}
        focus={focus?.document === note.document ? focus : undefined}
        selected={selected}
        onSelect={setSelected}
      />
      <div className="card">
        <h2>{t('facts')}</h2>
        <ul className="facts">
          {note.facts.map((f) => (
            <li key={f.id} className={f.id === selected ? 'selected' : undefined} data-fact={f.id}>
              <button type="button" className="linklike" onClick={() => setSelected(f.id)}>
                <span className={`assert a-${f.assertion}`}>{assertionLabel(f.assertion, lang)}</span>{' '}
                <FactText f={f} lang={lang} />
                {f.subject.who !== 'patient' ? ` (${f.subject.relation ?? f.subject.who})` : ''}
              </button>{' '}
              <FactCorrection patientId={patientId} fact={f} onOpen={() => setSelected(f.id)} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function spanOf(f: Fact, document: string): Span | undefined {
  const s = f.sources.find((x) => x.kind === 'text' && x.document === document);
  return s && s.kind === 'text' ? s : undefined;
}

function NoteText({
  note,
  focus,
  selected,
  onSelect,
}: {
  note: Note;
  focus?: Span;
  selected?: string;
  onSelect: (id: string) => void;
}) {
  const { lang } = useI18n();
  const ref = useRef<HTMLElement | null>(null);
  // Non-overlapping highlight spans, earliest first (the longest wins where two overlap).
  const spans = useMemo(() => {
    const all = note.facts.flatMap((f) => {
      const s = spanOf(f, note.document);
      return s ? [{ ...s, fact: f }] : [];
    });
    all.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: typeof all = [];
    for (const s of all) if (!out.length || s.start >= out[out.length - 1]!.end) out.push(s);
    return out;
  }, [note]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: bring the focused or selected span into view when either changes
  useEffect(() => {
    ref.current?.querySelector('.focus, .selected')?.scrollIntoView({ block: 'center' });
  }, [focus, selected]);
  const parts: React.ReactNode[] = [];
  let at = 0;
  const text = note.text;
  const focusPart = focus && !spans.some((s) => s.start === focus.start && s.end === focus.end) ? focus : undefined;
  const marks = [
    ...spans.map((s) => ({ start: s.start, end: s.end, fact: s.fact as Fact | undefined })),
    ...(focusPart ? [{ start: focusPart.start, end: focusPart.end, fact: undefined }] : []),
  ].sort((a, b) => a.start - b.start);
  for (const m of marks) {
    if (m.start < at) continue;
    parts.push(text.slice(at, m.start));
    const isFocus = focus && m.start === focus.start && m.end === focus.end;
    const cls = [
      'hl',
      m.fact ? `a-${m.fact.assertion}` : '',
      isFocus ? 'focus' : '',
      m.fact && m.fact.id === selected ? 'selected' : '',
    ]
      .filter(Boolean)
      .join(' ');
    parts.push(
      m.fact ? (
        <button
          type="button"
          key={`${m.start}-${m.end}`}
          className={cls}
          title={`${factName(m.fact, lang)} · ${assertionLabel(m.fact.assertion, lang)}`}
          onClick={() => onSelect(m.fact!.id)}
        >
          {text.slice(m.start, m.end)}
        </button>
      ) : (
        <mark key={`${m.start}-${m.end}`} className={cls}>
          {text.slice(m.start, m.end)}
        </mark>
      ),
    );
    at = m.end;
  }
  parts.push(text.slice(at));
  return (
    <article className="note-text" ref={ref} lang={note.lang}>
      <h2>{note.title}</h2>
      {note.error && (
        <p className="error" role="alert">
          {note.error}
        </p>
      )}
      <pre>{parts}</pre>
    </article>
  );
}
