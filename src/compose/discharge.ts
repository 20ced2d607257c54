import type { Fact, Lang, MedicationCourse, PatientState } from '../core/index.js';
import { allFacts, conceptLabel, say, stableId } from '../core/index.js';
import { fold, splitSections } from '../nlp/index.js';
import {
  analyteKey,
  codedResults,
  courseFact,
  DAY,
  type Diagnosis,
  dedupeDiagnoses,
  encounterReason,
  flagWord,
  isCritical,
  medicationPlan,
  ms,
  resultFlag,
  startOf,
  stayDiagnoses,
} from './clinical.js';
import { type ComposedSection, type ComposedSentence, renderWithCitations, type Segment } from './document.js';
import { dateTime, type EncounterWindow, encounterWindow, stayDays } from './encounter.js';
import { dosageText, factPhrase } from './phrases.js';

/** A source note's text (`id` as the facts' TextSource names it, `DocumentReference/9`). */
export interface SourceDocument {
  readonly id: string;
  readonly text: string;
}

export interface DischargeOptions {
  readonly encounterId?: string;
  /** The stay's notes: the discharge note's 出院情况 and 出院医嘱 are quoted from them where present. */
  readonly documents?: readonly SourceDocument[];
  /** Who signs (filled at sign-off); a draft without one says 待签名 / signature pending. */
  readonly signer?: string;
}

/**
 * Section keys in the order each standard gives them.
 * zh: 《病历书写基本规范》(卫医政发〔2010〕11号) 第二十二条(二十) — 入院日期、出院日期、入院情况、入院诊断、
 * 诊疗经过、出院诊断、出院情况、出院医嘱、医师签名.
 * en: TJC IM.6.10 EP 7 / RC.02.04.01 EP 3 — reason for hospitalization, significant findings,
 * procedures and treatment, (discharge diagnoses: CMS 42 CFR 482.24(c)(4)(vii) outcome), condition at
 * discharge, discharge medications and instructions, follow-up, signature.
 */
export const SECTION_ORDER: Record<Lang, readonly string[]> = {
  zh: [
    'admitDate',
    'dischargeDate',
    'conditionOnAdmission',
    'admissionDiagnoses',
    'hospitalCourse',
    'dischargeDiagnoses',
    'conditionAtDischarge',
    'dischargeOrders',
    'signature',
  ],
  en: [
    'dates',
    'reasonForAdmission',
    'significantFindings',
    'hospitalCourse',
    'dischargeDiagnoses',
    'conditionAtDischarge',
    'dischargeMedications',
    'followUp',
    'signature',
  ],
};

export const SECTION_TITLES: Record<string, { zh: string; en: string }> = {
  admitDate: { zh: '入院日期', en: 'Admission date' },
  dischargeDate: { zh: '出院日期', en: 'Discharge date' },
  dates: { zh: '入出院日期', en: 'Admission and discharge' },
  conditionOnAdmission: { zh: '入院情况', en: 'Condition on admission' },
  reasonForAdmission: { zh: '入院原因', en: 'Reason for hospitalization' },
  admissionDiagnoses: { zh: '入院诊断', en: 'Admission diagnoses' },
  significantFindings: { zh: '重要检查结果', en: 'Significant findings' },
  hospitalCourse: { zh: '诊疗经过', en: 'Procedures and treatment' },
  dischargeDiagnoses: { zh: '出院诊断', en: 'Discharge diagnoses' },
  conditionAtDischarge: { zh: '出院情况', en: 'Condition at discharge' },
  dischargeOrders: { zh: '出院医嘱', en: 'Discharge orders' },
  dischargeMedications: { zh: '出院带药', en: 'Discharge medications' },
  followUp: { zh: '随访及待回报结果', en: 'Follow-up and pending results' },
  signature: { zh: '医师签名', en: 'Signature' },
};

/** The placeholder of an unsigned draft's signature line. */
export const UNSIGNED: Record<Lang, string> = { zh: '待签名', en: 'Signature pending' };

/** Follow-up and recheck words in an order ("1周内复查INR", "心内科门诊随访", "return if…"). */
const FOLLOW_UP = /复查|复诊|随访|门诊|就诊|监测|return|follow|recheck|repeat|clinic|appointment|monitor/i;

/**
 * The template discharge summary (出院记录, 《病历书写基本规范》第二十二条(二十); TJC RC.02.04.01 / IM.6.10):
 * narrative sentences built from the PatientState, each statement citing the facts it states.
 * Nothing is written that the record does not hold: what it does not say is written as not
 * documented, never filled in. The template is the floor a model must beat.
 */
