import type { ImportProblem, MappedPupil, PupilField } from '@vigil/shared/console';
import type { CsvTable } from './csv-parser.ts';
import { emailAccountName, osAccountName } from './username.ts';

// Rows of a parsed CSV read through a column mapping: one pupil per stable key (rows with
// the same key merged and reported), with every problem named by its row number.

export interface ReadPupils {
  readonly pupils: MappedPupil[];
  readonly problems: ImportProblem[];
}

/** "Year 7", "Y7", "Yr 10", "7", "NC Year 12" → "Year N"; Reception and Nursery by name. */
export function normaliseYearGroup(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (/^(r|rec|reception|yr?\s*r)$/.test(value)) return 'Reception';
  if (/^(n|nur|nursery|n[12])$/.test(value)) return 'Nursery';
  const match = /^(?:nc\s*)?(?:year|yr|y)?\s*(\d{1,2})$/.exec(value);
  const year = match?.[1] === undefined ? NaN : Number(match[1]);
  return year >= 1 && year <= 14 ? `Year ${year}` : undefined;
}

function splitFullName(full: string): { givenName: string; familyName: string } {
  const name = full.trim().replace(/\s+/g, ' ');
  const comma = name.indexOf(',');
  // SIMS writes "Surname, Forename".
  if (comma >= 0) return { familyName: name.slice(0, comma).trim(), givenName: name.slice(comma + 1).trim() };
  const space = name.lastIndexOf(' ');
  return space < 0 ? { givenName: name, familyName: '' } : { givenName: name.slice(0, space), familyName: name.slice(space + 1) };
}

