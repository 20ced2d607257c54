/**
 * What each corpus message must become (see SOURCES.md for where each message comes from).
 * `fields`: [resource, path, value] checked on the resources that message wrote; `Observation#2` is
 * the second Observation of the message; paths are dotted, array positions as numbers.
 */
export interface ValidExpectation {
  readonly types: Readonly<Record<string, number>>;
  readonly fields?: readonly (readonly [string, string, unknown])[];
}

export const VALID: Readonly<Record<string, readonly ValidExpectation[]>> = {
  'adt-a01-escapes.hl7': [
    {
      types: { Patient: 1, Encounter: 1 },
      fields: [
        ['Patient', 'name.0.family', "O'BRIEN&SONS"],
        ['Patient', 'name.0.given.0', 'MARY^ANN'],
        ['Patient', 'address.0.line.0', '12 HIGH ST|FLAT 2'],
        ['Patient', 'birthDate', '1980-02-29'],
        ['Encounter', 'class.code', 'AMB'],
      ],
    },
  ],
  'adt-a01-everyman.hl7': [
    {
      types: { Patient: 1, Encounter: 1, AllergyIntolerance: 1, Condition: 1 },
      fields: [
        ['Patient', 'identifier.0.value', 'PATID1234'],
        ['Patient', 'identifier.0.system', 'urn:medseek:hl7v2:assigner:GOOD%20HEALTH%20HOSPITAL'],
        ['Patient', 'name.0.family', 'EVERYMAN'],
        ['Patient', 'gender', 'male'],
        ['Patient', 'birthDate', '1961-06-15'],
        ['Patient', 'address.0.city', 'GREENSBORO'],
        ['Encounter', 'status', 'in-progress'],
        ['Encounter', 'class.code', 'IMP'],
        ['Encounter', 'identifier.0.value', 'V0001'],
        ['Encounter', 'period.start', '1988-08-18T11:23:00-05:00'],
        ['Encounter', 'participant.0.individual.display', 'AARON ATTEND'],
        ['AllergyIntolerance', 'code.coding.0.display', 'PENICILLIN'],
        ['AllergyIntolerance', 'criticality', 'high'],
        ['AllergyIntolerance', 'category.0', 'medication'],
        ['AllergyIntolerance', 'reaction.0.manifestation.1.text', 'RASH'],
        ['Condition', 'code.coding.0.system', 'http://hl7.org/fhir/sid/icd-10'],
        ['Condition', 'verificationStatus.coding.0.code', 'provisional'],
      ],
    },
  ],
  'adt-a01-oid-authority.hl7': [
    {
      types: { Patient: 1, Encounter: 1, Condition: 1 },
      fields: [
        ['Patient', 'identifier.0.system', 'urn:oid:2.16.840.1.113883.3.1'],
        ['Patient', 'telecom.0.use', 'mobile'],
        ['Patient', 'name.0.prefix.0', 'DR'],
        ['Encounter', 'identifier.0.system', 'urn:oid:2.16.840.1.113883.3.1'],
        ['Encounter', 'participant.1.type.0.coding.0.code', 'REF'],
      ],
    },
  ],
  'adt-a01-v23-emergency.hl7': [
    {
      types: { Patient: 1, Encounter: 1, AllergyIntolerance: 2, Condition: 2 },
      fields: [
        ['Encounter', 'class.code', 'EMER'],
        ['AllergyIntolerance', 'category.0', 'food'],
        ['AllergyIntolerance#2', 'category.0', 'environment'],
        ['AllergyIntolerance#2', 'criticality', 'low'],
        ['Condition#2', 'verificationStatus.coding.0.code', 'provisional'],
      ],
    },
  ],
  'adt-a01-zh-gb18030-delimiter-bytes.hl7': [
    {
      types: { Patient: 1, Encounter: 1 },
      fields: [
        ['Patient', 'name.0.text', '東奮乗'],
        ['Encounter', 'location.0.location.display', '门诊'],
      ],
    },
  ],
  'adt-a01-zh-gb18030.hl7': [
    {
      types: { Patient: 1, Encounter: 1, AllergyIntolerance: 1, Condition: 1 },
      fields: [
        ['Patient', 'name.0.text', '张三'],
        ['Patient', 'name.0.family', '张'],
        ['Patient', 'identifier.1.type.coding.0.code', 'NI'],
        ['Patient', 'address.0.line.0', '朝阳区建国路88号'],
        ['Patient', 'telecom.0.value', '86 10 13800138000'],
        ['Encounter', 'period.start', '2024-01-15T08:20:00+08:00'],
        ['Encounter', 'participant.0.individual.display', '王医生'],
        ['AllergyIntolerance', 'code.coding.0.display', '青霉素'],
        ['AllergyIntolerance', 'reaction.0.manifestation.1.text', '呼吸困难'],
        ['Condition', 'code.coding.0.display', '急性心肌梗死'],
      ],
    },
  ],
  'adt-a01-zh-utf8.hl7': [
    {
      types: { Patient: 1, Encounter: 1, AllergyIntolerance: 1, Condition: 1 },
      fields: [
        ['Patient', 'name.0.text', '李四'],
        ['Patient', 'gender', 'female'],
        ['Encounter', 'class.code', 'EMER'],
        ['Condition', 'code.coding.0.code', 'K92.2'],
      ],
    },
  ],
  'adt-a03-everyman.hl7': [
    {
      types: { Patient: 1, Encounter: 1, Condition: 1 },
      fields: [
        ['Encounter', 'status', 'finished'],
        ['Encounter', 'period.end', '1988-08-23T09:55:00-05:00'],
        ['Encounter', 'hospitalization.dischargeDisposition.coding.0.code', '01'],
        ['Condition', 'verificationStatus.coding.0.code', 'confirmed'],
      ],
    },
  ],
  'adt-a03-zh-gb18030.hl7': [
    { types: { Patient: 1, Encounter: 1, Condition: 1 }, fields: [['Encounter', 'status', 'finished']] },
  ],
  'adt-a08-deceased.hl7': [
    {
      types: { Patient: 1, Encounter: 1 },
      fields: [
        ['Patient', 'deceasedDateTime', '2024-03-10T11:30:00+00:00'],
        ['Encounter', 'status', 'finished'],
      ],
    },
  ],
  'adt-a08-everyman.hl7': [{ types: { Patient: 1, Encounter: 1 }, fields: [['Patient', 'address.0.city', 'DURHAM']] }],
  'adt-a08-zh-gb18030.hl7': [
    { types: { Patient: 1, Encounter: 1 }, fields: [['Patient', 'address.0.line.0', '海淀区中关村大街27号']] },
  ],
  'batch-three-results.hl7': [
    {
      types: { Patient: 1, Observation: 1, DiagnosticReport: 1 },
      fields: [['Observation', 'valueQuantity.value', 95]],
    },
    { types: { Observation: 1, DiagnosticReport: 1 }, fields: [['Observation', 'valueQuantity.value', 4.1]] },
    { types: { Observation: 1, DiagnosticReport: 1 }, fields: [['Observation', 'valueQuantity.value', 141]] },
  ],
  'oml-o21-lab-order.hl7': [
    {
      types: { ServiceRequest: 1 },
      fields: [
        ['ServiceRequest', 'status', 'active'],
        ['ServiceRequest', 'intent', 'order'],
        ['ServiceRequest', 'code.coding.0.code', '2345-7'],
        ['ServiceRequest', 'identifier.0.value', 'OML9001'],
        ['ServiceRequest', 'requester.display', 'GREGORY HOUSE'],
      ],
    },
  ],
  'oml-o21-two-orders.hl7': [
    { types: { ServiceRequest: 2 }, fields: [['ServiceRequest#2', 'code.coding.0.code', '2951-2']] },
  ],
  'orm-o01-cancel.hl7': [{ types: { ServiceRequest: 1 }, fields: [['ServiceRequest', 'status', 'revoked']] }],
  'orm-o01-hold.hl7': [{ types: { ServiceRequest: 1 }, fields: [['ServiceRequest', 'status', 'on-hold']] }],
  'orm-o01-lab-order.hl7': [
    {
      types: { ServiceRequest: 1 },
      fields: [
        ['ServiceRequest', 'priority', 'routine'],
        ['ServiceRequest', 'identifier.0.type.coding.0.code', 'PLAC'],
      ],
    },
  ],
  'orm-o01-pharmacy.hl7': [
    {
      types: { MedicationRequest: 1 },
      fields: [
        ['MedicationRequest', 'status', 'active'],
        [
          'MedicationRequest',
          'medicationCodeableConcept.coding.0.system',
          'http://www.nlm.nih.gov/research/umls/rxnorm',
        ],
        ['MedicationRequest', 'dosageInstruction.0.doseAndRate.0.doseQuantity.value', 500],
        ['MedicationRequest', 'dosageInstruction.0.route.coding.0.code', 'PO'],
        ['MedicationRequest', 'dispenseRequest.quantity.value', 30],
      ],
    },
  ],
  'orm-o01-stat-imaging.hl7': [
    {
      types: { ServiceRequest: 1 },
      fields: [
        ['ServiceRequest', 'priority', 'stat'],
        ['ServiceRequest', 'reasonCode.0.coding.0.code', 'R07.9'],
      ],
    },
  ],
  'orm-o01-zh-gb18030-rx.hl7': [
    {
      types: { MedicationRequest: 1 },
      fields: [
        ['MedicationRequest', 'medicationCodeableConcept.coding.0.display', '阿司匹林肠溶片'],
        ['MedicationRequest', 'dosageInstruction.0.text', '每日一次，饭后服用'],
        ['MedicationRequest', 'authoredOn', '2024-01-16T09:55:00+08:00'],
      ],
    },
  ],
  'oru-r01-bmp-notes.hl7': [
    {
      types: { Observation: 4, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'note.0.text', 'Patient not fasting.'],
        ['Observation#2', 'interpretation.0.coding.0.code', 'HH'],
        ['DiagnosticReport', 'issued', '2024-01-16T08:55:00-05:00'],
        ['DiagnosticReport', 'category.0.coding.0.code', 'CH'],
      ],
    },
  ],
  'oru-r01-cancelled-corrected.hl7': [
    {
      types: { Observation: 2, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'status', 'cancelled'],
        ['Observation', 'dataAbsentReason.coding.0.code', 'not-performed'],
        ['Observation#2', 'status', 'corrected'],
        ['DiagnosticReport', 'status', 'corrected'],
      ],
    },
  ],
  'oru-r01-cbc.hl7': [
    {
      types: { Observation: 4, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'code.coding.0.system', 'http://loinc.org'],
        ['Observation', 'code.coding.0.code', '6690-2'],
        ['Observation', 'valueQuantity.value', 12.8],
        ['Observation', 'valueQuantity.system', 'http://unitsofmeasure.org'],
        ['Observation', 'valueQuantity.code', '10*3/uL'],
        ['Observation', 'referenceRange.0.low.value', 4.5],
        ['Observation', 'referenceRange.0.high.value', 11],
        ['Observation', 'interpretation.0.coding.0.code', 'H'],
        ['Observation', 'status', 'final'],
        ['Observation#2', 'interpretation.0.coding.0.code', 'L'],
        ['Observation#2', 'effectiveDateTime', '2024-01-15T08:00:00-05:00'],
        ['DiagnosticReport', 'status', 'final'],
        ['DiagnosticReport', 'code.coding.0.code', '58410-2'],
        ['DiagnosticReport', 'identifier.0.value', 'FIL2001'],
      ],
    },
  ],
  'oru-r01-culture-cwe.hl7': [
    {
      types: { Observation: 3, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'valueCodeableConcept.coding.0.system', 'http://snomed.info/sct'],
        ['Observation', 'valueCodeableConcept.coding.0.code', '112283007'],
        ['Observation#2', 'interpretation.0.coding.0.code', 'R'],
        ['Observation#3', 'valueCodeableConcept.coding.0.code', 'S'],
        ['DiagnosticReport', 'status', 'preliminary'],
      ],
    },
  ],
  'oru-r01-date-time-values.hl7': [
    {
      types: { Observation: 3, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'valueDateTime', '2023-12-28'],
        ['Observation#2', 'valueTime', '07:15:00'],
        ['Observation#3', 'valueDateTime', '2024-01-22T07:15:00-05:00'],
      ],
    },
  ],
  'oru-r01-structured-numeric.hl7': [
    {
      types: { Observation: 4, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'valueQuantity.comparator', '<'],
        ['Observation', 'valueQuantity.value', 0.5],
        ['Observation', 'referenceRange.0.high.value', 1],
        ['Observation#2', 'valueRatio.denominator.value', 40],
        ['Observation#2', 'referenceRange.0.text', '<1:10'],
        ['Observation#3', 'valueRange.high.value', 6],
        ['Observation#4', 'valueQuantity.comparator', '>='],
      ],
    },
  ],
  'oru-r01-text-report.hl7': [
    {
      types: { Observation: 3, DiagnosticReport: 1 },
      fields: [
        ['Observation#2', 'valueString', 'Adenocarcinoma, moderately differentiated.\nMargins free of tumor.'],
        ['Observation#3', 'valueString', 'Lymph nodes: 0/14 involved'],
      ],
    },
  ],
  'oru-r01-two-reports.hl7': [
    {
      types: { Observation: 3, DiagnosticReport: 2 },
      fields: [
        ['DiagnosticReport#2', 'code.coding.0.code', '2093-3'],
        ['Observation#3', 'referenceRange.0.low.value', 40],
      ],
    },
  ],
  'oru-r01-v251-glucose.hl7': [
    {
      types: { Patient: 1, Observation: 1, DiagnosticReport: 1 },
      fields: [
        ['Patient', 'name.0.use', 'official'],
        ['Observation', 'valueQuantity.value', 182],
        ['Observation', 'valueQuantity.unit', 'mg/dl'],
        ['Observation', 'referenceRange.0.text', '70_105'],
        ['Observation', 'effectiveDateTime', '2002-02-15T07:30:00+08:00'],
      ],
    },
  ],
  'oru-r01-with-visit.hl7': [
    {
      types: { Encounter: 1, Observation: 1, DiagnosticReport: 1 },
      fields: [['Encounter', 'identifier.0.value', 'E-9900']],
    },
  ],
  'oru-r01-zh-gb18030-cbc.hl7': [
    {
      types: { Observation: 4, DiagnosticReport: 1 },
      fields: [
        ['DiagnosticReport', 'code.coding.0.display', '血常规'],
        ['Observation', 'code.coding.0.display', '白细胞计数'],
        ['Observation', 'valueQuantity.value', 11.2],
        ['Observation#4', 'valueString', '大致正常'],
      ],
    },
  ],
  'oru-r01-zh-utf8-liver.hl7': [
    {
      types: { Observation: 3, DiagnosticReport: 1 },
      fields: [
        ['Observation', 'code.coding.0.display', '丙氨酸氨基转移酶'],
        ['Observation#3', 'note.0.text', '标本轻度溶血'],
      ],
    },
  ],
};

