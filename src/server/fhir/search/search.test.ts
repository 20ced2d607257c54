import { beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, forEachBackend } from '../../../../test/support/backends.js';
import {
  createResourceRepository,
  type Database,
  deindexForSearch,
  indexForSearch,
  loadMigrations,
  migrate,
  openDatabase,
  runFhirSearch,
} from '../../../store/index.js';
import { FhirInvalid } from '../validate.js';
import { searchRecords } from './__fixtures__/records.js';
import { parseFhirSearch } from './parse.js';

/** Runs a query string on a type; the ids of the matches (in order) and of what was included. */
async function find(db: Database, type: string, query: string, base?: string) {
  const parsed = parseFhirSearch(type, new URLSearchParams(query), base ? { base } : {});
  const out = await runFhirSearch(db, type, {
    ...parsed.search,
    ...(parsed.patient !== undefined ? { patient: parsed.patient } : {}),
  });
  return { ids: out.matches.map((m) => m.id), included: out.included.map((i) => i.id).sort(), total: out.total };
}

forEachBackend('FHIR search', (db) => {
  const ids = async (type: string, query: string) => (await find(db(), type, query)).ids.sort();

  beforeAll(async () => {
    await createResourceRepository(db()).putMany(searchRecords);
  });

  it('answers the searches US Core and IPS clients send first', async () => {
    expect(await ids('Observation', 'patient=p1&category=laboratory')).toEqual(['glu']);
    expect(await ids('Condition', 'patient=p1&clinical-status=active')).toEqual(['dm']);
    expect(await ids('MedicationRequest', 'patient=p1&status=active')).toEqual(['met']);
    expect(await ids('Observation', 'patient=p1&category=vital-signs&date=ge2024-02-01')).toEqual(['hr']);
  });

  it('matches tokens as system|code, code, |code and system|, with :not, :text and :of-type', async () => {
    expect(await ids('Observation', `category=${encodeURIComponent(`${LAB}|vital-signs`)}`)).toEqual(['hr', 'hr2']);
    expect(await ids('Observation', 'code=8867-4,2339-0')).toEqual(['glu', 'hr', 'hr2']);
    expect(await ids('Observation', 'code=%7C2339-0')).toEqual([]);
    expect(await ids('Observation', 'code=http://loinc.org%7C')).toEqual(['glu', 'hr', 'hr2']);
    expect(await ids('Observation', 'status:not=final')).toEqual(['hr2']);
    expect(await ids('Observation', 'code:text=GLUCOSE')).toEqual(['glu']);
    expect(await ids('Condition', 'code:text=diab')).toEqual(['dm']);
    expect(await ids('Patient', 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203%7CMR%7CM1')).toEqual([
      'p1',
    ]);
    expect(await ids('Patient', 'identifier=urn:mrn%7CM2')).toEqual(['p2']);
    expect(await ids('Patient', 'gender=female')).toEqual(['p2']);
  });

  it('matches strings from the start, ignoring case and accents; :exact and :contains', async () => {
    expect(await ids('Patient', 'name=mul')).toEqual(['p1']);
    expect(await ids('Patient', 'name=MÜL')).toEqual(['p1']);
    expect(await ids('Patient', 'given=jose')).toEqual(['p1']);
    expect(await ids('Patient', 'family:exact=Müller')).toEqual(['p1']);
    expect(await ids('Patient', 'family:exact=muller')).toEqual([]);
    expect(await ids('Patient', 'name:contains=mit')).toEqual(['p2']);
    expect(await ids('Patient', 'name=ith')).toEqual([]);
  });

  it('compares dates as ranges at their precision, with every prefix', async () => {
    expect(await ids('Observation', 'date=2024-01')).toEqual(['glu']);
    expect(await ids('Observation', 'date=ge2024-02-01')).toEqual(['hr', 'hr2']);
    expect(await ids('Observation', 'date=lt2024-01-11')).toEqual(['glu']);
    expect(await ids('Observation', 'date=sa2024-01-10')).toEqual(['hr', 'hr2']);
    expect(await ids('Observation', 'date=eb2024-03-01')).toEqual(['glu', 'hr']);
    expect(await ids('Observation', 'date=ne2024-02-10')).toEqual(['glu', 'hr2']);
    expect(await ids('Observation', 'date=ge2024-01-01&date=lt2024-03')).toEqual(['glu', 'hr']);
    expect(await ids('Patient', 'birthdate=1970')).toEqual(['p1']);
    // A condition that abated in 2018 overlaps 2016; one with its onset in 2020 does not end before it.
    expect(await ids('Condition', 'abatement-date=le2018-12-31')).toEqual(['htn']);
    expect(await ids('Condition', 'onset-date=lt2016')).toEqual(['htn']);
    expect(await ids('Encounter', 'date=2024-01-10')).toEqual(['e1']);
  });

  it('compares quantities with prefixes, precision and units', async () => {
    expect(await ids('Observation', 'value-quantity=5.4')).toEqual(['glu']);
    // `5` stands for [4.5, 5.5) and so matches 5.4; `5.0` for [4.95, 5.05) and does not.
    expect(await ids('Observation', 'value-quantity=5')).toEqual(['glu']);
    expect(await ids('Observation', 'value-quantity=5.0')).toEqual([]);
    expect(await ids('Observation', 'value-quantity=gt80')).toEqual(['hr2']);
    expect(await ids('Observation', 'value-quantity=le72')).toEqual(['glu', 'hr']);
    expect(await ids('Observation', 'value-quantity=ap5')).toEqual(['glu']);
    expect(await ids('Observation', `value-quantity=${encodeURIComponent(`5.4|${UCUM}|mmol/L`)}`)).toEqual(['glu']);
    expect(await ids('Observation', `value-quantity=${encodeURIComponent(`5.4|${UCUM}|mg/dL`)}`)).toEqual([]);
    expect(await ids('Observation', `value-quantity=${encodeURIComponent('lt100||/min')}`)).toEqual(['hr', 'hr2']);
  });

  it('reads references as Type/id, id, :Type and an absolute URL on this server', async () => {
    expect(await ids('Observation', 'subject=Patient/p2')).toEqual(['hr2']);
    expect(await ids('Observation', 'subject:Patient=p2')).toEqual(['hr2']);
    expect(await ids('Observation', 'patient=p2')).toEqual(['hr2']);
    expect(await ids('Observation', 'encounter=e1')).toEqual(['glu']);
    expect(
      (await find(db(), 'Observation', 'subject=http://h.example/fhir/Patient/p2', 'http://h.example/fhir')).ids,
    ).toEqual(['hr2']);
  });

  it('finds what is missing or present with :missing', async () => {
    expect(await ids('Observation', 'encounter:missing=true')).toEqual(['hr', 'hr2']);
    expect(await ids('Observation', 'encounter:missing=false')).toEqual(['glu']);
    expect(await ids('Condition', 'category:missing=true')).toEqual(['htn']);
  });

  it('follows chains and reverse chains (_has)', async () => {
    expect(await ids('Observation', 'subject:Patient.name=smith')).toEqual(['hr2']);
    expect(await ids('Observation', 'patient.identifier=urn:mrn%7CM1')).toEqual(['glu', 'hr']);
    expect(await ids('Observation', 'encounter.practitioner.name=house')).toEqual(['glu']);
    expect(await ids('Patient', '_has:Observation:patient:code=2339-0')).toEqual(['p1']);
    expect(await ids('Patient', '_has:Condition:patient:clinical-status=active')).toEqual(['p1']);
    expect(await ids('Patient', '_has:MedicationRequest:subject:status=stopped')).toEqual(['p2']);
  });

  it('includes referenced and referencing resources, :iterate following what was included', async () => {
    expect(await find(db(), 'Encounter', 'patient=p1&_include=Encounter:subject')).toMatchObject({
      ids: ['e1'],
      included: ['p1'],
    });
    expect(
      await find(
        db(),
        'Observation',
        'code=2339-0&_include=Observation:encounter&_include:iterate=Encounter:practitioner',
      ),
    ).toMatchObject({ ids: ['glu'], included: ['dr1', 'e1'] });
    expect(await find(db(), 'Patient', '_id=p1&_revinclude=Condition:patient')).toMatchObject({
      ids: ['p1'],
      included: ['dm', 'htn'],
    });
  });

  it('sorts on several keys, descending with a minus', async () => {
    expect((await find(db(), 'Observation', '_sort=-date')).ids).toEqual(['hr2', 'hr', 'glu']);
    expect((await find(db(), 'Observation', '_sort=status,-date')).ids).toEqual(['hr', 'glu', 'hr2']);
    expect((await find(db(), 'Patient', '_sort=-family')).ids).toEqual(['p2', 'p1']);
    expect((await find(db(), 'Patient', '_sort=birthdate')).ids).toEqual(['p1', 'p2']);
  });

  it('counts only under _summary=count and skips the count under _total=none', async () => {
    expect(await find(db(), 'Observation', 'code=8867-4&_summary=count')).toEqual({ ids: [], included: [], total: 2 });
    const none = await find(db(), 'Observation', 'code=8867-4&_total=none');
    expect(none.total).toBeUndefined();
    expect(none.ids.sort()).toEqual(['hr', 'hr2']);
  });

  it('keeps the index in step with writes and deletes', async () => {
    const repo = createResourceRepository(db());
    const hr = searchRecords.find((r) => r.id === 'hr')!;
    await repo.put({ ...hr, id: 'hr-tmp', status: 'amended' });
    expect(await ids('Observation', 'status=amended')).toEqual(['hr-tmp']);
    await repo.put({ ...hr, id: 'hr-tmp', status: 'cancelled' });
    expect(await ids('Observation', 'status=amended')).toEqual([]);
    expect(await ids('Observation', 'status=cancelled')).toEqual(['hr-tmp']);
    await repo.delete('Observation', 'hr-tmp');
    expect(await ids('Observation', 'status=cancelled')).toEqual([]);
    await ids('Observation', 'status=final');
    // A write path may index and de-index at once, in its own transaction.
    const tmp = { ...hr, id: 'hr-now', status: 'entered-in-error' };
    await repo.put(tmp);
    await indexForSearch(db(), [tmp]);
    const queued = await db().query("select 1 from fhir_search_pending where id = 'hr-now'");
    expect(queued.rows).toHaveLength(0);
    expect(await ids('Observation', 'status=entered-in-error')).toEqual(['hr-now']);
    await repo.delete('Observation', 'hr-now');
    await deindexForSearch(db(), 'Observation', 'hr-now');
    expect(await ids('Observation', 'status=entered-in-error')).toEqual([]);
    const left = await db().query<{ n: number | string }>(
      "select count(*) as n from fhir_search_values where resource_type = 'Observation' and id in ('hr-tmp', 'hr-now')",
    );
    expect(Number(left.rows[0]!.n)).toBe(0);
  });
});

