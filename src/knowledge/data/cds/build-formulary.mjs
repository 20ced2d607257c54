// Regenerates formulary.json (the default formulary: drugs of drugs.json that the shared Chinese
// drug lists show marketed in mainland China) from ../shared/data. Run from the repository root:
//   node src/knowledge/data/cds/build-formulary.mjs [path/to/shared/data]
// The first matching row of each list is kept as the evidence. See SOURCE.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const shared = process.argv[2] ?? '../shared/data';
const here = 'src/knowledge/data/cds';

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) → rows of objects by header. */
function csv(path) {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += ch;
  }
  if (field || row.length) endRow();
  const [head, ...body] = rows;
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

const restriction = csv(join(shared, 'drug-insurance-restriction-rules/drug_restriction_rules.csv'));
const imported = csv(join(shared, 'icd10-drug-codes/nmpa_drug_code_imported.csv'));
const { drugs } = JSON.parse(readFileSync(join(here, 'drugs.json'), 'utf8'));

const out = drugs.map((d) => {
  const names = [d.name.zh, ...(d.synonyms?.zh ?? [])].filter(Boolean);
  const evidence = [];
  for (const n of names) {
    const r = restriction.find((x) => x['药品名称'].includes(n));
    if (r) evidence.push({ list: 'nhsa-restriction', code: r['药品编码'], name: r['药品名称'] });
    const m = imported.find((x) => x['产品名称'].includes(n));
    if (m) evidence.push({ list: 'nmpa-imported', code: m['药品编码'], name: m['产品名称'], licence: m['注册证号'] });
  }
  const seen = new Set();
  const kept = evidence.filter((e) => !seen.has(e.list) && seen.add(e.list));
  return { id: d.id, zh: d.name.zh, listed: kept.length > 0, evidence: kept };
});

const doc = {
  $comment:
    "Default formulary: the drugs of drugs.json that are marketed in mainland China by the shared Chinese drug lists (the first matching row of each list is the evidence). Presence in a list is evidence of marketing in China; absence is not proof of absence (the NMPA domestic-drug list was not in the snapshot), so an unlisted drug is left out of suggestions until a hospital adds it. Generated from ../shared/data by matching each drug's Chinese names in the product names; regenerate when the lists change. A hospital sets its own formulary (rule parameter `formulary`).",
  sources: ['medseek-formulary-cn'],
  lists: {
    'nhsa-restriction':
      '../shared/data/drug-insurance-restriction-rules/drug_restriction_rules.csv (jdzwq/MediModel @ 573b603d, 医保药品目录 restriction rules; licence unknown)',
    'nmpa-imported':
      '../shared/data/icd10-drug-codes/nmpa_drug_code_imported.csv (hint-lab/chinese-medical-kg @ ef00c6c9, NMPA 国家药品编码本位码 进口药品; MIT per README)',
  },
  drugs: out,
};
writeFileSync(join(here, 'formulary.json'), `${JSON.stringify(doc, null, 1)}\n`);
console.log(`${out.filter((d) => d.listed).length} of ${out.length} drugs listed`);
