import type { DocType, QcDocument, QcEncounter, QcSurgery } from '../model.js';
import { TITLE_RANK } from '../model.js';
import {
  absentFrom,
  type QcContext,
  type QcIssue,
  type QcPredicate,
  doc,
  docSource,
  docs,
  encSource,
  issue,
  num,
  predicate,
  refSource,
  regex,
  roundPhysician,
  stayEnd,
} from '../rule.js';
import {
  addWorkingDays,
  calendarDays,
  hasMinutes,
  hoursBetween,
  minutes,
  notBefore,
  shanghaiDate,
  within,
} from '../time.js';

/** Timeliness predicates T01–T23 (qc-rules.md §2). Deadlines still in the future are not breaches. */

type Deadline = { anchor: string; hours: number };

/** A document that must be completed by a deadline: missing (once the deadline passed) or late. */
function deadline(
  enc: QcEncounter,
  ctx: QcContext,
  d: QcDocument | undefined,
  dl: Deadline,
  what: { en: string; zh: string },
): QcIssue[] {
  const due = minutes(dl.anchor) + dl.hours * 60;
  if (!d)
    return minutes(ctx.now) > due
      ? [
          issue(
            `${what.en} missing (due within ${dl.hours} h)`,
            `缺${what.zh}（应在${dl.hours}小时内完成）`,
            [encSource(enc)],
            absentFrom(encSource(enc), what.zh),
          ),
        ]
      : [];
  if (!d.completedAt)
    return minutes(ctx.now) > due
      ? [
          issue(`${what.en} not signed (due within ${dl.hours} h)`, `${what.zh}未签名（应在${dl.hours}小时内完成）`, [
            docSource(d),
          ]),
        ]
      : [];
  if (!within(d.completedAt, dl.anchor, dl.hours)) {
    const late = Math.round((hoursBetween(dl.anchor, d.completedAt) - dl.hours) * 10) / 10;
    return [
      issue(
        `${what.en} signed ${late} h past the ${dl.hours} h limit`,
        `${what.zh}超时${late}小时（时限${dl.hours}小时）`,
        [docSource(d)],
      ),
    ];
  }
  return [];
}

/**
 * The note of `type` that belongs to an event (a consult, handover or transfer): the one that names it (`relatedId`),
 * or, where the record links none of its notes of that type to an event, the note nearest in time to the event
 * among those not nearer another event of the same kind (a 转出记录 written 14:40 for the 15:00 transfer): a chart
 * files the note in the stay, not under the event, and a 质控科 reads it by its time.
 */
function noteOf(
  enc: QcEncounter,
  type: DocType,
  event: { readonly id: string; readonly at: string },
  events: readonly { readonly id: string; readonly at: string }[],
): QcDocument | undefined {
  const all = docs(enc, type);
  const named = all.find((d) => d.relatedId === event.id);
  if (named || all.some((d) => d.relatedId)) return named;
  const at = (d: QcDocument) => d.recordedAt ?? d.completedAt;
  const gap = (d: QcDocument, e: { readonly at: string }) => Math.abs(minutes(at(d)!) - minutes(e.at));
  return all
    .filter((d) => at(d) && events.every((e) => e === event || gap(d, event) <= gap(d, e)))
    .sort((a, b) => gap(a, event) - gap(b, event))[0];
}

const losHours = (enc: QcEncounter, now: string) => hoursBetween(enc.admitAt, stayEnd(enc, now));
const died = (enc: QcEncounter) => !!enc.deathAt;

const T01 = predicate((enc, ctx) =>
  losHours(enc, ctx.now) >= 24
    ? deadline(
        enc,
        ctx,
        doc(enc, 'admission-note'),
        { anchor: enc.admitAt, hours: 24 },
        { en: 'Admission note', zh: '入院记录' },
      )
    : [],
);

const T02 = predicate((enc, ctx) => {
  const d = doc(enc, 'first-progress-note');
  const out = deadline(
    enc,
    ctx,
    d,
    { anchor: enc.admitAt, hours: 8 },
    { en: 'First progress note', zh: '首次病程记录' },
  );
  if (d?.completedAt && !notBefore(d.completedAt, enc.admitAt))
    out.push(issue('First progress note signed before admission', '首次病程记录签名时间早于入院时间', [docSource(d)]));
  return out;
});