export function templateDischargeSummary(
  state: PatientState,
  lang: Lang,
  encounterId?: string,
  options: DischargeOptions = {},
) {
  const w = encounterWindow(state, encounterId ?? options.encounterId);
  const facts = allFacts(state).filter((f) => f.subject.who === 'patient');
  const byId = new Map(allFacts(state).map((f) => [f.id, f]));
  const t = say(lang);
  const stop = t('.', '。');
  const sep = t(', ', '，');
  const extraFacts: Fact[] = [w.fact];
  const local = localClock(w.event.time);
  const seg = (text: string, fs: readonly (Fact | undefined)[] = []): Segment => ({
    text,
    factIds: [...new Set(fs.filter((f): f is Fact => !!f).map((f) => f.id))],
  });
  // An English sentence begins with a capital, whatever the drug's name ("ibuprofen was started…").
  const sentence = (segments: readonly Segment[], end = stop): ComposedSentence => {
    const first = segments[0];
    if (lang === 'en' && first && /^[a-z]/.test(first.text))
      return {
        segments: [{ ...first, text: first.text[0]!.toUpperCase() + first.text.slice(1) }, ...segments.slice(1)],
        end,
      };
    return { segments, end };
  };
  const joinSegs = (parts: readonly Segment[], glue: string): Segment[] =>
    parts.flatMap((s, i) => (i === 0 ? [s] : [seg(glue), s]));
  const notes = notePassages(options.documents ?? [], state, w);
  const passage = (p: Passage): Fact => {
    const f: Fact = {
      id: stableId('passage', p.document, p.start, p.end),
      patientId: state.patientId,
      category: 'encounter',
      concept: { system: 'urn:medseek:passage', code: `${p.document}#${p.start}-${p.end}`, display: p.text },
      assertion: 'present',
      subject: { who: 'patient' },
      sources: [{ kind: 'text', document: p.document, start: p.start, end: p.end, quote: p.text }],
    };
    extraFacts.push(f);
    return f;
  };
  const factsIn = (p: Passage) =>
    facts.filter((f) =>
      f.sources.some((s) => s.kind === 'text' && s.document === p.document && s.start >= p.start && s.end <= p.end),
    );
  const sameScript = (text: string) => (lang === 'zh') === /[\u4e00-\u9fff]/.test(text);

  // ── what the stay holds ─────────────────────────────────────────────────────────────────
  const diagnoses = stayDiagnoses(state, w);
  const conditionFacts = facts.filter((f) => f.category === 'condition' && f.assertion !== 'absent');
  const principalIndex = diagnoses.findIndex((d) => d.principal);
  const admissionDx = diagnoses.filter((d) => !d.arose);
  const results = codedResults(facts).filter((f) => inStay(f, w));
  const admissionResults = results.filter((f) => startOf(f) <= w.start + DAY);
  const laterResults = results.filter((f) => startOf(f) > w.start + DAY);
  const abnormalAnalytes = new Set(results.filter((f) => resultFlag(f)).map(analyteKey));
  const plan = medicationPlan(state, w, byId);
  const procedures = facts.filter(
    (f) =>
      f.category === 'procedure' &&
      f.assertion === 'present' &&
      f.sources.some((s) => s.kind === 'resource') &&
      inStay(f, w),
  );
  const genotypes = facts.filter(
    (f) =>
      f.category === 'genotype' &&
      f.assertion === 'present' &&
      f.sources.some((s) => s.kind === 'resource') &&
      inStay(f, w),
  );
  const imaging = facts.filter(
    (f) =>
      f.category === 'imaging' &&
      f.assertion === 'present' &&
      f.valueText &&
      f.sources.some((s) => s.kind === 'resource') &&
      inStay(f, w),
  );
  const pending = facts.filter((f) => (f.status === 'registered' || f.status === 'preliminary') && inStay(f, w));
  // One line per allergen: "药物过敏" within "磺胺类药物过敏" is the same allergy told twice.
  const allergyGroups = dedupeDiagnoses(
    facts.filter(
      (f) =>
        f.category === 'allergy' &&
        f.assertion === 'present' &&
        f.status !== 'entered-in-error' &&
        f.status !== 'refuted',
    ),
  );
  const allergies = allergyGroups.map((g) => g.fact);
  const noAllergy = facts.filter((f) => f.category === 'allergy' && f.assertion === 'absent');

  const resultPhrase = (f: Fact) => {
    const flag = resultFlag(f);
    return seg(`${factPhrase(f, lang)}${flag ? t(` (${flagWord(flag, lang)})`, `（${flagWord(flag, lang)}）`) : ''}`, [
      f,
    ]);
  };
  const dxItems = (list: readonly Diagnosis[], outcome: boolean): Segment[] =>
    joinSegs(
      list.map((d, i) => {
        const name = conceptLabel(d.fact.concept, lang);
        const end =
          outcome && d.resolved ? t(` (${outcomeWord(d, notes, lang)})`, `（${outcomeWord(d, notes, lang)}）`) : '';
        // （1）… rather than "1." : a full stop after the number would end a sentence.
        return seg(`${t(`(${i + 1}) `, `（${i + 1}）`)}${name}${end}`, d.facts);
      }),
      t('; ', '；'),
    );
  const drugName = (c: MedicationCourse) => conceptLabel(courseFact(c, byId)?.concept ?? c.concept, lang);
  const when = (iso: string | undefined) => (iso ? local(iso) : '');

  // ── 入院情况 / reason for hospitalization ─────────────────────────────────────────────────
  const admission: ComposedSentence[] = [];
  const cc = notes.find((p) => p.key === 'chief_complaint');
  // Without a stated reason: the principal diagnosis when it began on the admission day.
  const principal = diagnoses[principalIndex];
  const onsetAtAdmission = principal && Math.abs(startOf(principal.fact) - w.start) <= DAY ? principal : undefined;
  const reason = encounterReason(w);
  if (cc && sameScript(cc.text)) {
    admission.push(
      sentence([
        seg(t(`The patient was admitted with ${cc.text}`, `患者因“${cc.text}”入院`), [passage(cc), ...factsIn(cc)]),
      ]),
    );
  } else {
    const complaints = facts.filter(
      (f) => f.category === 'finding' && f.assertion === 'present' && f.section === 'chief_complaint',
    );
    if (complaints.length > 0)
      admission.push(
        sentence([
          seg(t('The patient was admitted with ', '患者因')),
          ...joinSegs(
            complaints.map((f) => seg(factPhrase(f, lang), [f])),
            t(', ', '、'),
          ),
          seg(t('', '入院')),
        ]),
      );
    else if (reason)
      admission.push(sentence([seg(t(`The patient was admitted for ${reason}`, `患者因${reason}入院`), [w.fact])]));
    else if (onsetAtAdmission)
      admission.push(
        sentence([
          seg(
            t(
              `The patient was admitted for ${conceptLabel(onsetAtAdmission.fact.concept, lang)}`,
              `患者因${conceptLabel(onsetAtAdmission.fact.concept, lang)}入院`,
            ),
            [w.fact, ...onsetAtAdmission.facts],
          ),
        ]),
      );
    else
      admission.push(
        sentence([
          seg(
            t(
              `Admitted ${dateTime(w.event.time)}; the reason for admission is not documented in the record`,
              `患者于${dateTime(w.event.time)}入院，入院原因病历未载明`,
            ),
            [w.fact],
          ),
        ]),
      );
  }
  const signs = facts.filter(
    (f) => f.category === 'finding' && f.assertion === 'present' && f.section === 'physical_exam',
  );
  const negatives = facts.filter(
    (f) =>
      f.category === 'finding' && f.assertion === 'absent' && (f.section === 'hpi' || f.section === 'chief_complaint'),
  );
  // Admission tests: part of 入院情况 in Chinese; TJC's "significant findings" in English.
  const admissionTests: ComposedSentence[] = [];
  const admissionAbnormal = dedupeBy(
    admissionResults.filter((f) => resultFlag(f)),
    analyteKey,
  );
  if (signs.length > 0 || admissionAbnormal.length > 0) {
    const vitals = admissionAbnormal.filter((f) => f.qualifiers?.category === 'vital-signs');
    const labs = admissionAbnormal.filter((f) => f.qualifiers?.category !== 'vital-signs');
    const parts: Segment[] = [...vitals.map(resultPhrase), ...signs.map((f) => seg(factPhrase(f, lang), [f]))];
    if (parts.length > 0) admission.push(sentence([seg(t('On admission: ', '入院时')), ...joinSegs(parts, sep)]));
    if (labs.length > 0)
      admissionTests.push(
        sentence([seg(t('Admission tests showed ', '入院检查示')), ...joinSegs(labs.map(resultPhrase), sep)]),
      );
  }
  if (negatives.length > 0)
    admission.push(
      sentence([
        seg(t('No ', '无')),
        ...joinSegs(
          negatives.map((f) => seg(conceptLabel(f.concept, lang), [f])),
          t(', ', '、'),
        ),
      ]),
    );
  if (lang === 'zh') admission.push(...admissionTests);
  const history = admissionDx.filter((d) => !d.principal && startOf(d.fact) < w.start - 30 * DAY);
  if (history.length > 0) {
    admission.push(
      sentence([
        seg(t('History of ', '既往有')),
        ...joinSegs(
          history.map((d) => seg(conceptLabel(d.fact.concept, lang), d.facts)),
          t(', ', '、'),
        ),
        seg(t('', '病史')),
      ]),
    );
  }

  // ── 诊疗经过 / procedures and treatment ─────────────────────────────────────────────────
  const course: ComposedSentence[] = [];
  // Given during the stay: an order (coded fact) or an event within the stay; a drug given only once is told as such.
  // When an event happened: a coded order's time, or a progress note's date. A note written at
  // admission or discharge tells the whole stay, so its date is not the date of what it tells.
  const trusted = (e: MedicationCourse['events'][number]): string | undefined => {
    if (!e.time || !inStayTime(e.time, w)) return undefined;
    if (e.sources.some((x) => x.kind === 'resource')) return e.time;
    const v = ms(e.time);
    return v > w.start + DAY / 2 && v < w.end - DAY / 4 ? e.time : undefined;
  };
  const toldInCourse = (c: MedicationCourse) => c.factIds.some((id) => byId.get(id)?.section === 'hospital_course');
  // Given during the stay: an order (coded fact) or a dated event within it, or the note's hospital course says so.
  const given = plan.courses.filter(
    (c) =>
      c.status !== 'one-off' &&
      (c.events.some((e) => e.kind !== 'one-off' && e.kind !== 'discharge' && e.kind !== 'stopped' && trusted(e)) ||
        c.factIds.some((id) => {
          const f = byId.get(id);
          return !!f && f.sources.some((s) => s.kind === 'resource') && inStay(f, w);
        }) ||
        toldInCourse(c)),
  );
  const startEvent = (c: MedicationCourse) =>
    c.events.find((e) => (e.kind === 'started' || e.kind === 'prn' || e.kind === 'resumed') && trusted(e));
  const startTime = (c: MedicationCourse) => ms(startEvent(c)?.time);
  const initial = given.filter((c) => !(startTime(c) > w.start + DAY));
  const added = given.filter((c) => startTime(c) > w.start + DAY);
  const coursesUsed = plan.courses.length > 0;
  if (coursesUsed && initial.length > 0) {
    course.push(
      sentence([
        seg(
          t('After admission the patient received ', initial.some((c) => !toldInCourse(c)) ? '入院后予' : '住院期间予'),
        ),
        ...joinSegs(
          initial.map((c) => seg(drugName(c), [courseFact(c, byId)])),
          t(', ', '、'),
        ),
        seg(t('', '治疗')),
      ]),
    );
  } else if (!coursesUsed) {
    const meds = dedupeBy(
      facts.filter(
        (f) =>
          f.category === 'medication' &&
          f.assertion !== 'absent' &&
          f.assertion !== 'hypothetical' &&
          f.qualifiers?.kind !== 'immunization' &&
          f.sources.some((s) => s.kind === 'resource') &&
          inStayFact(f, w),
      ),
      (f) => `${f.concept.system}|${f.concept.code}`,
    );
    if (meds.length > 0)
      course.push(
        sentence([
          seg(t('During the stay the patient received ', '住院期间予')),
          ...joinSegs(
            meds.map((f) => seg(conceptLabel(f.concept, lang), [f])),
            t(', ', '、'),
          ),
          seg(t('', '治疗')),
        ]),
      );
  }
  type Dated = { time: number; sentence: ComposedSentence; finding?: boolean };
  const events: Dated[] = [];
  for (const c of added) {
    const at = startEvent(c)?.time;
    // "起予" states what was done; "加用/可服用" reads as advice to the verifier's unsafe-advice rules.
    events.push({
      time: ms(at),
      sentence: sentence([
        seg(t(`${drugName(c)} was started on ${when(at)}`, `${when(at)}起予${drugName(c)}`), [courseFact(c, byId)]),
      ]),
    });
  }
  const onceByDay = new Map<string, Segment[]>();
  for (const c of plan.courses) {
    for (let e of c.events) {
      if (e.kind === 'one-off' && (trusted(e) || !e.time || inStayTime(e.time, w))) {
        const at = trusted(e);
        const d = at ? local(at) : '';
        const list = onceByDay.get(d) ?? [];
        // Cite what tells of the single dose (a progress note), not the drug's standing order.
        const cited = e.factIds.map((id) => byId.get(id)).filter((f): f is Fact => !!f);
        list.push(seg(drugName(c), cited.length > 0 ? cited : [courseFact(c, byId)]));
        onceByDay.set(d, list);
      }
      // A stop is told when it stands (the drug did not go home) or the record gives its reason; a
      // pause read from a plan ("造影前后按规定停用") and undone by discharge is not a change of therapy.
      if (e.kind === 'stopped' && inStayTime(e.time, w) && (!c.discharge || e.reason)) {
        const name = drugName(c);
        e = { ...e, ...(trusted(e) ? {} : { time: undefined }) };
        const why = stopReason(
          e.reason,
          e.time
            ? results.filter((r) => isCritical(resultFlag(r)) && local(r.time?.start ?? '') === local(e.time!))
            : [],
          lang,
          lang === 'en',
          conditionFacts,
        );
        const text = t(
          `${name} was stopped${e.time ? ` on ${when(e.time)}` : ''}${why.text ? ` (${why.text})` : ''}`,
          `${when(e.time)}${why.text ? `因${why.text}` : ''}停用${name}`,
        );
        events.push({
          time: ms(e.time),
          sentence: sentence([seg(text, [courseFact(c, byId), ...e.factIds.map((id) => byId.get(id)), ...why.facts])]),
        });
      }
      if (e.kind === 'dose-changed' && trusted(e) && e.dosage) {
        const name = drugName(c);
        events.push({
          time: ms(e.time),
          sentence: sentence([
            seg(
              t(
                `${name} was changed to ${dosageText(e.dosage, lang)}${e.time ? ` on ${when(e.time)}` : ''}${e.reason ? ` (${e.reason})` : ''}`,
                `${when(e.time)}${name}调整为${dosageText(e.dosage, lang)}${e.reason ? `（${e.reason}）` : ''}`,
              ),
              [courseFact(c, byId), ...e.factIds.map((id) => byId.get(id))],
            ),
          ]),
        });
      }
    }
  }
  for (const [d, drugs] of onceByDay) {
    const each = drugs.length > 1 ? t(' each', '各') : '';
    events.push({
      time: d ? Date.parse(d) + DAY / 3 : Number.NaN,
      sentence: sentence(
        lang === 'zh'
          ? [seg(`${d}${d ? '' : '住院期间'}临时予`), ...joinSegs(drugs, '、'), seg(`${each}1次`)]
          : [...joinSegs(drugs, ', '), seg(` given once${each}${d ? ` on ${d}` : ' during the stay'}`)],
      ),
    });
  }
  for (const p of procedures) {
    events.push({
      time: startOf(p),
      sentence: sentence([
        seg(
          t(
            `${factPhrase(p, lang)} was performed on ${when(p.time?.start)}`,
            `${when(p.time?.start)}行${factPhrase(p, lang)}`,
          ),
          [p],
        ),
      ]),
    });
  }
  for (const d of diagnoses.filter((x) => x.arose)) {
    const on = d.fact.time?.start;
    const name = conceptLabel(d.fact.concept, lang);
    const resolved = d.resolved
      ? t(`; ${outcomeWord(d, notes, lang)} by discharge`, `，${outcomeWord(d, notes, lang)}`)
      : '';
    events.push({
      time: ms(on),
      sentence: sentence([
        seg(t(`${name} developed on ${when(on)}${resolved}`, `${when(on)}出现${name}${resolved}`), d.facts),
      ]),
    });
  }
  // Results after the first day: every critical value, and each test that was abnormal at some point (its course back to normal shows).
  const byDay = new Map<string, Fact[]>();
  for (const r of laterResults.filter((f) => abnormalAnalytes.has(analyteKey(f)) || isCritical(resultFlag(f)))) {
    const d = local(r.time?.start ?? '');
    byDay.set(d, [...(byDay.get(d) ?? []), r]);
  }
  for (const [d, rs] of byDay) {
    events.push({
      time: Date.parse(d) + DAY / 2,
      finding: true,
      sentence: sentence([
        seg(t(`Results on ${d}: `, `${d}复查`)),
        ...joinSegs(dedupeBy(rs, analyteKey).map(resultPhrase), sep),
      ]),
    });
  }
  for (const g of [...genotypes, ...imaging]) {
    const what = g.category === 'genotype' ? t('genotype ', '基因检测示') : t('', '检查示');
    events.push({
      time: startOf(g),
      finding: true,
      sentence: sentence([
        seg(
          t(
            `${when(g.time?.start)}: ${what}${factPhrase(g, lang)}`,
            `${when(g.time?.start)}${what}${factPhrase(g, lang)}`,
          ),
          [g],
        ),
      ]),
    });
  }
  events.sort((a, b) => (Number.isNaN(a.time) ? 1 : Number.isNaN(b.time) ? -1 : a.time - b.time));
  // Chinese records tell results within the course; TJC lists significant findings as their own element.
  course.push(...events.filter((e) => lang === 'zh' || !e.finding).map((e) => e.sentence));
  const findings = events.filter((e) => e.finding).map((e) => e.sentence);
  // A record with no coded orders or procedures for the stay: its notes' own account of the course
  // (the course read from names alone would miss the drugs and operations the lexicon does not know).
  const codedCare =
    procedures.length > 0 ||
    plan.courses.some((c) =>
      c.factIds.some((id) => inStayFact(byId.get(id), w) && byId.get(id)!.sources.some((x) => x.kind === 'resource')),
    );
  const told = [...notes].reverse().find((p) => p.key === 'hospital_course' && sameScript(p.text));
  if (!codedCare && told) {
    course.length = 0;
    course.push(
      sentence([seg(told.text, [passage(told), ...factsIn(told)])]),
      ...events.filter((e) => e.finding && lang === 'zh').map((e) => e.sentence),
    );
  }
  if (course.length === 0)
    course.push(
      sentence([
        seg(t('The treatment during the stay is not documented in the record', '病历未载明住院期间的治疗'), [w.fact]),
      ]),
    );

  // ── 出院情况 / condition at discharge ───────────────────────────────────────────────────
  const atDischarge: ComposedSentence[] = [];
  const dc = [...notes].reverse().find((p) => p.key === 'discharge_condition');
  if (dc) {
    // The discharge note's own words. Facts read from them are not restated: "水肿消退" names
    // oedema, and a list of names would turn an improvement into a finding.
    const told = sameScript(dc.text) ? [] : translatedFindings(dc, factsIn(dc), lang);
    if (told.length > 0)
      atDischarge.push(sentence([seg(t('At discharge (as the discharge note records): ', '出院时')), ...told]));
    else
      atDischarge.push(
        sentence([
          seg(
            sameScript(dc.text) ? dc.text : t(`As recorded in the discharge note: ${dc.text}`, `（原文）${dc.text}`),
            [passage(dc), ...factsIn(dc)],
          ),
        ]),
      );
  } else {
    // No discharge note: the latest vital signs and abnormal results of the stay's last two days, as recorded.
    const last = dedupeBy(
      [...results]
        .filter((f) => startOf(f) >= w.end - 2 * DAY && (f.qualifiers?.category === 'vital-signs' || resultFlag(f)))
        .sort((a, b) => startOf(b) - startOf(a)),
      analyteKey,
    );
    if (last.length > 0)
      atDischarge.push(
        sentence([
          seg(t('Latest results before discharge: ', '出院前最近一次检查：')),
          ...joinSegs(last.map(resultPhrase), sep),
        ]),
      );
    else
      atDischarge.push(
        sentence([
          seg(t('The condition at discharge is not documented in the record', '病历未载明出院时情况'), [w.fact]),
        ]),
      );
  }

  // ── 出院医嘱 / discharge medications, instructions, follow-up ───────────────────────────
  const meds: ComposedSentence[] = [];
  if (plan.documented) {
    const items = plan.discharge.map((c) => {
      const f = courseFact(c, byId);
      // The discharge list's dose and frequency; a route it leaves out is the drug's order's route.
      const dosage = c.dosage
        ? { ...c.dosage, ...(!c.dosage.route && f?.dosage?.route ? { route: f.dosage.route } : {}) }
        : f?.dosage;
      return seg(`${drugName(c)}${dosage ? `${t(' ', '')}${dosageText(dosage, lang)}` : ''}`, [
        f,
        ...c.events.filter((e) => e.kind === 'discharge').flatMap((e) => e.factIds.map((id) => byId.get(id))),
      ]);
    });
    meds.push(sentence([seg(t('Discharge medications: ', '出院带药：')), ...joinSegs(items, t('; ', '；'))]));
  } else {
    meds.push(sentence([seg(t('Discharge medications: not documented in the record', '出院带药：病历未载明'), [])]));
  }
  const newDrugs = plan.changes.filter((c) => c.kind === 'new');
  if (newDrugs.length > 0)
    meds.push(
      sentence([
        seg(t('New: ', '新加用：')),
        ...joinSegs(
          newDrugs.map((c) => seg(drugName(c.course), [courseFact(c.course, byId)])),
          t(', ', '、'),
        ),
      ]),
    );
  for (const ch of plan.changes.filter((c) => c.kind === 'dose-changed' && c.course.dosage)) {
    meds.push(
      sentence([
        seg(
          t(
            `${drugName(ch.course)} dose changed to ${dosageText(ch.course.dosage!, lang)}${ch.reason ? ` (${ch.reason})` : ''}`,
            `${drugName(ch.course)}剂量调整为${dosageText(ch.course.dosage!, lang)}${ch.reason ? `（${ch.reason}）` : ''}`,
          ),
          [courseFact(ch.course, byId)],
        ),
      ]),
    );
  }
  const stopped = plan.changes.filter((c) => c.kind === 'stopped');
  for (const ch of stopped) {
    const why = stopReason(ch.reason, [], lang, true, conditionFacts).text;
    meds.push(
      sentence([
        seg(
          t(
            `${drugName(ch.course)} discontinued${why ? ` (${why})` : ''}`,
            `停用${drugName(ch.course)}${why ? `（${why}）` : ''}`,
          ),
          [courseFact(ch.course, byId)],
        ),
      ]),
    );
  }
  // Allergies known only from a note: its own words ("磺胺类药物过敏（皮疹）"), which name the
  // substance even where the lexicon only reads "drug allergy".
  // In the other language it is quoted as written: an allergen is not to be lost in translation.
  const allergyNote = [...notes].find((p) => p.key === 'allergies');
  if (allergies.length > 0 && allergyNote && !allergies.some((f) => f.sources.some((x) => x.kind === 'resource'))) {
    const quoted = sameScript(allergyNote.text)
      ? allergyNote.text
      : t(`(as written) ${allergyNote.text}`, `（原文）${allergyNote.text}`);
    meds.push(sentence([seg(t(`Allergies: ${quoted}`, `过敏史：${quoted}`), [passage(allergyNote), ...allergies])]));
  } else if (allergies.length > 0)
    meds.push(
      sentence([
        seg(t('Allergies: ', '过敏史：')),
        ...joinSegs(
          allergyGroups.map((g) => seg(conceptLabel(g.fact.concept, lang), g.facts)),
          t(', ', '、'),
        ),
      ]),
    );
  else if (noAllergy.length > 0) meds.push(sentence([seg(noAllergyText(noAllergy[0]!, lang), [noAllergy[0]!])]));

  const follow: ComposedSentence[] = [];
  const orders = [...notes]
    .reverse()
    .find((p) => p.key === 'discharge_instructions' || p.key === 'discharge_medications');
  const instructions = orders ? instructionClauses(orders, facts) : [];
  if (orders && instructions.length > 0) {
    const quoted = instructions.map((c) => c.text).join('；');
    const cite = [passage({ ...orders, text: orders.text }), ...instructions.flatMap((c) => c.facts)];
    follow.push(
      sentence([
        seg(
          sameScript(quoted)
            ? t(quoted, `嘱${quoted}`)
            : t(`Instructions as written in the discharge orders: ${quoted}`, `嘱（原文）${quoted}`),
          cite,
        ),
      ]),
    );
  }
  if (pending.length > 0)
    follow.push(
      sentence([
        seg(t('Results pending at discharge: ', '待回报结果：')),
        ...joinSegs(
          pending.map((f) => seg(conceptLabel(f.concept, lang), [f])),
          t(', ', '、'),
        ),
      ]),
    );
  if (!instructions.some((c) => FOLLOW_UP.test(c.text)))
    follow.push(sentence([seg(t('Follow-up: not documented in the record', '随访安排：病历未载明'), [])]));

  // ── assemble ────────────────────────────────────────────────────────────────────────────
  const days = stayDays(w);
  const admitText = dateTime(w.event.time);
  const dischargeText = dateTime(w.event.end ?? w.event.time);
  const signatureText = options.signer?.trim() || UNSIGNED[lang];
  const bodies: Record<string, ComposedSentence[]> =
    lang === 'zh'
      ? {
          admitDate: [sentence([seg(admitText, [w.fact])], '')],
          dischargeDate: [
            sentence([seg(`${dischargeText}${days !== undefined ? `（住院${days}天）` : ''}`, [w.fact])], ''),
          ],
          conditionOnAdmission: admission,
          admissionDiagnoses: [sentence(admissionDx.length > 0 ? dxItems(admissionDx, false) : [seg('病历未载明')])],
          hospitalCourse: course,
          dischargeDiagnoses: [sentence(diagnoses.length > 0 ? dxItems(diagnoses, true) : [seg('病历未载明')])],
          conditionAtDischarge: atDischarge,
          dischargeOrders: [...meds, ...follow],
          signature: [sentence([seg(signatureText)], '')],
        }
      : {
          dates: [
            sentence([
              seg(
                `Admitted ${admitText}; discharged ${dischargeText}${days !== undefined ? ` (${days} day${days === 1 ? '' : 's'} in hospital)` : ''}`,
                [w.fact],
              ),
            ]),
          ],
          reasonForAdmission: [
            ...admission,
            sentence([
              seg('Admission diagnoses: '),
              ...(admissionDx.length > 0 ? dxItems(admissionDx, false) : [seg('not documented in the record')]),
            ]),
          ],
          significantFindings:
            admissionTests.length + findings.length > 0
              ? [...admissionTests, ...findings]
              : [
                  sentence([
                    seg('No result of this stay is flagged abnormal by its reference range or by the laboratory'),
                  ]),
                ],
          hospitalCourse: course,
          dischargeDiagnoses: [
            sentence(diagnoses.length > 0 ? dxItems(diagnoses, true) : [seg('Not documented in the record')]),
          ],
          conditionAtDischarge: atDischarge,
          dischargeMedications: meds,
          followUp: follow,
          signature: [sentence([seg(signatureText)], '')],
        };
  const sections: ComposedSection[] = SECTION_ORDER[lang].map((key) => ({
    key,
    title: t(SECTION_TITLES[key]!.en, SECTION_TITLES[key]!.zh),
    sentences: bodies[key] ?? [],
  }));

  // Facts the text must mention (verify's omission check, taxonomy E12): allergies, discharge
  // drugs, stopped home drugs, pending results, critical values.
  const critical = [
    ...allergies,
    ...plan.discharge.map((c) => courseFact(c, byId)),
    ...stopped.map((c) => courseFact(c.course, byId)),
    ...pending,
    ...results.filter((f) => isCritical(resultFlag(f))),
  ].filter((f): f is Fact => !!f);
  // Drugs still ordered at discharge but absent from the discharge orders: the clinician must
  // reconcile them (shown beside the draft, never written into it as if decided).
  const unreconciled = plan.documented
    ? plan.courses
        .filter(
          (c) =>
            !c.discharge && (c.status === 'active' || c.status === 'held') && !plan.changes.some((x) => x.course === c),
        )
        .map((c) => drugName(c))
    : [];
  const rendered = renderWithCitations(sections);
  return {
    window: w,
    sections,
    critical,
    extraFacts,
    unreconciled,
    references: referencesOf(rendered.citations, [...byId.values(), ...extraFacts]),
    ...rendered,
  };
}

