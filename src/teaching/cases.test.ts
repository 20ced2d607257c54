import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoBundlePaths } from '../ingest/index.js';
import {
  caseDeidentifier,
  caseFromBundle,
  loadCaseLibrary,
  parseCcksJsonl,
  personOfPatient,
  STEPS,
  stepProse,
  type TeachingCase,
} from './index.js';

const fixture = fileURLToPath(new URL('./__fixtures__/ccks-sample.jsonl', import.meta.url));
const shared = '/work/shared/data';

interface PatientRes {
  id?: string;
  birthDate?: string;
  name?: { text?: string; family?: string; given?: string[] }[];
  identifier?: { value?: string }[];
  telecom?: { value?: string }[];
  address?: { line?: string[]; city?: string; postalCode?: string }[];
}

/** What identifies the person of a bundle: name parts, identifiers, phones, street lines, the date of birth. */
function identifiersOf(path: string): string[] {
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as { entry: { resource: { resourceType: string } }[] };
  const p = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === 'Patient') as PatientRes;
  return [
    p.id ?? '',
    p.birthDate ?? '',
    ...(p.name ?? []).flatMap((n) => [n.text ?? '', n.family ?? '', ...(n.given ?? [])]),
    ...(p.identifier ?? []).map((i) => i.value ?? ''),
    ...(p.telecom ?? []).map((t) => t.value ?? ''),
    ...(p.address ?? []).flatMap((a) => a.line ?? []),
  ].filter((s) => s.length >= 2);
}

const everything = (c: TeachingCase) => JSON.stringify(c);

describe('teaching cases', () => {
  it('builds a case from every demo patient, each revealed in the five steps in order', () => {
    const { cases } = loadCaseLibrary();
    expect(cases.length).toBe(demoBundlePaths().length);
    for (const c of cases) {
      expect(c.steps.map((s) => s.key)).toEqual(STEPS);
      for (const s of c.steps) expect(s.text.trim(), `${c.id} ${s.key}`).not.toBe('');
      expect(c.diagnoses.length).toBeGreaterThan(0);
      expect(c.id).toMatch(/^case-[0-9a-f]{12}$/);
    }
    const hf = cases.find((c) => c.steps[0]!.text.includes('气促'))!;
    expect(hf.lang).toBe('zh');
    expect(hf.steps[3]!.text).toContain('NT-proBNP');
    expect(hf.steps[4]!.text).toContain('慢性心力衰竭');
    // The diagnosis is not given away before its step.
    expect(hf.steps.slice(0, 4).some((s) => s.text.includes('初步诊断'))).toBe(false);
  });

  it('leaves no name, identifier or date of birth of the source record in a case', () => {
    for (const path of demoBundlePaths()) {
      const c = caseFromBundle(JSON.parse(readFileSync(path, 'utf8')), 'demo', path.split('/').pop()!)!;
      const text = everything(c);
      for (const id of identifiersOf(path)) expect(text, `${path}: ${id}`).not.toContain(id);
      // Synthea puts digits after names (Louis204): the bare name is gone too.
      for (const id of identifiersOf(path)) {
        const bare = id.replace(/\d+$/, '');
        if (bare.length >= 3 && /^[A-Za-z]+$/.test(bare))
          expect(text, `${path}: ${bare}`).not.toMatch(new RegExp(`\\b${bare}\\b`));
      }
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
  });

  it('de-identifies note text with what the Patient resource says: names, record number, birth date', () => {
    const person = personOfPatient({
      id: 'pat-77',
      name: [{ text: '李秀英', family: '李', given: ['秀英'] }],
      identifier: [{ value: 'ZY20240220017' }],
      birthDate: '1947-09-03',
    });
    const zh = caseDeidentifier(
      person,
      'zh',
    )('姓名：李秀英，住院号ZY20240220017，出生日期1947-09-03，秀英诉气促。见 Patient/pat-77。');
    for (const s of ['李秀英', '秀英', 'ZY20240220017', '1947-09-03', 'pat-77']) expect(zh).not.toContain(s);
    expect(zh).toContain('患者');
    const en = caseDeidentifier(personOfPatient({ name: [{ family: 'Miller', given: ['Louis'] }] }), 'en');
    expect(en('Louis Miller was seen on 2019-10-06.')).toBe('the patient was seen on [date].');
  });

  it('removes the place of origin and the dates of a CCKS-style record, and caps ages at 90+', () => {
    const { cases } = loadCaseLibrary({ demo: false, ccksFiles: [fixture] });
    expect(cases).toHaveLength(2);
    const [a, b] = cases as [TeachingCase, TeachingCase];
    for (const s of [
      '示例县石桥镇柳树村人',
      '柳树村',
      '2023-11-02',
      '示例市东城区幸福路12号人',
      '幸福路',
      '2023-12-10',
    ])
      expect(everything(a) + everything(b)).not.toContain(s);
    expect(a.steps[0]!.text).toContain('[已隐去]');
    expect(a.steps[2]!.text).toMatch(/^查体/);
    expect(a.steps[3]!.text).toContain('胸部CT');
    expect(a.diagnoses).toEqual(['肺炎']);
    expect(b.age).toBe('90+');
  });

  it('names the field and line of a bad CCKS record', () => {
    expect(() => parseCcksJsonl('{"id":1,"sections":{}}\n{oops', 'x.jsonl')).toThrow(/not valid JSON/);
    expect(() => parseCcksJsonl('{"id":1}', 'x.jsonl')).toThrow(/needs id and sections/);
  });

  it('keeps a model rewrite only when the verifier finds every claim in the record text', async () => {
    const { cases } = loadCaseLibrary({ demo: false, ccksFiles: [fixture] });
    const c = cases[0]!;
    const none = await stepProse(c, 2, undefined);
    expect(none).toEqual({ text: c.steps[2]!.text, by: 'record' });
    // A model that adds a drug the record never gave is refused; the record's text stands.
    const invented = await stepProse(c, 2, async () => '查体：体温38.9℃，右下肺湿性啰音，已予华法林口服。');
    expect(invented.by).toBe('record');
    expect(invented.refused).toMatch(/核查未通过/);
    expect(invented.text).toBe(c.steps[2]!.text);
    const faithful = await stepProse(
      c,
      2,
      async () => '查体：T38.9C，P104次/分，R22次/分，BP138/84mmHg，右下肺可闻及湿性啰音。',
    );
    expect(faithful.by).toBe('model');
  });

  it.skipIf(!existsSync(shared))(
    'builds cases from the shared CCKS 2017 and Synthea data without their identifiers',
    () => {
      const { cases, skipped } = loadCaseLibrary({ demo: false, dataDir: shared, ccksLimit: 200, syntheaLimit: 10 });
      const ccks = cases.filter((c) => c.origin === 'ccks2017');
      const synthea = cases.filter((c) => c.origin === 'synthea');
      expect(ccks.length).toBeGreaterThan(10);
      expect(synthea.length).toBeGreaterThan(5);
      expect(skipped.every((s) => s.reason.length > 0)).toBe(true);
      for (const c of cases) {
        expect(everything(c), c.id).not.toMatch(
          /(19|20)\d{2}\s*(-{1,2}|\.|\/|年)\s*\d{1,2}\s*(-{1,2}|\.|\/|月)\s*\d{1,2}/,
        );
        // The place of origin CCKS records open with (…县…镇…号…人).
        expect(c.steps[0]!.text, c.id).not.toMatch(/(省|市|县|区|镇|乡|村|号|单元)[^，,。；\s]{0,12}人[，,。；]/);
      }
    },
  );
});
