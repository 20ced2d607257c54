import { useState } from 'react';
import { type FeedbackRequest, get, post } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Concept, Fact } from '../types.js';
import { assertionLabel } from './facts.js';
import { KnowledgeName } from './KnowledgeName.js';

type Assertion = Fact['assertion'];
type Coding = Pick<Concept, 'system' | 'code' | 'display' | 'displayZh'>;

/** Every assertion a fact can have (src/core/fact.ts): the record's keys make the list exhaustive. */
const ASSERTIONS = Object.keys({
  present: 1,
  absent: 1,
  possible: 1,
  historical: 1,
  family: 1,
  hypothetical: 1,
} satisfies Record<Assertion, 1>) as Assertion[];

/** What `GET /api/kg/find` answers, as far as a correction reads it (src/knowledge/queries.ts ConceptMatch). */
interface KgMatch {
  readonly concept: {
    readonly id: string;
    readonly name: { readonly en?: string; readonly zh?: string };
    readonly codes: readonly { readonly system: string; readonly code: string }[];
  };
}

/** MedSeek's own concept ids, for a knowledge concept with no code of a terminology (src/core/concept.ts). */
const MEDSEEK_SYSTEM = 'urn:medseek:concept';

/**
 * The coding a knowledge concept is named by in a correction: its code in the fact's own system where it has one (so
 * a curator compares like with like), else its first code, else its MedSeek id.
 */
function codingOf(m: KgMatch['concept'], fact: Fact): Coding {
  const code = m.codes.find((c) => c.system === fact.concept.system) ?? m.codes[0];
  return {
    ...(code ?? { system: MEDSEEK_SYSTEM, code: m.id }),
    ...(m.name.en ? { display: m.name.en } : {}),
    ...(m.name.zh ? { displayZh: m.name.zh } : {}),
  };
}

const bilingual = (m: KgMatch['concept']) => ({
  en: m.name.en ?? m.name.zh ?? m.id,
  ...(m.name.zh ? { zh: m.name.zh } : {}),
});

/**
 * A clinician's correction of one extracted fact (issue 17): the assertion it should have had (with, optionally, the
 * cue word that carried it and which way the cue reads) and/or the concept it should have been read as, picked from
 * the knowledge release. Sent as `fact` / `correct` feedback, which the server turns into lexicon and assertion-cue
 * candidates for an administrator's curation (Settings → Learning); extraction itself is never changed here.
 * Clinicians and administrators only.
 */