/** FHIR references (`Observation/42`, `DocumentReference/9`) behind each citation key. */
function referencesOf(citations: Readonly<Record<string, string>>, facts: readonly Fact[]): Record<string, string[]> {
  const byId = new Map(facts.map((f) => [f.id, f]));
  const out: Record<string, string[]> = {};
  for (const [key, id] of Object.entries(citations)) {
    const refs = (byId.get(id)?.sources ?? []).flatMap((s) =>
      s.kind === 'resource'
        ? [`${s.resourceType}/${s.id}`]
        : s.kind === 'text' && /^[A-Za-z]+\/[^/\s]+$/.test(s.document)
          ? [s.document]
          : [],
    );
    out[key] = [...new Set(refs)];
  }
  return out;
}

// ── notes ────────────────────────────────────────────────────────────────────────────────

interface Passage {
  readonly document: string;
  readonly key: string;
  /** Offsets of `text` in the document. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly time: number;
}

/**
 * The sections of the stay's notes that the summary quotes (chief complaint, condition at
 * discharge, discharge orders), oldest note first. A section's first paragraph is taken: in a
 * Chinese record each item is one line, and what follows (过敏提示…) is not part of it.
 */
function notePassages(documents: readonly SourceDocument[], state: PatientState, w: EncounterWindow): Passage[] {
  const dates = new Map<string, number>();
  for (const e of state.timeline) {
    if (e.kind !== 'note') continue;
    for (const s of e.sources) if (s.kind === 'resource') dates.set(`${s.resourceType}/${s.id}`, ms(e.time));
  }
  const out: Passage[] = [];
  for (const d of documents) {
    const time = dates.get(d.id) ?? Number.NaN;
    if (!Number.isNaN(time) && (time < w.start - DAY || time > w.end + 2 * DAY)) continue;
    if (Number.isNaN(time) && dates.size > 0) continue;
    for (const s of splitSections(d.text)) {
      if (
        ![
          'chief_complaint',
          'discharge_condition',
          'discharge_instructions',
          'discharge_medications',
          'discharge_diagnosis',
          'hospital_course',
          'allergies',
        ].includes(s.key)
      )
        continue;
      let start = s.bodyStart;
      while (start < s.end && /\s/.test(d.text[start]!)) start++;
      const nl = d.text.indexOf('\n', start);
      let end = nl < 0 || nl > s.end ? s.end : nl;
      while (end > start && /[\s。.；;]/.test(d.text[end - 1]!)) end--;
      if (end <= start) continue;
      out.push({ document: d.id, key: s.key, start, end, text: d.text.slice(start, end), time });
    }
  }
  return out.sort((a, b) => (Number.isNaN(a.time) ? 0 : a.time) - (Number.isNaN(b.time) ? 0 : b.time));
}

/**
 * The discharge orders' clauses that are not drug orders: diet, activity, rechecks, follow-up
 * ("低盐饮食", "1周内复查INR", "心内科门诊随访"). Drugs come from the medication courses; a clause that
 * names a drug (or details one, "服用1周") is left to them, except a recheck attached to it.
 */
function instructionClauses(p: Passage, facts: readonly Fact[]): { text: string; facts: Fact[] }[] {
  const drugAt = (from: number, to: number) =>
    facts.some(
      (f) =>
        f.category === 'medication' &&
        f.sources.some((s) => s.kind === 'text' && s.document === p.document && s.start >= from && s.start < to),
    );
  const out: { text: string; facts: Fact[] }[] = [];
  const items = [...p.text.matchAll(/[^；;]+/g)];
  for (const item of items) {
    const itemStart = p.start + item.index;
    const body = item[0];
    const lead = /^\s*(?:\d{1,2}[.、．)）]|[（(]\d{1,2}[)）])?\s*/.exec(body)![0].length;
    const clauses = [...body.slice(lead).matchAll(/[^，,]+/g)].map((m) => ({
      text: m[0].trim(),
      start: itemStart + lead + m.index,
      end: itemStart + lead + m.index + m[0].length,
    }));
    const hasDrug = clauses.some((c) => drugAt(c.start, c.end));
    for (const c of clauses) {
      if (!c.text) continue;
      if (drugAt(c.start, c.end) && !FOLLOW_UP.test(c.text)) continue;
      if (hasDrug && !FOLLOW_UP.test(c.text)) continue;
      out.push({
        text: c.text.replace(/[。.]$/, ''),
        facts: facts.filter(
          (f) =>
            f.category !== 'medication' &&
            f.sources.some(
              (s) => s.kind === 'text' && s.document === p.document && s.start >= c.start && s.end <= c.end,
            ),
        ),
      });
    }
  }
  return out;
}

