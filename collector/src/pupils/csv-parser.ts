// A small RFC 4180 reader for MIS exports: UTF-8 BOM, quoted fields holding the delimiter,
// line breaks or doubled quotes, CRLF / LF / CR line ends, blank lines, and `,` `;` or tab
// as the delimiter (detected from the header line). It never throws: a quote left open
// at the end of the file is reported and the rest of the file read as that last field.

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvRecord {
  /** The spreadsheet row number of the record's first line (the header is row 1). */
  readonly line: number;
  readonly fields: string[];
}

export interface CsvTable {
  readonly delimiter: CsvDelimiter;
  readonly header: string[];
  readonly records: CsvRecord[];
  /** Line of a quote never closed, if any. */
  readonly unclosedQuoteAt: number | null;
}

const delimiters: readonly CsvDelimiter[] = [',', ';', '\t'];

/** The delimiter that splits the header line most often, outside quotes (`,` on a tie or none). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(delimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char as CsvDelimiter)) counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of delimiters) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Reads the whole text: the first non-blank record is the header; blank lines are skipped. */
export function parseCsv(input: string): CsvTable {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const rows: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    // Blank lines, and the all-empty rows spreadsheets leave (`,,,,`), are skipped.
    if (fields.some((value) => value.trim() !== '')) rows.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else field += char;
  }
  const unclosedQuoteAt = quoted ? quoteLine : null;
  if (field !== '' || fields.length > 0) endRecord();
  const [head, ...records] = rows;
  return { delimiter, header: (head?.fields ?? []).map((name) => name.trim()), records, unclosedQuoteAt };
}