const splitList = (value: string): string[] =>
  value
    .split(/[,;|]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

function sameAccounts(a: MappedPupil['accounts'], b: MappedPupil['accounts']): boolean {
  const key = (list: MappedPupil['accounts']) =>
    list
      .map((account) => `${account.kind}:${account.username}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

function samePupil(a: MappedPupil, b: MappedPupil): boolean {
  return (
    a.givenName === b.givenName &&
    a.familyName === b.familyName &&
    a.yearGroup === b.yearGroup &&
    a.tutorGroup === b.tutorGroup &&
    [...a.classes].sort().join('\n') === [...b.classes].sort().join('\n') &&
    sameAccounts(a.accounts, b.accounts)
  );
}

/** The later row fills what the earlier left empty; classes and accounts are unions. */
function merge(first: MappedPupil, later: MappedPupil): MappedPupil {
  const accounts = [...first.accounts];
  for (const account of later.accounts) if (!accounts.some((a) => a.kind === account.kind && a.username === account.username)) accounts.push(account);
  return {
    ...first,
    givenName: first.givenName || later.givenName,
    familyName: first.familyName || later.familyName,
    yearGroup: first.yearGroup ?? later.yearGroup,
    tutorGroup: first.tutorGroup ?? later.tutorGroup,
    classes: [...new Set([...first.classes, ...later.classes])],
    accounts,
  };
}

function readRow(fields: readonly string[], mapping: readonly PupilField[], row: number, problems: ImportProblem[]): MappedPupil | undefined {
  const values = new Map<PupilField, string[]>();
  mapping.forEach((field, index) => {
    const value = (fields[index] ?? '').trim();
    if (field === 'ignore' || value === '') return;
    values.set(field, [...(values.get(field) ?? []), value]);
  });
  const one = (field: PupilField) => values.get(field)?.[0] ?? '';
  const misId = one('misId').toUpperCase();
  if (misId === '') {
    problems.push({ row, code: 'missing-key', message: `Row ${row}: no UPN / MIS id, so the row cannot be matched on re-import; skipped.` });
    return undefined;
  }
  const fromFull = splitFullName(one('fullName'));
  // The preferred name is the one staff know a child by; the legal one fills a blank.
  const givenName = one('givenName') || one('legalGivenName') || fromFull.givenName;
  const familyName = one('familyName') || one('legalFamilyName') || fromFull.familyName;
  if (givenName === '' || familyName === '') {
    problems.push({ row, code: 'missing-name', message: `Row ${row} (${misId}): ${givenName === '' ? 'no forename' : 'no surname'}; skipped.` });
    return undefined;
  }
  let yearGroup: string | null = null;
  const rawYear = one('yearGroup');
  if (rawYear !== '') {
    yearGroup = normaliseYearGroup(rawYear) ?? null;
    if (yearGroup === null)
      problems.push({
        row,
        code: 'bad-year-group',
        message: `Row ${row} (${misId}): year group "${rawYear}" is not a year (Nursery, Reception, Year 1–14); imported without a year group.`,
      });
  }
  const accounts: MappedPupil['accounts'] = [];
  const os = one('osUsername');
  if (os !== '') {
    const username = osAccountName(os);
    if (username === '') problems.push({ row, code: 'bad-username', message: `Row ${row} (${misId}): username "${os}" is empty once its domain is removed.` });
    else accounts.push({ kind: 'os', username });
  }
  for (const [field, kind] of [
    ['googleAccount', 'google'],
    ['microsoftAccount', 'microsoft'],
  ] as const) {
    const raw = one(field);
    if (raw === '') continue;
    const username = emailAccountName(raw);
    if (username === undefined)
      problems.push({ row, code: 'bad-username', message: `Row ${row} (${misId}): ${kind} account "${raw}" is not an e-mail address; left out.` });
    else accounts.push({ kind, username });
  }
  return {
    row,
    misId,
    givenName,
    familyName,
    yearGroup,
    tutorGroup: one('tutorGroup') || null,
    classes: [...new Set((values.get('classes') ?? []).flatMap(splitList))],
    accounts,
  };
}

/** Every pupil in `table` under `mapping`, merged by key, with a username claimed by two pupils kept by the first. */
export function readPupils(table: CsvTable, mapping: readonly PupilField[]): ReadPupils {
  const problems: ImportProblem[] = [];
  if (table.unclosedQuoteAt !== null)
    problems.push({
      row: table.unclosedQuoteAt,
      code: 'unclosed-quote',
      message: `Row ${table.unclosedQuoteAt}: a quoted field is never closed; the rest of the file was read as one field.`,
    });
  table.header.forEach((header, index) => {
    if ((mapping[index] ?? 'ignore') === 'ignore')
      problems.push({ row: null, code: 'unknown-column', message: `Column "${header || `#${index + 1}`}" is not imported.` });
  });
  const byKey = new Map<string, MappedPupil>();
  for (const record of table.records) {
    if (record.fields.length !== table.header.length) {
      problems.push({
        row: record.line,
        code: 'ragged-row',
        message: `Row ${record.line}: ${record.fields.length} fields where the header has ${table.header.length}.`,
      });
    }
    const pupil = readRow(record.fields, mapping, record.line, problems);
    if (pupil === undefined) continue;
    const key = pupil.misId.toLowerCase();
    const earlier = byKey.get(key);
    if (earlier === undefined) {
      byKey.set(key, pupil);
    } else if (samePupil(earlier, pupil)) {
      problems.push({ row: record.line, code: 'duplicate-row', message: `Row ${record.line} repeats row ${earlier.row} (${pupil.misId}); merged.` });
    } else {
      byKey.set(key, merge(earlier, pupil));
      problems.push({
        row: record.line,
        code: 'conflicting-row',
        message: `Row ${record.line} has the same UPN / MIS id as row ${earlier.row} (${pupil.misId}) with different details; merged into row ${earlier.row}, which wins where both have a value.`,
      });
    }
  }
  const owners = new Map<string, MappedPupil>();
  const pupils = [...byKey.values()].map((pupil) => {
    const accounts = pupil.accounts.filter((account) => {
      const key = `${account.kind}:${account.username}`;
      const owner = owners.get(key);
      if (owner === undefined) {
        owners.set(key, pupil);
        return true;
      }
      problems.push({
        row: pupil.row,
        code: 'duplicate-username',
        message: `Row ${pupil.row} (${pupil.misId}): ${account.kind} username "${account.username}" is also on row ${owner.row} (${owner.misId}); kept there, left out here.`,
      });
      return false;
    });
    return { ...pupil, accounts };
  });
  return { pupils, problems: problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
}
