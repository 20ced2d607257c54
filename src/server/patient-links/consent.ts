import type { FhirResource } from '../../store/index.js';

/**
 * What the patient is told before a pre-consultation (PIPL 第十三、十四、二十八、二十九条: informed,
 * separate consent for sensitive personal information such as health data), in both languages. The
 * version is stored with every answer; a change of wording needs a new version.
 */
export const CONSENT_VERSION = 'pre-consultation-v1';

export const CONSENT_TEXT = {
  zh: [
    '在就诊前，我们会通过几个问题了解您这次的不适（预问诊）。',
    '收集什么：您描述的症状、持续时间和程度，既往病史、过敏史、用药史，以及您填写的年龄和性别。',
    '为什么收集：帮助您的接诊医生在就诊前了解情况、节省就诊时间；如果您的回答提示可能有危险情况，系统会立即提醒医护人员并告诉您该怎么做。',
    '谁能看到：只有为您这次预约接诊的医院医护人员。预问诊不是诊断，不会给您诊断结论。',
    '保存多久：作为您病历的一部分，按病历管理规定保存。',
    '您可以不同意：不同意不影响您按预约就诊，医生会在就诊时当面询问。',
  ].join('\n'),
  en: [
    'Before your visit we will ask you a few questions about what brings you in (a pre-consultation).',
    'What we collect: the symptoms you describe, how long and how bad they are, your past illnesses, allergies and medicines, and the age and sex you enter.',
    'Why: so that the doctor who sees you at this appointment knows your story beforehand and your visit is quicker; if your answers suggest something dangerous, staff are alerted at once and you are told what to do.',
    'Who sees it: only the hospital staff caring for you at this appointment. The pre-consultation is not a diagnosis and will not give you one.',
    'How long it is kept: as part of your medical record, under the rules for medical records.',
    'You may say no: your appointment goes ahead as booked, and the doctor will ask you in person.',
  ].join('\n'),
} as const;

/** The MedSeek category of a pre-consultation consent, beside LOINC's "Patient consent". */
export const CONSENT_CATEGORY_SYSTEM = 'urn:medseek:consent-category';
export const LINK_IDENTIFIER_SYSTEM = 'urn:medseek:patient-link';

/** The Consent resource's id for one link: one answer per link, a changed answer a new version. */
export const consentId = (linkId: string) => `pc-${linkId}`;

export interface ConsentAnswer {
  readonly linkId: string;
  readonly patientId: string;
  readonly appointmentId: string;
  readonly agree: boolean;
  readonly lang: 'zh' | 'en';
  readonly at: string;
}

/** The patient's answer as a FHIR R4 Consent in their record: the text they saw travels with it. */
export function consentResource(a: ConsentAnswer): FhirResource {
  const title =
    a.lang === 'zh' ? `预问诊知情同意（${CONSENT_VERSION}）` : `Pre-consultation consent (${CONSENT_VERSION})`;
  return {
    resourceType: 'Consent',
    id: consentId(a.linkId),
    identifier: [{ system: LINK_IDENTIFIER_SYSTEM, value: a.linkId }],
    status: a.agree ? 'active' : 'rejected',
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: 'patient-privacy',
          display: 'Privacy Consent',
        },
      ],
    },
    category: [
      { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] },
      {
        coding: [
          {
            system: CONSENT_CATEGORY_SYSTEM,
            code: 'pre-consultation',
            display: a.lang === 'zh' ? '预问诊' : 'Pre-consultation',
          },
        ],
      },
    ],
    patient: { reference: `Patient/${a.patientId}` },
    dateTime: a.at,
    performer: [{ reference: `Patient/${a.patientId}` }],
    sourceAttachment: {
      contentType: 'text/plain; charset=utf-8',
      language: a.lang === 'zh' ? 'zh-CN' : 'en',
      title,
      data: Buffer.from(CONSENT_TEXT[a.lang], 'utf8').toString('base64'),
    },
    policy: [{ uri: `urn:medseek:consent-policy:${CONSENT_VERSION}` }],
    provision: {
      type: a.agree ? 'permit' : 'deny',
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }],
      // The appointment whose pre-consultation this answer is about.
      data: [{ meaning: 'related', reference: { reference: `Appointment/${a.appointmentId}` } }],
    },
  };
}
