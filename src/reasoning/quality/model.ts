/**
 * The encounter record that quality control reads (qc-rules.md §1 "Data model assumed by the
 * conditions"). Times are ISO-8601; a time without an offset is Asia/Shanghai, as the file says.
 * - `admitAt`: when the patient was received on the ward, to the minute (SY2016 第八条) — not the
 *   registration (入院登记) time.
 * - `dischargeAt`: when the patient left the ward; for a death, the time of death.
 * - `QcDocument.completedAt`: the first valid e-signature by the responsible physician (deadlines
 *   are computed from it, never from auto-save or draft time); `recordedAt`: the 记录时间 written
 *   inside the document.
 */
export type DocType =
  | 'admission-note' // 入院记录 (also 再次或多次入院记录)
  | 'first-progress-note' // 首次病程记录
  | 'progress-note' // 日常病程记录
  | 'ward-round' // 上级医师查房记录
  | 'admit-discharge-24h' // 24小时内入出院记录
  | 'admit-death-24h' // 24小时内入院死亡记录
  | 'rescue-note' // 抢救记录
  | 'consult-note' // 会诊记录
  | 'handover-out' // 交班记录
  | 'handover-in' // 接班记录
  | 'transfer-out' // 转出记录
  | 'transfer-in' // 转入记录
  | 'interim-summary' // 阶段小结
  | 'op-note' // 手术记录
  | 'postop-first-note' // 术后首次病程记录
  | 'preop-discussion' // 术前讨论
  | 'preop-summary' // 术前小结
  | 'surgical-safety-checklist' // 手术安全核查表
  | 'consent-surgery'
  | 'consent-anesthesia'
  | 'consent-transfusion'
  | 'consent-special'
  | 'critical-notice' // 病危（重）通知书
  | 'critical-value-receipt' // 危急值接收登记
  | 'transfusion-record'
  | 'antibiotic-approval' // 特殊使用级抗菌药会诊/审批
  | 'pathology-report'
  | 'imaging-report'
  | 'nursing-allergy' // 护理过敏记录
  | 'discharge-record' // 出院记录
  | 'death-record' // 死亡记录
  | 'death-conference' // 死亡病例讨论
  | 'history-physical' // (Intl) H&P
  | 'hp-update' // (Intl) H&P update note
  | 'other';

/** A document type as a finding names it in Chinese (the record's own name for it). */
export const DOC_TYPE_ZH: Record<DocType, string> = {
  'admission-note': '入院记录',
  'first-progress-note': '首次病程记录',
  'progress-note': '病程记录',
  'ward-round': '上级医师查房记录',
  'admit-discharge-24h': '24小时内入出院记录',
  'admit-death-24h': '24小时内入院死亡记录',
  'rescue-note': '抢救记录',
  'consult-note': '会诊记录',
  'handover-out': '交班记录',
  'handover-in': '接班记录',
  'transfer-out': '转出记录',
  'transfer-in': '转入记录',
  'interim-summary': '阶段小结',
  'op-note': '手术记录',
  'postop-first-note': '术后首次病程记录',
  'preop-discussion': '术前讨论',
  'preop-summary': '术前小结',
  'surgical-safety-checklist': '手术安全核查表',
  'consent-surgery': '手术知情同意书',
  'consent-anesthesia': '麻醉知情同意书',
  'consent-transfusion': '输血治疗知情同意书',
  'consent-special': '特殊检查/治疗知情同意书',
  'critical-notice': '病危（重）通知书',
  'critical-value-receipt': '危急值接收登记',
  'transfusion-record': '输血记录',
  'antibiotic-approval': '特殊使用级抗菌药物会诊/审批',
  'pathology-report': '病理报告',
  'imaging-report': '影像报告',
  'nursing-allergy': '护理过敏记录',
  'discharge-record': '出院记录',
  'death-record': '死亡记录',
  'death-conference': '死亡病例讨论记录',
  'history-physical': 'H&P',
  'hp-update': 'H&P更新记录',
  other: '其他记录',
};

/** Physician titles, lowest first (住院医师 < 主治医师 < 副主任医师 < 主任医师); `intern` covers 实习/试用期. */
export type Title = 'intern' | 'resident' | 'attending' | 'associate-chief' | 'chief';
export const TITLE_RANK: Record<Title, number> = {
  intern: 0,
  resident: 1,
  attending: 2,
  'associate-chief': 3,
  chief: 4,
};