/** Words of a clause that report a change for the better ("气促明显缓解", "水肿消退"): its finding is not current. */
const IMPROVED = /缓解|好转|消退|减轻|恢复|消失|改善|正常|resolved|improved|subsided/i;

/**
 * A note's condition at discharge in the other language, from the facts read in it: a denied
 * finding as "no …", a present one only where its clause reports no change ("偶有咳嗽" is a cough;
 * "水肿消退" is not oedema). Nothing when a clause cannot be told this way: the caller quotes instead.
 */
function translatedFindings(p: Passage, facts: readonly Fact[], lang: Lang): Segment[] {
  const clauses = [...p.text.matchAll(/[^，,；;。]+/g)].map((m) => ({
    start: p.start + m.index,
    end: p.start + m.index + m[0].length,
    text: m[0],
  }));
  const present: Fact[] = [];
  const absent: Fact[] = [];
  for (const c of clauses) {
    const inClause = facts.filter(
      (f) =>
        (f.category === 'finding' || f.category === 'condition') &&
        f.sources.some((s) => s.kind === 'text' && s.document === p.document && s.start >= c.start && s.start < c.end),
    );
    if (inClause.length === 0) return [];
    for (const f of inClause) {
      if (f.assertion === 'absent') absent.push(f);
      else if (f.assertion === 'present' && !IMPROVED.test(c.text)) present.push(f);
      else return [];
    }
  }
  const name = (f: Fact) => conceptLabel(f.concept, lang).toLowerCase();
  const out: Segment[] = present.map((f, i) => ({ text: `${i > 0 ? ', ' : ''}${name(f)}`, factIds: [f.id] }));
  for (const [i, f] of absent.entries())
    out.push({ text: `${i === 0 ? (present.length > 0 ? '; no ' : 'no ') : ', '}${name(f)}`, factIds: [f.id] });
  return out;
}

