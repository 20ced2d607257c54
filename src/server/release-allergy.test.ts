import { describe, expect, it } from 'vitest';
import { findAllergens } from '../knowledge/index.js';
import { allergyClassesOf, type SafetyRuleBook, safetyRulesFromData } from '../reasoning/index.js';
import { withAllergyClasses } from '../verify/index.js';
import { check, claimOf, rec } from '../verify/__fixtures__/helpers.js';

/** The bundled rule book with amoxicillin taken out of the penicillin class, as a curator's retraction would. */
function withoutAmoxicillin(): SafetyRuleBook {
  const book = safetyRulesFromData();
  const classes = new Map(book.classes);
  const penicillin = classes.get('penicillin')!;
  classes.set('penicillin', { ...penicillin, members: penicillin.members.filter((m) => m !== 'amoxicillin') });
  return { ...book, classes };
}

describe("the verifier reads allergies with the release's allergy classes", () => {
  it('keeps the vocabulary’s words and the release’s classes', () => {
    const bundled = allergyClassesOf(safetyRulesFromData());
    expect(findAllergens('阿莫西林过敏', bundled)[0]!.classes).toEqual(['penicillin']);
    expect(findAllergens('青霉素类过敏', bundled)[0]).toMatchObject({ isClass: true, classes: ['penicillin'] });
    // A drug only the allergy vocabulary knows keeps its class.
    expect(findAllergens('头孢克洛过敏', bundled)[0]!.classes).toEqual(['cephalosporin']);
    const curated = allergyClassesOf(withoutAmoxicillin());
    expect(findAllergens('阿莫西林过敏', curated)[0]!.classes).toEqual([]);
  });

  it('a class denial contradicts a member allergy, but not once the release takes the drug out of the class', () => {
    const record = rec('过敏史：阿莫西林过敏（皮疹）。');
    const denial = () => claimOf(check('否认青霉素类过敏。', record, 'zh'), '青霉素类').verdict;
    expect(denial()).toBe('contradicted');
    expect(withAllergyClasses(allergyClassesOf(safetyRulesFromData()), denial)).toBe('contradicted');
    expect(withAllergyClasses(allergyClassesOf(withoutAmoxicillin()), denial)).not.toBe('contradicted');
  });
});