describe('FHIR search parameters', () => {
  const problems = (type: string, q: string, lenient = false) => {
    try {
      parseFhirSearch(type, new URLSearchParams(q), { lenient });
    } catch (e) {
      expect(e).toBeInstanceOf(FhirInvalid);
      return (e as FhirInvalid).outcome.issue.map((i) => [i.code, i.expression?.[0]]);
    }
    return [];
  };

  it('refuses an unknown parameter or modifier by name, and a malformed value', () => {
    expect(problems('Observation', 'colour=red')).toEqual([['not-supported', 'colour']]);
    expect(problems('Observation', 'code:below=x')).toEqual([['not-supported', 'code:below']]);
    expect(problems('Patient', 'code=1')).toEqual([['not-supported', 'code']]);
    expect(problems('Observation', 'date=yesterday')).toEqual([['value', 'date']]);
    expect(problems('Observation', 'value-quantity=high')).toEqual([['value', 'value-quantity']]);
    expect(problems('Observation', 'subject=Spaceship/1')).toEqual([['value', 'subject']]);
    expect(problems('Observation', '_include=Patient:organization')).toEqual([['not-supported', '_include']]);
    // Without :iterate an include starts from the matches only.
    expect(problems('Observation', '_include=Encounter:practitioner')).toEqual([['not-supported', '_include']]);
    expect(problems('Observation', '_sort=colour')).toEqual([['not-supported', '_sort']]);
    expect(problems('Observation', 'encounter:missing=maybe')).toEqual([['value', 'encounter:missing']]);
    expect(problems('Observation', '_summary=all')).toEqual([['value', '_summary']]);
  });

  it('ignores unknown parameters under Prefer: handling=lenient and says which', () => {
    const parsed = parseFhirSearch('Observation', new URLSearchParams('colour=red&code=8867-4'), { lenient: true });
    expect(parsed.ignored.map((i) => i.name)).toEqual(['colour']);
    expect(parsed.echo).toEqual([['code', '8867-4']]);
    // A bad value stays an error: leniency is about what the server does not know, not about wrong input.
    expect(problems('Observation', 'date=yesterday', true)).toEqual([['value', 'date']]);
  });

  it('names the patient a search is about, for scoping and audit', () => {
    const p = (q: string) => parseFhirSearch('Observation', new URLSearchParams(q));
    expect(p('patient=p1').patient).toBe('p1');
    expect(p('subject=Patient/p1').patient).toBe('p1');
    expect(p('subject:Patient=p1').patient).toBe('p1');
    expect(p('patient=p1,p2')).toMatchObject({ patients: ['p1', 'p2'] });
    expect(p('patient=p1,p2').patient).toBeUndefined();
    expect(p('code=1').patient).toBeUndefined();
  });
});

describe('search index of resources stored before it existed', () => {
  const backends: { label: string; url?: string }[] = [{ label: 'pglite' }];
  if (process.env.MEDSEEK_TEST_DATABASE_URL)
    backends.push({ label: 'postgres', url: process.env.MEDSEEK_TEST_DATABASE_URL });
  for (const backend of backends) {
    it(`indexes them when the migration runs [${backend.label}]`, async () => {
      const scratch = backend.url ? await createScratchDatabase(backend.url) : undefined;
      const db = await openDatabase(scratch ? { databaseUrl: scratch.url } : {});
      try {
        const all = loadMigrations();
        await migrate(
          db,
          all.filter((m) => m.id < '0010'),
        );
        await createResourceRepository(db).putMany(searchRecords);
        await migrate(db, all);
        expect((await find(db, 'Observation', 'category=laboratory')).ids).toEqual(['glu']);
      } finally {
        await db.close();
        await scratch?.drop();
      }
    });
  }
});

const LAB = 'http://terminology.hl7.org/CodeSystem/observation-category';
const UCUM = 'http://unitsofmeasure.org';