/**
 * How a resolved diagnosis is said: the record's own word where the notes give one beside its name
 * ("高钾血症（已纠正）", "肺炎，已好转"), else the coded status.
 */
function outcomeWord(d: Diagnosis, notes: readonly Passage[], lang: Lang): string {
  const zh = outcomeWordZh(d, notes);
  if (lang === 'zh') return zh;
  // The record's own word, in English: 已好转 is "improved", not "resolved".
  const en: Record<string, string> = {
    纠正: 'corrected',
    好转: 'improved',
    治愈: 'cured',
    痊愈: 'cured',
    缓解: 'resolved',
    稳定: 'stable',
    控制: 'controlled',
  };
  return en[zh.replace(/^已/, '')] ?? 'resolved';
}

function outcomeWordZh(d: Diagnosis, notes: readonly Passage[]): string {
  const names = d.facts
    .flatMap((f) => [f.concept.displayZh, f.concept.display])
    .filter((n): n is string => !!n)
    .flatMap((n) => [n, n.replace(/[（(][^）)]*[）)]/g, '')])
    .map((n) => fold(n).trim())
    .filter((n) => n.length >= 2);
  for (const p of [...notes].reverse().filter((x) => x.key === 'discharge_diagnosis')) {
    const text = fold(p.text);
    for (const n of names) {
      const at = text.indexOf(n);
      if (at < 0) continue;
      const word = /^[^；;。\d]{0,8}?(已?(?:纠正|好转|治愈|痊愈|缓解|稳定|控制))/.exec(text.slice(at + n.length));
      if (word) return word[1]!.startsWith('已') ? word[1]! : `已${word[1]}`;
    }
  }
  // FHIR condition-clinical `resolved`: the condition has gone.
  return '已缓解';
}

