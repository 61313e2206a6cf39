import { describe, expect, it } from 'vitest';
import { proposeMapping } from './column-mapping.ts';
import { detectDelimiter, parseCsv } from './csv-parser.ts';
import { normaliseYearGroup, readPupils } from './pupil-rows.ts';
import { osAccountName } from './username.ts';

describe('parseCsv', () => {
  it('drops a UTF-8 BOM and reads CRLF lines', () => {
    const table = parseCsv('\uFEFFUPN,Surname\r\nA1,Smith\r\nA2,Jones\r\n');
    expect(table.header).toEqual(['UPN', 'Surname']);
    expect(table.records).toEqual([
      { line: 2, fields: ['A1', 'Smith'] },
      { line: 3, fields: ['A2', 'Jones'] },
    ]);
  });

  it('keeps commas, line breaks and doubled quotes inside quoted fields, and counts rows as a spreadsheet does', () => {
    const table = parseCsv('UPN,Notes,Year\nA1,"Smith, Jon","7"\nA2,"two\r\nlines and ""quotes""",8\nA3,plain,9\n');
    expect(table.records.map((record) => record.fields)).toEqual([
      ['A1', 'Smith, Jon', '7'],
      ['A2', 'two\r\nlines and "quotes"', '8'],
      ['A3', 'plain', '9'],
    ]);
    expect(table.records.map((record) => record.line)).toEqual([2, 3, 5]);
  });

  it('detects ; and tab delimiters from the header, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('UPN;Surname;"a,b,c,d"\n')).toBe(';');
    expect(detectDelimiter('UPN\tSurname\tYear\n')).toBe('\t');
    expect(detectDelimiter('UPN,Surname\n')).toBe(',');
    expect(parseCsv('UPN;Name\nA1;"Smith; Jon"\n').records[0]?.fields).toEqual(['A1', 'Smith; Jon']);
    expect(parseCsv('UPN\tName\nA1\tSmith, Jon\n').records[0]?.fields).toEqual(['A1', 'Smith, Jon']);
  });

  it('skips blank lines and the empty rows spreadsheets leave, and reports a quote never closed', () => {
    const table = parseCsv('UPN,Name\n\nA1,Smith\n,\n   \nA2,"Jones\n');
    expect(table.records.map((record) => record.fields[0])).toEqual(['A1', 'A2']);
    expect(table.unclosedQuoteAt).toBe(6);
    expect(parseCsv('').header).toEqual([]);
  });
});

describe('proposeMapping', () => {
  it('maps SIMS, Arbor and Bromcom headers and leaves unknown columns out', () => {
    expect(
      proposeMapping([
        'UPN',
        'Legal Forename',
        'Legal Surname',
        'Preferred Forename',
        'Preferred Surname',
        'Year',
        'Reg Group',
        'Username',
        'Email',
        'Dietary Needs',
      ]),
    ).toEqual(['misId', 'legalGivenName', 'legalFamilyName', 'givenName', 'familyName', 'yearGroup', 'tutorGroup', 'osUsername', 'microsoftAccount', 'ignore']);
    expect(proposeMapping(['Admission Number', 'First Name', 'Last Name', 'Year Group', 'Form', 'Class 1', 'Class 2', 'Google Email'])).toEqual([
      'misId',
      'givenName',
      'familyName',
      'yearGroup',
      'tutorGroup',
      'classes',
      'classes',
      'googleAccount',
    ]);
    expect(proposeMapping(['Student ID', 'Name', 'NC Year', 'Tutor Group'])).toEqual(['misId', 'fullName', 'yearGroup', 'tutorGroup']);
  });
});

describe('usernames', () => {
  it('spells DOMAIN\\user, user@domain and mixed case as one OS account', () => {
    expect(osAccountName('SCHOOL\\JSmith')).toBe('jsmith');
    expect(osAccountName(' jsmith@school.local ')).toBe('jsmith');
    expect(osAccountName('JSMITH')).toBe('jsmith');
  });
});

describe('readPupils', () => {
  it('normalises year groups and refuses what is not one', () => {
    expect(['Year 7', 'Y10', 'yr 11', '7', 'NC Year 12', 'R', 'Reception', 'N1'].map(normaliseYearGroup)).toEqual([
      'Year 7',
      'Year 10',
      'Year 11',
      'Year 7',
      'Year 12',
      'Reception',
      'Reception',
      'Nursery',
    ]);
    expect(normaliseYearGroup('Year 15')).toBeUndefined();
    expect(normaliseYearGroup('Blue')).toBeUndefined();
  });

  const messy = [
    '\uFEFFUPN,Surname,Forename,Year,Reg Group,Classes,Username,Email,Dietary Needs',
    'a1,Smith,Jon,Year 7,7AB,"7A/Ma1, 7A/En2",SCHOOL\\JSmith,Jon.Smith@School.org,none',
    '',
    'A1,Smith,Jon,Year 7,7AB,"7A/Ma1, 7A/En2",SCHOOL\\JSmith,Jon.Smith@School.org,none',
    'A2,"O\'Brien, Jr",Aoife,8,8CD,8B/Ma2,aobrien,not-an-email,',
    'A3,Patel,,Year 9,9EF,,cpatel,,',
    'A4,Jones,Megan,Year 15,10GH,,jsmith,,',
    ',Nokey,Nora,7,7AB,,nnokey,,',
    'A2,"O\'Brien, Jr",Aoife,8,8CD,8B/Sc1,aobrien,,',
  ].join('\r\n');

  it('reads a messy export: duplicates merged, bad rows skipped, every problem named by its row', () => {
    const table = parseCsv(messy);
    const { pupils, problems } = readPupils(table, proposeMapping(table.header));
    expect(pupils).toEqual([
      {
        row: 2,
        misId: 'A1',
        givenName: 'Jon',
        familyName: 'Smith',
        yearGroup: 'Year 7',
        tutorGroup: '7AB',
        classes: ['7A/Ma1', '7A/En2'],
        accounts: [
          { kind: 'os', username: 'jsmith' },
          { kind: 'microsoft', username: 'jon.smith@school.org' },
        ],
      },
      {
        row: 5,
        misId: 'A2',
        givenName: 'Aoife',
        familyName: "O'Brien, Jr",
        yearGroup: 'Year 8',
        tutorGroup: '8CD',
        classes: ['8B/Ma2', '8B/Sc1'],
        accounts: [{ kind: 'os', username: 'aobrien' }],
      },
      { row: 7, misId: 'A4', givenName: 'Megan', familyName: 'Jones', yearGroup: null, tutorGroup: '10GH', classes: [], accounts: [] },
    ]);
    expect(problems.map((problem) => [problem.row, problem.code])).toEqual([
      [null, 'unknown-column'],
      [4, 'duplicate-row'],
      [5, 'bad-username'],
      [6, 'missing-name'],
      [7, 'bad-year-group'],
      [7, 'duplicate-username'],
      [8, 'missing-key'],
      [9, 'conflicting-row'],
    ]);
    expect(problems[0]?.message).toBe('Column "Dietary Needs" is not imported.');
    expect(problems.find((problem) => problem.code === 'duplicate-username')?.message).toContain('"jsmith" is also on row 2 (A1)');
  });
});
