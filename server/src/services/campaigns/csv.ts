import { parse } from 'csv-parse/sync';
import { fieldError } from '../../utils/validate';
import type { RecipientInput } from '../../../../shared/contracts/campaigns';

export interface CsvRecipients {
  /** Each usable row with its row number as a spreadsheet shows it (the header is row 1). */
  rows: Array<{ row: number; recipient: RecipientInput }>;
  rejected: Array<{ row: number; email: string; reason: string }>;
}

const invalid = (message: string) => fieldError('file', message);

/**
 * A recipient list from a CSV file: a header row with an `email` column (any case); every other
 * column becomes a variable of that name. csv-parse handles quoting, embedded commas and line
 * breaks, a UTF-8 byte order mark and `;` or tab separators as spreadsheets export them.
 */
export const parseCsvRecipients = (text: string): CsvRecipients => {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  let parsed: Array<{ record: string[]; info: { empty_lines: number } }>;
  try {
    parsed = parse(text, { bom: true, delimiter, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as any;
  } catch (error: any) {
    throw invalid(`The CSV file could not be read: ${String(error?.message ?? error).slice(0, 200)}`);
  }
  const records = parsed.map((p) => p.record);
  if (records.length === 0) throw invalid('The CSV file is empty: it needs a header row with an "email" column.');
  const header = records[0].map((h) => h.trim());
  const emailColumn = header.findIndex((h) => h.toLowerCase() === 'email');
  if (emailColumn < 0) throw invalid('The CSV file needs a header row with an "email" column.');
  const out: CsvRecipients = { rows: [], rejected: [] };
  parsed.slice(1).forEach(({ record, info }, index) => {
    // A spreadsheet's row: one per record, however many line breaks its quoted cells hold, plus
    // the blank lines before it. (csv-parse's own `lines` counts a quoted CRLF twice.)
    const row = index + 2 + info.empty_lines;
    const email = (record[emailColumn] ?? '').trim();
    if (record.length > header.length && record.slice(header.length).some((v) => v !== '')) {
      out.rejected.push({ row, email, reason: `more columns than the header (${record.length} for ${header.length})` });
      return;
    }
    const data: Record<string, string> = {};
    header.forEach((name, i) => {
      if (i !== emailColumn && name) data[name] = record[i] ?? '';
    });
    out.rows.push({ row, recipient: { email, data } });
  });
  return out;
};
