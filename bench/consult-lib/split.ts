/**
 * The dev / test split of the pre-consultation benchmark files, by line number: odd lines (1st,
 * 3rd, …) are dev, even lines are test. Work on the engine looks at dev items only; figures for a
 * report are taken once on test. Lines of the other split are blanked (the parsers skip blank
 * lines), so error messages still name the file's own line numbers.
 */
export type Split = 'dev' | 'test' | 'all';

export const SPLIT_RULE =
  'by line number of the .jsonl file: odd lines (1st, 3rd, …) are dev, even lines are test. Engine work reads dev items and their failures only; test is scored once for a report.';

export function parseSplit(value: string | undefined): Split {
  const s = value ?? 'all';
  if (s !== 'dev' && s !== 'test' && s !== 'all') throw new Error(`--split: '${s}' is not dev, test or all`);
  return s;
}

/** The file's text with the lines outside `split` blanked (line numbers kept). */
export function splitLines(text: string, split: Split): string {
  if (split === 'all') return text;
  return text
    .split('\n')
    .map((line, i) => ((i % 2 === 0) === (split === 'dev') ? line : ''))
    .join('\n');
}