const T03 = predicate((enc, ctx) =>
  enc.dischargeAt && !died(enc) && losHours(enc, ctx.now) < 24
    ? deadline(
        enc,
        ctx,
        doc(enc, 'admit-discharge-24h'),
        { anchor: enc.dischargeAt, hours: 24 },
        { en: '24-hour admission–discharge note', zh: '24小时内入出院记录' },
      )
    : [],
);

const T04 = predicate((enc, ctx) =>
  enc.deathAt && hoursBetween(enc.admitAt, enc.deathAt) < 24
    ? deadline(
        enc,
        ctx,
        doc(enc, 'admit-death-24h'),
        { anchor: enc.deathAt, hours: 24 },
        { en: '24-hour admission–death note', zh: '24小时内入院死亡记录' },
      )
    : [],
);

const T05 = predicate((enc, ctx) => {
  if (losHours(enc, ctx.now) < 48) return [];
  const ok = docs(enc, 'ward-round').some(
    (d) =>
      TITLE_RANK[roundPhysician(d)?.title ?? 'intern'] >= TITLE_RANK.attending &&
      within(d.completedAt, enc.admitAt, 48),
  );
  return ok
    ? []
    : [
        issue(
          'No ward round by an attending (or higher) signed within 48 h of admission',
          '入院48小时内无主治医师及以上查房记录',
          [encSource(enc)],
          absentFrom(encSource(enc), '主治医师首次查房记录'),
        ),
      ];
});

const PROGRESS_TYPES = [
  'first-progress-note',
  'progress-note',
  'ward-round',
  'rescue-note',
  'postop-first-note',
  'transfer-in',
  'handover-in',
  'interim-summary',
] as const;

function acuityOn(enc: QcEncounter, day: string): 'critical' | 'serious' | 'stable' {
  let level: 'critical' | 'serious' | 'stable' = 'stable';
  for (const a of enc.acuity) {
    const from = shanghaiDate(a.from);
    const to = a.to ? shanghaiDate(a.to) : '9999-12-31';
    if (day >= from && day <= to) {
      if (a.level === 'critical') level = 'critical';
      else if (a.level === 'serious' && level === 'stable') level = 'serious';
    }
  }
  return level;
}

const T06 = predicate((enc, ctx) => {
  const out: QcIssue[] = [];
  const notes = docs(enc, ...PROGRESS_TYPES).filter((d) => d.recordedAt ?? d.completedAt);
  const times = notes.map((d) => (d.recordedAt ?? d.completedAt)!);
  const end = stayEnd(enc, ctx.now);
  const days = calendarDays(enc.admitAt, end);
  // 病危: at least one note each day (admission day onwards), with minutes (S2).
  for (let i = 0; i <= days; i++) {
    const day = shanghaiDate(new Date(minutes(enc.admitAt) * 60_000 + i * 86_400_000).toISOString());
    if (acuityOn(enc, day) !== 'critical') continue;
    const that = notes.filter((d) => shanghaiDate((d.recordedAt ?? d.completedAt)!) === day);
    if (that.length === 0)
      out.push(
        issue(`No progress note on ${day} while critically ill (病危)`, `${day}病危期间无病程记录`, [encSource(enc)], {
          severity: 'S2',
          key: day,
          ...absentFrom(encSource(enc), `${day}的病程记录`),
        }),
      );
    else if (!that.some((d) => hasMinutes(d.recordedAt)))
      out.push(
        issue(
          `Progress note on ${day} (病危) gives no time to the minute`,
          `${day}病危病程记录未记录到分钟`,
          that.map(docSource),
          { severity: 'S2', key: `${day}-min` },
        ),
      );
  }
  // 病重: gap ≤ 2 days; 稳定: gap ≤ 3 days (calendar days between consecutive notes, and to the end of stay).
  const points = [...times, end].sort();
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const gap = calendarDays(a, b);
    // The acuity over the gap itself, to the minute: a 病危 or 病重 period that ended when the note opening the gap
    // was written (the note that lifts it) leaves a stable gap.
    const ill = enc.acuity.some(
      (x) => x.level !== 'stable' && minutes(x.from) < minutes(b) && (!x.to || minutes(x.to) > minutes(a)),
    );
    const limit = ill ? 2 : 3;
    if (gap > limit)
      out.push(
        issue(
          `${gap} days without a progress note (${shanghaiDate(a)} → ${shanghaiDate(b)}; limit ${limit})`,
          `${shanghaiDate(a)}至${shanghaiDate(b)}间隔${gap}天无病程记录（限${limit}天）`,
          [encSource(enc)],
          { key: a, ...absentFrom(encSource(enc), `${shanghaiDate(a)}至${shanghaiDate(b)}的病程记录`) },
        ),
      );
  }
  return out;
});

