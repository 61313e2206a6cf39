// Vigil's own word lists (wordlists/ at the repository root) load cleanly, cover every
// risk area the issue names, keep their allow-list quiet, and pass their fixtures.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyStream, compile, scanText, type CompiledMatcher, type HitSource, type MatchHit } from '@vigil/shared/matcher';
import { formatWordlistError } from '@vigil/shared/wordlist';
import type { WordlistPayload } from '@vigil/shared/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWordlists } from './wordlist-files.ts';

const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../../wordlists');

const REQUIRED_CATEGORIES = [
  'self-harm',
  'eating-disorders',
  'bullying',
  'extremism',
  'grooming',
  'sexual-content',
  'drugs-alcohol',
  'weapons-violence',
  'gambling',
  'hate',
  'filter-circumvention',
];

let loadErrors: string[] = [];
let lists: WordlistPayload = { version: '0'.repeat(64), categories: [], terms: [], allow: [] };
let matcher: CompiledMatcher = compile(lists);

beforeAll(async () => {
  const result = await loadWordlists(folder);
  if (!result.ok) {
    loadErrors = result.errors.map(formatWordlistError);
    return;
  }
  lists = result.value;
  matcher = compile(lists);
});

interface Fixture {
  id: string;
  text: string;
  source: HitSource;
}

async function fixtures(name: string): Promise<Fixture[]> {
  const text = await readFile(join(folder, 'fixtures', name), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Fixture);
}

/** As `vigil match` does it: typed text key by key (U+0008 = Backspace), the rest scanned. */
function hitsOf(f: Fixture): MatchHit[] {
  if (f.source !== 'typed') return scanText(matcher, f.text, f.source);
  const ks = new KeyStream(matcher);
  const hits: MatchHit[] = [];
  for (const ch of f.text) hits.push(...ks.push(ch === '\b' ? 'Backspace' : ch));
  return [...hits, ...ks.endLine()];
}

describe("Vigil's word lists", () => {
  it('load with no errors and at least 300 terms', () => {
    expect(loadErrors).toEqual([]);
    expect(lists.terms.length).toBeGreaterThanOrEqual(300);
    expect(matcher.stats.unusable).toEqual([]);
  });

  it('cover the eleven risk areas of the issue', () => {
    const ids = new Set(lists.categories.map((c) => c.id));
    for (const id of REQUIRED_CATEGORIES) {
      expect(ids).toContain(id);
      expect(lists.terms.filter((t) => t.category === id).length, id).toBeGreaterThan(0);
    }
  });

  it('never hit on an allow-list entry on its own', () => {
    for (const word of lists.allow) {
      for (const source of ['typed', 'title'] as const) {
        expect(
          scanText(matcher, word, source).map((h) => `${h.term} (${h.category})`),
          `${word} as ${source}`,
        ).toEqual([]);
      }
    }
  });

  it('hit every should-hit fixture in its category', async () => {
    for (const f of await fixtures('should-hit.jsonl')) {
      const category = f.id.replace(/-\d+$/, '');
      expect(
        hitsOf(f).map((h) => h.category),
        `${f.id}: ${JSON.stringify(f.text)}`,
      ).toContain(category);
    }
  });

  it('produce no hit on any should-not-hit fixture', async () => {
    for (const f of await fixtures('should-not-hit.jsonl')) {
      expect(
        hitsOf(f).map((h) => `${h.term} (${h.category})`),
        `${f.id}: ${JSON.stringify(f.text)}`,
      ).toEqual([]);
    }
  });
});