/** Each malformed message: the acknowledgment code and the location ERR-2 must name. */
export const MALFORMED: Readonly<
  Record<string, { readonly ack: 'AE' | 'AR'; readonly where: string; readonly hl7Code: number }>
> = {
  'adt-without-pv1.hl7': { ack: 'AE', where: 'PV1', hl7Code: 100 },
  'alphanumeric-field-separator.hl7': { ack: 'AR', where: 'MSH-1', hl7Code: 102 },
  'bad-birth-date.hl7': { ack: 'AE', where: 'PID-7', hl7Code: 102 },
  'bad-encoding-characters.hl7': { ack: 'AR', where: 'MSH-2', hl7Code: 102 },
  'cwe-for-nm-second-obx.hl7': { ack: 'AE', where: 'OBX[2]-5', hl7Code: 102 },
  'declared-utf8-sent-gb18030.hl7': { ack: 'AR', where: 'MSH-18', hl7Code: 102 },
  'dt-value-bad-month.hl7': { ack: 'AE', where: 'OBX-5', hl7Code: 102 },
  'empty-pid-3-repetitions.hl7': { ack: 'AE', where: 'PID-3', hl7Code: 101 },
  'missing-control-id.hl7': { ack: 'AR', where: 'MSH-10', hl7Code: 101 },
  'missing-obx-status.hl7': { ack: 'AE', where: 'OBX-11', hl7Code: 101 },
  'missing-pid-3.hl7': { ack: 'AE', where: 'PID-3', hl7Code: 101 },
  'nm-value-not-a-number.hl7': { ack: 'AE', where: 'OBX-5', hl7Code: 102 },
  'no-msh.hl7': { ack: 'AR', where: 'MSH', hl7Code: 100 },
  'not-version-2.hl7': { ack: 'AR', where: 'MSH-12', hl7Code: 203 },
  'obx-before-obr.hl7': { ack: 'AE', where: 'OBX', hl7Code: 100 },
  'order-without-detail.hl7': { ack: 'AE', where: 'ORC', hl7Code: 100 },
  'oru-without-pid.hl7': { ack: 'AE', where: 'PID', hl7Code: 100 },
  'rxo-amount-not-number.hl7': { ack: 'AE', where: 'RXO-2', hl7Code: 102 },
  'sn-value-malformed.hl7': { ack: 'AE', where: 'OBX-5', hl7Code: 102 },
  'truncated-in-msh.hl7': { ack: 'AR', where: 'MSH-9', hl7Code: 101 },
  'truncated-in-obx.hl7': { ack: 'AE', where: 'OBX-11', hl7Code: 101 },
  'unknown-charset.hl7': { ack: 'AR', where: 'MSH-18', hl7Code: 103 },
  'unknown-message-type.hl7': { ack: 'AR', where: 'MSH-9.1', hl7Code: 200 },
  'unknown-sex.hl7': { ack: 'AE', where: 'PID-8', hl7Code: 103 },
  'unsupported-adt-event.hl7': { ack: 'AR', where: 'MSH-9.2', hl7Code: 201 },
  'unsupported-value-type.hl7': { ack: 'AE', where: 'OBX-2', hl7Code: 102 },
};