const T07 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    for (const r of enc.rescues) {
      const d = docs(enc, 'rescue-note').find((x) => x.relatedId === r.id) ?? docs(enc, 'rescue-note')[0];
      out.push(...deadline(enc, ctx, d, { anchor: r.endAt, hours: 6 }, { en: 'Rescue record', zh: '抢救记录' }));
      if (!d) continue;
      if (!hasMinutes(regex(ctx, 'rescueTime').exec(d.text)?.[0] ?? ''))
        out.push(
          issue(
            'Rescue times in the record are not given to the minute',
            '抢救记录中抢救时间未具体到分钟',
            [docSource(d)],
            { key: `${r.id}-min` },
          ),
        );
      if (d.completedAt && minutes(d.completedAt) > minutes(r.endAt) && !d.late && !regex(ctx, 'lateMark').test(d.text))
        out.push(
          issue(
            'Rescue record written after the rescue is not marked as written afterwards (补记)',
            '抢救结束后补记的记录未注明“补记”',
            [docSource(d)],
            { key: `${r.id}-late` },
          ),
        );
      if (!d.signatures.some((s) => s.id === r.leaderId))
        out.push(
          issue('The person who led the rescue has not signed the record', '主持抢救人员未审核签字', [docSource(d)], {
            key: `${r.id}-sign`,
          }),
        );
    }
    return out;
  },
  { patterns: ['rescueTime', 'lateMark'] },
);

const T08 = predicate((enc, ctx) => {
  const out: QcIssue[] = [];
  for (const r of enc.rescues) {
    const note = docs(enc, 'rescue-note').find((x) => x.relatedId === r.id) ?? docs(enc, 'rescue-note')[0];
    const limit =
      ctx.params.limitMinutes != null
        ? minutes(r.endAt) + num(ctx.params, 'limitMinutes')
        : note?.completedAt
          ? minutes(note.completedAt)
          : minutes(r.endAt);
    for (const o of enc.orders.filter(
      (x) =>
        x.verbal &&
        x.orderedAt &&
        minutes(x.orderedAt) >= minutes(r.startAt) &&
        minutes(x.orderedAt) <= minutes(r.endAt),
    )) {
      if (!o.enteredAt || minutes(o.enteredAt) > limit)
        out.push(
          issue(
            `Verbal order "${o.text}" not written up in time`,
            `抢救口头医嘱“${o.text}”未及时补记`,
            [refSource(o.ref, 'MedicationRequest', o.id)],
            { key: o.id },
          ),
        );
    }
  }
  return out;
});

/** T09's patterns that find a consultation note's advice. */
interface AdviceWords {
  /** Where the advice is written: after 建议：, else after 会诊意见：. */
  readonly advice: RegExp;
  readonly opinion: RegExp;
  /** A signature line of the note ("会诊医师：谢文斌（胸外科副主任医师）"), no advice. */
  readonly signature: RegExp;
}

/** The consultant's advice: what follows its label, else the note after its title line; its signature lines out. */
const advice = (text: string, w: AdviceWords): string => {
  const m = w.advice.exec(text) ?? w.opinion.exec(text) ?? /\n/.exec(text);
  return (m ? text.slice(m.index + m[0].length) : text).replace(new RegExp(w.signature.source, 'gm'), '');
};

/** What the record's notes wrote before `at` (the admission note and the notes completed by then). */
const knownBefore = (enc: QcEncounter, at: string): string =>
  enc.documents
    .filter((d) => d.type !== 'consult-note' && d.completedAt && !notBefore(d.completedAt, at))
    .map((d) => d.text)
    .join('\n');

/**
 * A later note that tells how a consultation's advice was carried out: it names the consultation (会诊), or it
 * takes up the advice in words the record had not used before the consultation (`known`: the patient's disease,
 * which every note names, is no sign), a run of four Chinese characters or a Latin term of four letters or more
 * ("请主任查房讨论是否转院行TEVAR" after "有TEVAR指征，应尽早转上级医院"), as a 查房记录 acting on it is written.
 */
function carriesOut(later: string, consult: string, known: string, w: AdviceWords): boolean {
  if (later.includes('会诊')) return true;
  const said = advice(consult, w);
  const terms = [
    ...(said.match(/\p{Script=Han}{4,}/gu) ?? []).flatMap((run) =>
      Array.from({ length: run.length - 3 }, (_, i) => run.slice(i, i + 4)),
    ),
    ...(said.match(/[A-Za-z]{4,}/g) ?? []),
  ];
  return terms.some((t) => later.includes(t) && !known.includes(t));
}

