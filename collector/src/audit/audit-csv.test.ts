import { describe, expect, it } from 'vitest';
import { auditCsvFilename, auditCsvHeader, auditCsvLine, csvCell } from './audit-csv.ts';

describe('audit CSV cells', () => {
  it('quotes every cell and doubles quotes inside it', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('she said "no"')).toBe('"she said ""no"""');
    expect(csvCell('a,b\r\nc')).toBe('"a,b\r\nc"');
    expect(csvCell(42)).toBe('"42"');
  });

  it('writes null and undefined as empty cells', () => {
    expect(csvCell(null)).toBe('""');
    expect(csvCell(undefined)).toBe('""');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+44 7700 900000', `"'+44 7700 900000"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('defuses a cell a spreadsheet would run as a formula: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves a formula character that is not first alone', () => {
    expect(csvCell('a=b')).toBe('"a=b"');
    expect(csvCell('user@example.org')).toBe('"user@example.org"');
  });
});

describe('audit CSV lines', () => {
  it('starts with a byte-order mark and the column names, CRLF-terminated', () => {
    expect(auditCsvHeader()).toBe('\uFEFF"id","at","actor","action","target_type","target_id","ip","detail","actor_name","target_name"\r\n');
  });

  it('writes an entry with its detail as JSON', () => {
    const line = auditCsvLine({
      id: 7,
      at: new Date('2025-03-03T08:30:00.000Z'),
      actorUserId: null,
      actorLabel: '-rm',
      action: 'screenshot.reveal',
      targetType: 'alert',
      targetId: '01J',
      detail: { reason: 'a "quoted" reason' },
      ip: '192.0.2.1',
    });
    expect(line).toBe(
      `"7","2025-03-03T08:30:00.000Z","'-rm","screenshot.reveal","alert","01J","192.0.2.1","{""reason"":""a \\""quoted\\"" reason""}","",""\r\n`,
    );
  });

  it('adds the actor and target names, defused like every other cell', () => {
    const line = auditCsvLine(
      {
        id: 8,
        at: new Date('2025-03-03T08:30:00.000Z'),
        actorUserId: 'U1',
        actorLabel: 'ms.patel',
        action: 'device.lock',
        targetType: 'device',
        targetId: 'D1',
        detail: null,
        ip: null,
      },
      { actorName: 'Ms Patel', targetName: '=ICT-PC-01' },
    );
    expect(line.endsWith(`,"Ms Patel","'=ICT-PC-01"\r\n`)).toBe(true);
  });

  it('names the file after the moment of export', () => {
    expect(auditCsvFilename(new Date('2025-03-03T08:30:05.123Z'))).toBe('vigil-audit-20250303-083005Z.csv');
  });
});