export interface QcPerson {
  readonly id: string;
  readonly name?: string;
  readonly title?: Title;
  /** e.g. physician, surgeon, anesthesiologist, circulating-nurse, patient, representative, family, coder, director. */
  readonly role?: string;
}

export interface QcSignature extends QcPerson {
  readonly at?: string;
}

export interface QcDocument {
  readonly id: string;
  readonly type: DocType;
  /** FHIR reference of the source (`DocumentReference/9`), for click-through. */
  readonly ref?: string;
  readonly recordedAt?: string;
  readonly completedAt?: string;
  readonly author?: QcPerson;
  readonly signatures: readonly QcSignature[];
  /**
   * Fields the source does not carry (a FHIR export without DocumentReference.author and no signature
   * line): unknown, not missing, so the rules that read them skip them. Absent: every field is known.
   */
  readonly unknown?: readonly 'author'[];
  readonly text: string;
  /** Parsed sections (heading → content); filled from `text` when absent. */
  readonly sections?: Readonly<Record<string, string>>;
  /** Marked 补记 (written after the event). */
  readonly late?: boolean;
  readonly participants?: readonly QcPerson[];
  /** The surgery, rescue, consult, transfer or handover the document belongs to. */
  readonly relatedId?: string;
  /** Structured fields some documents carry (checklist checkpoints, consent reason…). */
  readonly fields?: Readonly<Record<string, string | boolean | number | readonly string[]>>;
}

export interface QcOrder {
  readonly id: string;
  readonly ref?: string;
  readonly text: string;
  readonly kind: 'long' | 'temporary';
  readonly orderedAt?: string;
  /** When it was written into the system (verbal orders are entered later). */
  readonly enteredAt?: string;
  readonly signedBy?: string;
  readonly stopAt?: string;
  readonly status: 'active' | 'stopped' | 'completed' | 'cancelled';
  readonly cancelSignedBy?: string;
  readonly verbal?: boolean;
  /** Number of items written in this one order (C17: one item per order). */
  readonly items?: number;
  readonly category?:
    | 'drug'
    | 'antibiotic'
    | 'anticoagulant'
    | 'insulin'
    | 'chemotherapy'
    | 'blood'
    | 'surgery'
    | 'imaging'
    | 'culture'
    | 'pathology'
    | 'special'
    | 'nursing'
    | 'other';
  /** 抗菌药物分级: 非限制 / 限制 / 特殊使用. */
  readonly antibioticTier?: 'unrestricted' | 'restricted' | 'special';
  readonly firstDoseAt?: string;
  /**
   * Fields the source does not carry (a FHIR MedicationRequest without `requester`; FHIR has no tier
   * element): unknown, not missing, so C17 and K13 skip them. A source that carries the field and
   * leaves it empty (a hospital's order table, an empty `requester`) does not list it here.
   */
  readonly unknown?: readonly ('signedBy' | 'antibioticTier')[];
}

export interface QcResult {
  readonly id: string;
  readonly ref?: string;
  readonly kind: 'lab' | 'ct' | 'mri' | 'imaging' | 'culture' | 'pathology';
  readonly name: string;
  readonly orderId?: string;
  readonly reportedAt?: string;
  readonly receivedAt?: string;
  readonly filedAt?: string;
  readonly critical?: boolean;
  readonly value?: string;
}

export interface QcSurgery {
  readonly id: string;
  readonly ref?: string;
  readonly name: string;
  readonly startAt: string;
  readonly endAt: string;
  readonly surgeonId: string;
  readonly urgency: 'elective' | 'emergency' | 'emergency-lifesaving';
  readonly incisional?: boolean;
  readonly anesthesia?: string;
  readonly implants?: readonly { readonly type: string; readonly count: number; readonly barcode?: string }[];
  readonly pathologySent?: boolean;
  readonly bloodGiven?: boolean;
}

export interface QcRescue {
  readonly id: string;
  readonly startAt: string;
  readonly endAt: string;
  readonly leaderId: string;
}

export interface QcConsult {
  readonly id: string;
  readonly urgent: boolean;
  readonly sentAt: string;
  readonly arrivedAt?: string;
}

export interface QcEvent {
  readonly id: string;
  readonly at: string;
  readonly emergency?: boolean;
}

/** 病危 / 病重 / 稳定 over a period (from nursing-level or critical-status orders). */
export interface QcAcuity {
  readonly from: string;
  readonly to?: string;
  readonly level: 'critical' | 'serious' | 'stable';
}