const T09 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    for (const c of enc.consults) {
      const note = noteOf(
        enc,
        'consult-note',
        { id: c.id, at: c.sentAt },
        enc.consults.map((x) => ({ id: x.id, at: x.sentAt })),
      );
      if (c.urgent) {
        if (!c.arrivedAt || minutes(c.arrivedAt) > minutes(c.sentAt) + num(ctx.params, 'urgentMinutes'))
          out.push(
            issue(
              `Urgent consultant arrived later than ${ctx.params.urgentMinutes} min`,
              `急会诊未在${ctx.params.urgentMinutes}分钟内到位`,
              [encSource(enc)],
              { key: `${c.id}-arrive` },
            ),
          );
        if (!note)
          out.push(
            issue('Urgent consultation has no consultation note', '急会诊无会诊记录', [encSource(enc)], {
              key: c.id,
              ...absentFrom(encSource(enc), '会诊记录'),
            }),
          );
      } else
        out.push(
          ...deadline(
            enc,
            ctx,
            note,
            { anchor: c.sentAt, hours: num(ctx.params, 'routineHours') },
            { en: 'Consultation note', zh: '会诊记录' },
          ).map((i) => ({ ...i, key: c.id })),
        );
      // The requesting physician records how the advice was carried out.
      const known = note?.completedAt ? knownBefore(enc, c.sentAt) : '';
      const words: AdviceWords = {
        advice: regex(ctx, 'adviceLabel'),
        opinion: regex(ctx, 'opinionLabel'),
        signature: regex(ctx, 'signatureLine'),
      };
      if (
        note?.completedAt &&
        !docs(enc, 'progress-note', 'ward-round').some(
          (d) =>
            notBefore(d.completedAt ?? d.recordedAt, note.completedAt!) && carriesOut(d.text, note.text, known, words),
        )
      ) {
        out.push(
          issue(
            'No progress note after the consultation records how its advice was carried out',
            '会诊后病程记录未记录会诊意见执行情况',
            [docSource(note)],
            { key: `${c.id}-followup` },
          ),
        );
      }
    }
    return out;
  },
  { patterns: ['adviceLabel', 'opinionLabel', 'signatureLine'] },
);

const T10 = predicate((enc, ctx) =>
  enc.handovers.flatMap((h) => [
    ...deadline(
      enc,
      ctx,
      noteOf(enc, 'handover-out', h, enc.handovers),
      { anchor: h.at, hours: 0 },
      { en: 'Handover (交班) note', zh: '交班记录' },
    ),
    ...deadline(
      enc,
      ctx,
      noteOf(enc, 'handover-in', h, enc.handovers),
      { anchor: h.at, hours: 24 },
      { en: 'Takeover (接班) note', zh: '接班记录' },
    ),
  ]),
);

const T11 = predicate((enc, ctx) =>
  enc.transfers.flatMap((t) => [
    ...(t.emergency
      ? []
      : deadline(
          enc,
          ctx,
          noteOf(enc, 'transfer-out', t, enc.transfers),
          { anchor: t.at, hours: 0 },
          { en: 'Transfer-out note', zh: '转出记录' },
        )),
    ...deadline(
      enc,
      ctx,
      noteOf(enc, 'transfer-in', t, enc.transfers),
      { anchor: t.at, hours: 24 },
      { en: 'Transfer-in note', zh: '转入记录' },
    ),
  ]),
);

const T12 = predicate((enc, ctx) => {
  const w = num(ctx.params, 'windowDays');
  const end = minutes(stayEnd(enc, ctx.now));
  const notes = docs(enc, 'interim-summary', 'handover-out', 'handover-in', 'transfer-out', 'transfer-in').map((d) =>
    minutes((d.completedAt ?? d.recordedAt)!),
  );
  const out: QcIssue[] = [];
  for (let start = minutes(enc.admitAt); start + w * 1440 <= end; start += w * 1440) {
    if (!notes.some((t) => t > start && t <= start + w * 1440))
      out.push(
        issue(
          `No interim summary in the ${w}-day period from ${shanghaiDate(new Date(start * 60_000).toISOString())}`,
          `${shanghaiDate(new Date(start * 60_000).toISOString())}起${w}天内无阶段小结`,
          [encSource(enc)],
          { key: String(start) },
        ),
      );
  }
  return out;
});

