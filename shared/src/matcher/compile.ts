// compile(): word lists → one automaton. Terms that normalise to the same patterns share
// them; each pattern remembers which term entries it stands for.
import type { Category, TermEntry } from '../protocol/wordlist.schema.ts';
import { FIRST_EXTRA } from './alphabet.ts';
import { buildAutomaton, type Automaton, type PatternSpec } from './automaton.ts';
import { SymbolTable } from './symbol-table.ts';
import { TermNormaliser, termPatterns } from './term-patterns.ts';

export interface MatcherSource {
  readonly categories: readonly Category[];
  readonly terms: readonly TermEntry[];
  readonly allow: readonly string[];
}

export interface CompiledMatcher {
  readonly table: SymbolTable;
  readonly automaton: Automaton;
  readonly entries: readonly TermEntry[];
  /** Pattern p reports entries[entryList[entryStart[p] … entryStart[p + 1] - 1]] (none for allow patterns). */
  readonly entryStart: Int32Array;
  readonly entryList: Int32Array;
  /** 1 for a pattern reported only in titles and URLs (a phrase run together inside a longer word). */
  readonly addressOnly: Uint8Array;
  /** Ids of the restricted categories. */
  readonly restricted: ReadonlySet<string>;
  readonly categories: readonly Category[];
  readonly stats: {
    readonly terms: number;
    readonly allow: number;
    readonly patterns: number;
    readonly states: number;
    /** Terms that normalise to nothing (e.g. only punctuation) and can never match. */
    readonly unusable: readonly string[];
  };
}

export function compile(source: MatcherSource): CompiledMatcher {
  const table = new SymbolTable(SymbolTable.collectExtras([...source.terms.map((t) => t.term), ...source.allow]));
  const specs: PatternSpec[] = [];
  const patternEntries: number[][] = [];
  const index = new Map<string, number>();
  const unusable: string[] = [];
  const normaliser = new TermNormaliser(table);

  const add = (spec: PatternSpec, entry: number | undefined): void => {
    // one character per symbol and its run (symbols < 128, runs ≤ 3)
    let key = spec.allow ? 'a' : spec.addressOnly === true ? 'u' : 't';
    key += spec.lead;
    for (let i = 0; i < spec.syms.length; i++) key += String.fromCharCode(((spec.syms[i] ?? 0) << 2) | (spec.runs[i] ?? 1));
    let pid = index.get(key);
    if (pid === undefined) {
      pid = specs.length;
      index.set(key, pid);
      specs.push(spec);
      patternEntries.push([]);
    }
    const list = patternEntries[pid];
    if (entry !== undefined && list !== undefined && !list.includes(entry)) list.push(entry);
  };

  source.terms.forEach((entry, i) => {
    const patterns = termPatterns(normaliser, entry.term, entry.match);
    if (patterns.length === 0) unusable.push(entry.term);
    for (const spec of patterns) add(spec, i);
  });
  for (const word of source.allow) {
    const patterns = termPatterns(normaliser, word, 'allow');
    if (patterns.length === 0) unusable.push(word);
    for (const spec of patterns) add(spec, undefined);
  }

  const automaton = buildAutomaton(specs, FIRST_EXTRA + table.extras.length);
  return {
    table,
    automaton,
    entries: source.terms,
    ...flattenEntries(patternEntries),
    addressOnly: Uint8Array.from(specs, (s) => (s.addressOnly === true ? 1 : 0)),
    restricted: new Set(source.categories.filter((c) => c.restricted).map((c) => c.id)),
    categories: source.categories,
    stats: {
      terms: source.terms.length,
      allow: source.allow.length,
      patterns: specs.length,
      states: automaton.states,
      unusable,
    },
  };
}

function flattenEntries(lists: readonly (readonly number[])[]): { entryStart: Int32Array; entryList: Int32Array } {
  const entryStart = new Int32Array(lists.length + 1);
  let total = 0;
  lists.forEach((l, i) => {
    entryStart[i] = total;
    total += l.length;
  });
  entryStart[lists.length] = total;
  const entryList = new Int32Array(total);
  lists.forEach((l, i) => entryList.set(l, entryStart[i] ?? 0));
  return { entryStart, entryList };
}
