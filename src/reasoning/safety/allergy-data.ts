import {
  type AllergyClass,
  type AllergyClasses,
  type AllergyDrug,
  allergyClasses,
  type CrossReactivity,
} from '../../knowledge/index.js';
import type { SafetyRuleBook } from './rulebook.js';

const built = new WeakMap<SafetyRuleBook, AllergyClasses>();

/**
 * The drug-allergy classes of a rule book's release, in the shape `findAllergens` reads: the
 * release decides which classes an allergy is recorded against (`allergyFamily` drug classes),
 * their members (`member-of`) and the cross-reactivity between them (`cross-reactive-with`), so a
 * curator's edit of any of them changes the next alert and the next verification. The words that
 * name a substance or a class in allergy text ("青霉素类", "sulfa drugs", "pcn") are the allergy
 * vocabulary's (allergy-classes.json), joined with the release's own names for its drugs and classes;
 * a drug only the vocabulary knows (no concept in the release, e.g. cefaclor) keeps the vocabulary's
 * class, since the release has nothing to say about it. Built once per book.
 */
export function allergyClassesOf(book: SafetyRuleBook, words: AllergyClasses = allergyClasses()): AllergyClasses {
  const done = built.get(book);
  if (done) return done;
  const classes = new Map<string, AllergyClass>();
  const drugs = new Map<string, AllergyDrug>();
  const addDrug = (id: string) => {
    if (drugs.has(id)) return;
    const vocabulary = words.drugs.get(id);
    const d = book.drugs.get(id);
    drugs.set(id, {
      id,
      names: {
        en: unique([...(vocabulary?.names.en ?? []), ...(d?.en ?? [])]),
        zh: unique([...(vocabulary?.names.zh ?? []), ...(d?.zh ?? [])]),
      },
      atc: unique([...(vocabulary?.atc ?? []), ...(d?.atc ?? [])]),
    });
  };
  for (const c of book.classes.values()) {
    if (!c.allergyFamily) continue;
    const vocabulary = words.classes.get(c.id);
    const members = unique([
      ...c.members,
      ...(vocabulary?.members ?? []).filter((m) => !book.drugs.has(m) && words.drugs.has(m)),
    ]);
    for (const m of members) addDrug(m);
    classes.set(c.id, {
      id: c.id,
      name: vocabulary?.name ?? c.name,
      atc: vocabulary?.atc ?? [],
      terms: {
        en: unique([...(vocabulary?.terms.en ?? []), c.name.en ?? ''].filter(Boolean)),
        zh: unique([...(vocabulary?.terms.zh ?? []), c.name.zh]),
      },
      members,
      ...(vocabulary?.note ? { note: vocabulary.note } : {}),
    });
  }
  // Substances of the vocabulary outside any class (an allergy to one drug) are still named.
  for (const id of words.drugs.keys()) addDrug(id);
  const crossReactivity: CrossReactivity[] = book.crossReactivity
    .filter((x) => (x.from.kind === 'class' ? classes.has(x.from.id) : drugs.has(x.from.id)))
    .filter((x) => (x.to.kind === 'class' ? classes.has(x.to.id) : drugs.has(x.to.id)))
    .map((x) => ({ from: x.from.id, to: x.to.id, level: 'warning', note: x.note }));
  const data: AllergyClasses = {
    source: book.release ? `knowledge release ${book.release.id} (${book.release.label})` : words.source,
    drugs,
    classes,
    crossReactivity,
  };
  built.set(book, data);
  return data;
}

const unique = (xs: readonly string[]) => [...new Set(xs)];
