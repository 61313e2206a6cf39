import { describe, expect, it } from 'vitest';
import { factEvent, loadRecordedTables, parseRecordedTable, typeFact } from './recorded-tables.ts';

const tables = loadRecordedTables();

describe('recorded layout tables (documented behaviour; not a run on Windows or macOS)', () => {
  it('covers US, UK, French AZERTY and German on Windows, and US, UK and German on macOS', () => {
    expect(tables.map((t) => t.file)).toEqual([
      'darwin-de.json',
      'darwin-uk.json',
      'darwin-us.json',
      'win32-de-qwertz.json',
      'win32-fr-azerty.json',
      'win32-uk.json',
      'win32-us.json',
    ]);
  });

  for (const rec of tables) {
    describe(`${rec.name} (${rec.file})`, () => {
      for (const fact of rec.facts) {
        it(`${fact.keys.join(' ')} → ${JSON.stringify(fact.text)} (${fact.source})`, () => {
          expect(typeFact(rec, fact.keys)).toBe(fact.text);
        });
      }
    });
  }

  it('rejects a table file with a clear message', () => {
    const good = JSON.stringify({
      $comment: 'x',
      os: 'win32',
      name: 'x',
      sources: { a: 'b' },
      layout: { keys: { '0x41': { base: 'a' } } },
      facts: [{ keys: ['0x41'], text: 'a', source: 's' }],
    });
    expect(parseRecordedTable('ok.json', good).table.keys.get(0x41)).toEqual({ base: 'a' });
    expect(() => parseRecordedTable('bad.json', good.replace('"0x41":{"base"', '"A":{"base"'))).toThrow(/bad\.json: layout\.keys\.A/);
    expect(() => parseRecordedTable('bad.json', good.replace('"base":"a"', '"bas":"a"'))).toThrow(/bad\.json/);
    expect(() => factEvent({ os: 'win32', file: 'f.json' }, 'Hyper+0x41')).toThrow(/unknown modifier "Hyper"/);
    expect(() => factEvent({ os: 'win32', file: 'f.json' }, 'sc:0x10')).toThrow(/cannot read key/);
  });
});