/**
 * The note of `type` for operation `s`: the one linked to it, else one the source leaves unlinked (an EMR export
 * without the link) written after the operation began.
 */
function surgeryNote(enc: QcEncounter, type: DocType, s: QcSurgery): QcDocument | undefined {
  const all = docs(enc, type);
  const at = (d: QcDocument) => d.recordedAt ?? d.completedAt;
  return (
    all.find((d) => d.relatedId === s.id) ??
    all.find((d) => d.relatedId === undefined && at(d) !== undefined && minutes(at(d)!) >= minutes(s.startAt))
  );
}

const T13 = predicate((enc, ctx) =>
  enc.surgeries.flatMap((s) => {
    const d = surgeryNote(enc, 'op-note', s);
    const out = deadline(enc, ctx, d, { anchor: s.endAt, hours: 24 }, { en: 'Operative note', zh: '手术记录' });
    if (d?.author && d.author.id !== s.surgeonId && !d.signatures.some((x) => x.id === s.surgeonId))
      out.push(
        issue(
          'Operative note written by an assistant is not co-signed by the surgeon',
          '第一助手书写的手术记录无术者签名',
          [docSource(d)],
          { key: `${s.id}-cosign` },
        ),
      );
    return out;
  }),
);

const T14 = predicate((enc, ctx) =>
  enc.surgeries.flatMap((s) =>
    deadline(
      enc,
      ctx,
      surgeryNote(enc, 'postop-first-note', s),
      { anchor: s.endAt, hours: num(ctx.params, 'hours') },
      { en: 'First post-op progress note', zh: '术后首次病程记录' },
    ),
  ),
);

const T15 = predicate((enc) =>
  enc.surgeries.flatMap((s) => {
    // A round the surgeon signed as the senior is the surgeon's round (roundPhysician).
    const bySurgeon = docs(enc, 'ward-round', 'progress-note', 'preop-summary', 'postop-first-note').filter(
      (d) => d.author?.id === s.surgeonId || (d.type === 'ward-round' && roundPhysician(d)?.id === s.surgeonId),
    );
    const at = (d: QcDocument) => minutes((d.recordedAt ?? d.completedAt)!);
    const out: QcIssue[] = [];
    if (!bySurgeon.some((d) => at(d) >= minutes(s.startAt) - 1440 && at(d) <= minutes(s.startAt)))
      out.push(
        issue('No round by the surgeon in the 24 h before surgery', '术者术前24小时内无查房记录', [encSource(enc)], {
          ...absentFrom(encSource(enc), '术者术前查房记录'),
          key: `${s.id}-pre`,
        }),
      );
    if (!bySurgeon.some((d) => at(d) >= minutes(s.endAt) && at(d) <= minutes(s.endAt) + 1440))
      out.push(
        issue('No round by the surgeon in the 24 h after surgery', '术者术后24小时内无查房记录', [encSource(enc)], {
          ...absentFrom(encSource(enc), '术者术后查房记录'),
          key: `${s.id}-post`,
        }),
      );
    return out;
  }),
);

const T16 = predicate((enc, ctx) =>
  enc.dischargeAt && !died(enc) && losHours(enc, ctx.now) >= 24
    ? deadline(
        enc,
        ctx,
        doc(enc, 'discharge-record'),
        { anchor: enc.dischargeAt, hours: 24 },
        { en: 'Discharge record', zh: '出院记录' },
      )
    : [],
);

const T17 = predicate((enc, ctx) => {
  if (!enc.deathAt) return [];
  const d = doc(enc, 'death-record');
  const out = deadline(enc, ctx, d, { anchor: enc.deathAt, hours: 24 }, { en: 'Death record', zh: '死亡记录' });
  if (!hasMinutes(enc.deathAt))
    out.push(issue('Death time not given to the minute', '死亡时间未具体到分钟', [encSource(enc)], { key: 'min' }));
  return out;
});