export interface QcTransfusion {
  readonly id: string;
  readonly firstUnitAt: string;
  /** Steps of the approval chain recorded (application, indication, matching, issue, administration, observation). */
  readonly chain: readonly string[];
}

export interface QcCriticalValue {
  readonly id: string;
  readonly resultId?: string;
  readonly name: string;
  readonly reportedAt: string;
  readonly receivedAt?: string;
  readonly readBack?: boolean;
  readonly physicianNotifiedAt?: string;
  /** The critical-value loop log (or the laboratory's register) holds this value: its steps are the record. */
  readonly logged?: boolean;
}

export interface QcDiagnosis {
  readonly name: string;
  readonly code?: string;
  /** 入院病情: 1 有, 2 临床未确定, 3 情况不明, 4 无. */
  readonly admissionCondition?: string;
  readonly kind?: 'complication' | 'comorbidity';
  readonly laterality?: 'left' | 'right' | 'bilateral';
}

export interface QcProcedure {
  readonly name: string;
  readonly code?: string;
  readonly kind: 'surgery' | 'procedure';
  /** 手术级别 1–4. */
  readonly level?: number;
  readonly anesthesia?: string;
  readonly anesthesiologist?: string;
  /** 切口愈合等级 for incisional surgery. */
  readonly incisionClass?: string;
  readonly incisional?: boolean;
  readonly laterality?: 'left' | 'right' | 'bilateral';
}

/** 病案首页 fields QC reads. */
export interface QcHomepage {
  readonly ref?: string;
  readonly completedAt?: string;
  /** As written on the sheet (checked for minute precision). */
  readonly admitAt?: string;
  readonly dischargeAt?: string;
  readonly los?: number;
  /** 离院方式: 1 医嘱离院, 2 医嘱转院, 3 转社区/乡镇卫生院, 4 非医嘱离院, 5 死亡, 9 其他. */
  readonly dischargeDisposition?: string;
  readonly admissionRoute?: string;
  readonly mainDiagnosis?: QcDiagnosis;
  readonly otherDiagnoses: readonly QcDiagnosis[];
  readonly procedures: readonly QcProcedure[];
  readonly drugAllergy?: { readonly has: boolean; readonly drugs?: readonly string[] };
  readonly externalCause?: { readonly name?: string; readonly code?: string };
  readonly pathology?: { readonly name?: string; readonly code?: string; readonly number?: string };
  readonly pathologySent?: boolean;
  readonly newbornBirthWeight?: number;
  readonly newbornAdmissionWeight?: number;
  readonly ageMonths?: number;
  /** Signatures by role: director (科主任), chief (主任/副主任医师), attending, resident, coder. */
  readonly signatures: readonly QcSignature[];
}

export interface QcEncounter {
  readonly id: string;
  readonly ref?: string;
  readonly patientId: string;
  readonly department?: string;
  readonly patient: {
    readonly sex: 'male' | 'female' | 'other' | 'unknown';
    readonly birthDate?: string;
    readonly name?: string;
  };
  readonly admitAt: string;
  readonly dischargeAt?: string;
  readonly deathAt?: string;
  readonly autopsyReportAt?: string;
  readonly archivedAt?: string;
  /**
   * The source tracks archiving (the records office's system): only then is a missing `archivedAt`
   * a chart not archived. A FHIR export does not say, so T20 judges only an archive date it has.
   */
  readonly archiveTracked?: boolean;
  readonly documents: readonly QcDocument[];
  readonly orders: readonly QcOrder[];
  readonly results: readonly QcResult[];
  readonly surgeries: readonly QcSurgery[];
  readonly rescues: readonly QcRescue[];
  readonly consults: readonly QcConsult[];
  readonly transfers: readonly QcEvent[];
  readonly handovers: readonly QcEvent[];
  readonly acuity: readonly QcAcuity[];
  readonly transfusions: readonly QcTransfusion[];
  readonly criticalValues: readonly QcCriticalValue[];
  readonly homepage?: QcHomepage;
  /**
   * What the source does not carry: `homepage` when it holds no 病案首页 at all (a FHIR export: the
   * front sheet lives in the records office's system and is reported through HQMS, not FHIR), so T19
   * cannot tell a late sheet from one kept elsewhere. Absent: a missing `homepage` is a missing sheet.
   */
  readonly unknown?: readonly 'homepage'[];
}