export function FactCorrection({ patientId, fact, onOpen }: { patientId: string; fact: Fact; onOpen?: () => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<'idle' | 'curated' | 'recorded'>('idle');
  if (me?.role !== 'clinician' && me?.role !== 'admin') return null;
  if (state !== 'idle')
    return (
      <span className="feedback-done" role="status">
        ✓ {t(state === 'curated' ? 'factCorrectionSent' : 'factCorrectionRecorded')}
      </span>
    );
  if (!open)
    return (
      <button
        type="button"
        className="fact-correct"
        onClick={() => {
          setOpen(true);
          onOpen?.();
        }}
      >
        {t('factCorrect')}
      </button>
    );
  return (
    <CorrectionForm
      patientId={patientId}
      fact={fact}
      onCancel={() => setOpen(false)}
      onSent={(curated) => setState(curated ? 'curated' : 'recorded')}
    />
  );
}

function CorrectionForm({
  patientId,
  fact,
  onCancel,
  onSent,
}: {
  patientId: string;
  fact: Fact;
  onCancel: () => void;
  onSent: (curated: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const [assertion, setAssertion] = useState<Assertion | ''>('');
  const [concept, setConcept] = useState<KgMatch['concept'] | undefined>();
  const [cue, setCue] = useState('');
  const [direction, setDirection] = useState<'forward' | 'backward' | ''>('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const send = async () => {
    const coding = concept ? codingOf(concept, fact) : undefined;
    const context = {
      ...(coding ? { concept: coding } : {}),
      ...(assertion ? { assertion } : {}),
      ...(assertion && cue.trim() ? { cue: cue.trim() } : {}),
      ...(assertion && cue.trim() && direction ? { cueDirection: direction } : {}),
    };
    // The feedback record's own words for what changed; the context carries it for the learning stage.
    const correction = [
      assertion && `assertion=${assertion}`,
      coding && `concept=${coding.system}|${coding.code}`,
      context.cue && `cue=${context.cue}`,
    ]
      .filter(Boolean)
      .join('; ');
    try {
      const sent = await post<{ learned?: { candidates?: readonly string[] } }>(
        `/api/patients/${encodeURIComponent(patientId)}/feedback`,
        {
          targetKind: 'fact',
          targetId: fact.id,
          verdict: 'correct',
          reason: reason.trim() || correction,
          correction,
          context,
        } satisfies FeedbackRequest,
      );
      onSent((sent.learned?.candidates?.length ?? 0) > 0);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <fieldset className="fact-correction">
      <legend>{t('factCorrect')}</legend>
      <label>
        {t('factAssertionShouldBe')}{' '}
        <select value={assertion} onChange={(e) => setAssertion(e.target.value as Assertion | '')}>
          <option value="">{t('factUnchanged')}</option>
          {ASSERTIONS.filter((a) => a !== fact.assertion).map((a) => (
            <option key={a} value={a}>
              {assertionLabel(a, lang)}
            </option>
          ))}
        </select>
      </label>
      {assertion && (
        <span className="fact-cue">
          <label>
            {t('factCue')} <input value={cue} maxLength={50} onChange={(e) => setCue(e.target.value)} />
          </label>
          <button
            type="button"
            // Keep the note's text selection: the button reads it.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setCue((window.getSelection()?.toString() ?? '').trim().slice(0, 50))}
          >
            {t('factCueFromSelection')}
          </button>
          <label>
            {t('factCueDirection')}{' '}
            <select value={direction} onChange={(e) => setDirection(e.target.value as typeof direction)}>
              <option value="">{t('factCueDirectionUnknown')}</option>
              <option value="forward">{t('factCueBefore')}</option>
              <option value="backward">{t('factCueAfter')}</option>
            </select>
          </label>
        </span>
      )}
      <ConceptPicker fact={fact} chosen={concept} onChoose={setConcept} />
      <label>
        {t('reason')} <input value={reason} placeholder={t('optional')} onChange={(e) => setReason(e.target.value)} />
      </label>
      <span className="fact-correction-actions">
        <button type="button" onClick={send} disabled={!assertion && !concept}>
          {t('send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('alertCancel')}
        </button>
      </span>
      {error && <span className="error-inline">{error}</span>}
    </fieldset>
  );
}

/** The right concept, searched for in the active knowledge release (`GET /api/kg/find`). */
function ConceptPicker({
  fact,
  chosen,
  onChoose,
}: {
  fact: Fact;
  chosen?: KgMatch['concept'];
  onChoose: (c: KgMatch['concept'] | undefined) => void;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<readonly KgMatch[] | undefined>();
  const [error, setError] = useState('');
  const search = async () => {
    if (!q.trim()) return;
    try {
      const r = await get<{ matches: KgMatch[] }>(`/api/kg/find?q=${encodeURIComponent(q.trim())}&limit=8`);
      setMatches(r.matches);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (chosen) {
    const coding = codingOf(chosen, fact);
    return (
      <span className="fact-concept">
        {t('factConceptShouldBe')} <KnowledgeName name={bilingual(chosen)} /> <code>{coding.code}</code>{' '}
        <button type="button" onClick={() => onChoose(undefined)}>
          {t('factConceptClear')}
        </button>
      </span>
    );
  }
  return (
    <span className="fact-concept">
      <label>
        {t('factConceptShouldBe')}{' '}
        <input
          type="search"
          value={q}
          placeholder={t('factConceptSearch')}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void search();
          }}
        />
      </label>
      <button type="button" onClick={search} disabled={!q.trim()}>
        {t('factConceptFind')}
      </button>
      {matches && matches.length === 0 && <span className="muted">{t('noData')}</span>}
      {matches && matches.length > 0 && (
        <ul className="fact-concept-matches">
          {matches.map((m) => (
            <li key={m.concept.id}>
              <button type="button" className="linklike" onClick={() => onChoose(m.concept)}>
                <KnowledgeName name={bilingual(m.concept)} /> <code>{codingOf(m.concept, fact).code}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <span className="error-inline">{error}</span>}
    </span>
  );
}
