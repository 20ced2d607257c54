import { CsvError, parse } from 'csv-parse/sync';
import { invalid } from './errors.js';

/** One CSV row and the 1-based line it starts on, for error messages. */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

/**
 * RFC 4180 CSV through `csv-parse`: quoted fields may hold commas, quotes ("") and line breaks; rows
 * may differ in length; blank lines and a byte-order mark are skipped. A malformed file is an
 * `invalid` error naming `where` and the line.
 */
export function parseCsv(text: string, where: string): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof records; // `info: true` wraps each record with its position
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = (e as CsvError & { lines?: number }).lines;
    const reason = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'unterminated quoted field' : e.message;
    throw invalid(reason, { where: line ? `${where} line ${line}` : where });
  }
  // csv-parse counts lines to a record's end; a quoted field's line breaks move its start back.
  return records.map(({ record, info }) => ({
    line: info.lines - record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0),
    cells: record,
  }));
}