const T18 = predicate((enc, ctx) => {
  if (!enc.deathAt) return [];
  const confs = docs(enc, 'death-conference');
  const at = (d: QcDocument) => d.recordedAt ?? d.completedAt;
  const out = deadline(
    enc,
    ctx,
    confs.find((d) => notBefore(at(d), enc.deathAt!)) ? { ...confs[0]!, completedAt: at(confs[0]!) } : undefined,
    { anchor: enc.deathAt, hours: 7 * 24 },
    { en: 'Death case conference', zh: '死亡病例讨论' },
  );
  if (enc.autopsyReportAt) {
    const second = confs.find((d) => notBefore(at(d), enc.autopsyReportAt!));
    out.push(
      ...deadline(
        enc,
        ctx,
        second ? { ...second, completedAt: at(second) } : undefined,
        { anchor: enc.autopsyReportAt, hours: 7 * 24 },
        { en: 'Conference after the autopsy report', zh: '尸检报告后的死亡病例讨论' },
      ).map((i) => ({ ...i, key: 'autopsy' })),
    );
  }
  return out;
});

const T19 = predicate((enc, ctx) => {
  // A source that carries no front sheet at all (FHIR) cannot show it late or missing.
  if (!enc.dischargeAt || (!enc.homepage && enc.unknown?.includes('homepage'))) return [];
  const h = enc.homepage;
  const pseudo = h
    ? ({
        id: 'homepage',
        type: 'other',
        ref: h.ref ?? `Composition/${enc.id}-homepage`,
        signatures: [],
        text: '',
        ...(h.completedAt ? { completedAt: h.completedAt } : {}),
      } as QcDocument)
    : undefined;
  return deadline(
    enc,
    ctx,
    pseudo,
    { anchor: enc.dischargeAt, hours: 24 },
    { en: 'Front sheet (病案首页)', zh: '病案首页' },
  );
});

const T20 = predicate((enc, ctx) => {
  if (!enc.dischargeAt || (!enc.archivedAt && !enc.archiveTracked)) return [];
  const due = addWorkingDays(
    enc.dischargeAt,
    num(ctx.params, 'workingDays'),
    ctx.params.holidays as string[],
    ctx.params.makeupWorkdays as string[],
  );
  if (enc.archivedAt ? minutes(enc.archivedAt) <= minutes(due) : minutes(ctx.now) <= minutes(due)) return [];
  return [
    issue(
      `Chart ${enc.archivedAt ? 'archived' : 'not archived'} after the deadline ${due.slice(0, 10)}`,
      `病历${enc.archivedAt ? '归档' : '未归档'}，超过时限${due.slice(0, 10)}`,
      [encSource(enc)],
    ),
  ];
});

const T21 = predicate((enc, ctx) =>
  enc.results
    .filter(
      (r) =>
        r.receivedAt &&
        (r.filedAt ? !within(r.filedAt, r.receivedAt, 24) : minutes(ctx.now) > minutes(r.receivedAt) + 1440),
    )
    .map((r) =>
      issue(
        `“${r.name}” not filed within 24 h of receipt`,
        `${r.name}未在接收后24小时内归入病历`,
        [refSource(r.ref, 'DiagnosticReport', r.id)],
        { key: r.id },
      ),
    ),
);

const T22 = predicate((enc, ctx) => {
  if (losHours(enc, ctx.now) < 24) return [];
  const hp = docs(enc, 'history-physical');
  const post = hp.find((d) => notBefore(d.completedAt, enc.admitAt) && within(d.completedAt, enc.admitAt, 24));
  const pre = hp.find(
    (d) =>
      d.completedAt &&
      minutes(d.completedAt) < minutes(enc.admitAt) &&
      minutes(d.completedAt) >= minutes(enc.admitAt) - 30 * 1440,
  );
  if (post) return [];
  if (pre)
    return doc(enc, 'hp-update')
      ? []
      : [issue('Pre-admission H&P has no update note', '入院前病史体检无更新记录', [docSource(pre)])];
  return [
    issue('No H&P within 24 h after admission or 30 days before it', '入院后24小时内或入院前30天内无病史体检记录', [
      encSource(enc),
    ]),
  ];
});

const T23 = predicate((enc, ctx) =>
  enc.dischargeAt
    ? deadline(
        enc,
        ctx,
        doc(enc, 'discharge-record'),
        { anchor: enc.dischargeAt, hours: num(ctx.params, 'days') * 24 },
        { en: 'Discharge summary', zh: '出院小结' },
      )
    : [],
);

export const TIMELINESS_PREDICATES: Readonly<Record<string, QcPredicate>> = {
  T01,
  T02,
  T03,
  T04,
  T05,
  T06,
  T07,
  T08,
  T09,
  T10,
  T11,
  T12,
  T13,
  T14,
  T15,
  T16,
  T17,
  T18,
  T19,
  T20,
  T21,
  T22,
  T23,
};
