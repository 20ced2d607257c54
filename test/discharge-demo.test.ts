import { describe, expect, it } from 'vitest';
import { demoFiles, demoStays } from '../src/compose/__fixtures__/demo.js';
import { composeDischargeSummary } from '../src/compose/summarize.js';
import type { PatientState } from '../src/core/index.js';
import { evaluateRules, SAFETY_RULES } from '../src/reasoning/index.js';

/**
 * Across stages (issue 12): every demo patient's composed discharge summary sends the patient home
 * on a regimen no drug-safety rule fires on — allergy, interaction, contraindication, renal dose,
 * pharmacogenomics — judged on the discharge drugs as the summary lists them, with the patient's
 * conditions, results, genotypes and allergies as they stood at discharge.
 */
function dischargeRegimen(state: PatientState): { regimen: PatientState; drugs: Set<string> } {
  const courses = (state.medications ?? []).filter((c) => c.discharge);
  const drugs = new Set(courses.flatMap((c) => c.factIds));
  const regimen: PatientState = {
    ...state,
    intervention: state.intervention.filter((f) => f.category !== 'medication' || drugs.has(f.id)),
    medications: courses,
  };
  return { regimen, drugs };
}

describe('discharge drugs of the demo patients', () => {
  const stays = (['zh', 'synthea'] as const).flatMap((dir) => demoFiles(dir).flatMap((file) => demoStays(dir, file)));

  it('fire no drug-safety rule, in any demo stay', async () => {
    let withDrugs = 0;
    for (const stay of stays) {
      const { regimen, drugs } = dischargeRegimen(stay.state);
      if (drugs.size > 0) withDrugs++;
      const fired = evaluateRules(regimen, SAFETY_RULES, { focus: drugs })
        .filter((r) => r.group !== 'critical-value')
        .map((r) => `${r.ruleId}: ${r.conclusion.statement.en}`);
      expect({ file: stay.file, encounter: stay.encounterId, fired }).toEqual({
        file: stay.file,
        encounter: stay.encounterId,
        fired: [],
      });
    }
    // The three Chinese records have discharge orders; Synthea's stays have none.
    expect(withDrugs).toBeGreaterThanOrEqual(3);
  });

  it('are the drugs the summary lists, and a drug left off them still fires its rule where it should', async () => {
    const [hf] = demoStays('zh', 'zh-hf-af-warfarin.json');
    const r = await composeDischargeSummary(hf!.state, { lang: 'en', documents: hf!.documents });
    const { regimen, drugs } = dischargeRegimen(hf!.state);
    const listed = /Discharge medications: ([^\n]*?)\./.exec(r.document.text)?.[1] ?? '';
    for (const c of regimen.medications ?? [])
      expect(listed.toLowerCase()).toContain((c.concept.display ?? '').toLowerCase());
    // The rules see what the summary does not send home: ibuprofen with warfarin fires DDI16 on the whole stay.
    const whole = evaluateRules(hf!.state, SAFETY_RULES, { focus: drugs }).map((x) => x.ruleId);
    expect(whole).toContain('DDI16');
    expect(r.unreconciled).toEqual(['ibuprofen']);
  });
});