/**
 * Why a drug was stopped, as the record gives it, with the critical value of that day unless the
 * reason already states it: "高钾血症（血钾6.5mmol/L）" → "高钾血症，血钾6.5mmol/L".
 */
function stopReason(
  reason: string | undefined,
  critical: readonly Fact[],
  lang: Lang,
  inParentheses = true,
  conditions: readonly Fact[] = [],
): { text: string; facts: Fact[] } {
  let said = reason?.trim();
  const facts: Fact[] = [];
  if (said && lang === 'en' && /[\u4e00-\u9fff]/.test(said)) {
    // A Chinese note's reason in an English summary: the condition it names, in English.
    const named = conditions.filter(
      (c) =>
        c.concept.displayZh &&
        c.concept.display &&
        fold(said!).includes(fold(c.concept.displayZh.replace(/[（(][^）)]*[）)]/g, ''))),
    );
    if (named.length > 0) {
      said = [...new Set(named.map((c) => c.concept.display!))].join(', ');
      facts.push(...named);
    }
  }
  const parts = said
    ? [inParentheses ? said.replace(/[（(]([^）)]*)[）)]/g, lang === 'zh' ? '，$1' : ', $1').trim() : said]
    : [];
  const folded = fold(parts.join(''));
  const extra = critical.filter(
    (r) =>
      !folded.includes(fold(conceptLabel(r.concept, 'zh'))) &&
      !folded.includes(fold(conceptLabel(r.concept, 'en'))) &&
      !folded.includes(String(r.value?.value)),
  );
  for (const r of extra)
    parts.push(
      `${factPhrase(r, lang)}${lang === 'zh' ? '（危急值）' : inParentheses ? ', critical value' : ' (critical value)'}`,
    );
  return { text: parts.join(lang === 'zh' ? '，' : ', '), facts: [...facts, ...extra] };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────

function inStay(f: Fact, w: EncounterWindow): boolean {
  const t = startOf(f);
  return !Number.isNaN(t) && t >= w.start - DAY / 2 && t <= w.end + DAY / 2;
}

function inStayFact(f: Fact | undefined, w: EncounterWindow): boolean {
  return !!f && inStay(f, w);
}

function inStayTime(t: string | undefined, w: EncounterWindow): boolean {
  const v = ms(t);
  return !Number.isNaN(v) && v >= w.start - DAY / 2 && v <= w.end + DAY / 2;
}

function dedupeBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The calendar day of an instant on the record's own clock (the offset of the encounter's start:
 * `+08:00` for a Chinese hospital), so an event at 06:30 Beijing time is not dated the day before.
 */
function localClock(reference: string): (t: string) => string {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(reference);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  return (t: string) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
    const v = Date.parse(t);
    return Number.isNaN(v) ? t.slice(0, 10) : new Date(v + offset).toISOString().slice(0, 10);
  };
}

/** Says exactly what the record denies: no known allergy at all, or no known drug allergy. */
function noAllergyText(f: Fact, lang: Lang): string {
  const drugOnly = /drug|药物/i.test(`${f.concept.display ?? ''}${f.concept.displayZh ?? ''}`);
  if (lang === 'zh') return drugOnly ? '否认药物过敏史' : '无已知过敏';
  return drugOnly ? 'No known drug allergies' : 'No known allergies';
}
