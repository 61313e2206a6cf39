// Turns a list term into automaton patterns: the term is normalised by the same line
// engine as input, then expanded into the few spellings the input side cannot fold
// deterministically (a `1` typed for i or l; a substring term written with spaces).
import { SYM_AMBIG, SYM_I, SYM_L, SYM_SPACE, isCollapsible, isDigitSym, symbolChar } from './alphabet.ts';
import type { PatternSpec } from './automaton.ts';
import { LineEngine, type SymbolConsumer } from './line-engine.ts';
import { SymbolTable } from './symbol-table.ts';

export interface SymbolRun {
  syms: number[];
  runs: number[];
}

/** Patterns longer than this (in symbols) are refused; the symbol ring must hold them. */
export const MAX_PATTERN_SYMBOLS = 256;
/** Above this many i/l spellings a term gets only "as written" and "all 1s". */
const MAX_AMBIG_VARIANTS = 32;

/** Normalises whole texts as single lines; one instance is reused across many terms. */
export class TermNormaliser implements SymbolConsumer {
  private readonly engine: LineEngine;
  private syms: number[] = [];
  private runs: number[] = [];

  constructor(table: SymbolTable) {
    this.engine = new LineEngine(table, this);
  }

  emit(sym: number): void {
    this.syms.push(sym);
    this.runs.push(1);
  }

  grow(run: number): void {
    this.runs[this.runs.length - 1] = run;
  }

  /** The normalised symbols of a text, with the leading and trailing boundary. */
  normalise(text: string): SymbolRun {
    this.syms = [];
    this.runs = [];
    this.engine.startLine(0);
    let pos = 0;
    for (const ch of text) {
      this.engine.feed(ch.codePointAt(0) ?? 0, pos, pos + ch.length);
      pos += ch.length;
    }
    this.engine.endLine(pos);
    return { syms: this.syms, runs: this.runs };
  }
}

/** Readable normal form: "K i l l" → "kill", "dieeee" → "die", repeated letters shown up to 3 times. */
export function renderSymbols(run: SymbolRun, extras: readonly string[]): string {
  let s = '';
  run.syms.forEach((sym, i) => (s += symbolChar(sym, extras).repeat(run.runs[i] ?? 1)));
  return s.trim();
}

/** A function giving each term's canonical normal form, for duplicate detection. */
export function termKeyer(allTexts: readonly string[]): (text: string) => string {
  const table = new SymbolTable(SymbolTable.collectExtras(allTexts));
  const normaliser = new TermNormaliser(table);
  return (text) => renderSymbols(normaliser.normalise(text), table.extras);
}

export type PatternKind = 'word' | 'phrase' | 'substring' | 'allow';

/** All patterns for one term; empty when the term normalises to nothing. */
export function termPatterns(normaliser: TermNormaliser, text: string, kind: PatternKind): PatternSpec[] {
  const full = normaliser.normalise(text);
  const n = full.syms.length;
  if (n <= 2) return [];
  const allow = kind === 'allow';
  const bounded = kind === 'word' || kind === 'phrase';
  if (bounded && isLongPhrase(full)) full.runs.fill(1);
  const bases: SymbolRun[] = bounded ? [full] : [{ syms: full.syms.slice(1, n - 1), runs: full.runs.slice(1, n - 1) }];
  const firstBase = bases[0];
  if (!bounded && firstBase !== undefined && firstBase.syms.includes(SYM_SPACE)) bases.push(withoutSpaces(firstBase));
  const lead = bounded ? 1 : 0;
  const specs: PatternSpec[] = [];
  // Joined variants are spelt only as written (no `1` for i/l): every mix of joins times
  // every mix of 1s would multiply the automaton for combinations hardly anyone types.
  const add = (base: SymbolRun, edge: 0 | 1, addressOnly: boolean, variant = false): void => {
    for (const v of variant ? [base] : ambiguousSpellings(base)) {
      if (v.syms.length > MAX_PATTERN_SYMBOLS) continue;
      specs.push(
        addressOnly
          ? { syms: v.syms, runs: v.runs, lead: edge, trail: edge, allow, addressOnly }
          : { syms: v.syms, runs: v.runs, lead: edge, trail: edge, allow },
      );
    }
  };
  for (const base of bases) add(base, lead, false);
  if (bounded && full.syms.indexOf(SYM_SPACE, 1) < n - 1) {
    const words = splitWords({ syms: full.syms.slice(1, n - 1), runs: full.runs.slice(1, n - 1) });
    // Only gaps between two letters can close up: input always keeps letters and digits apart.
    const joinable: number[] = [];
    for (let g = 0; g + 1 < words.length; g++) if (endsInLetter(words[g], true) && endsInLetter(words[g + 1], false)) joinable.push(g);
    // A phrase also matches with some or all of its words run together: "sendnudes",
    // "send\u200Bnudes", "wantto die", and letter-spaced words, which bridging reads as one
    // word ("s.e.n.d n.u.d.e.s" → "sendnudes", "i w.a.s raped" → "iwas raped"). Still whole
    // words, so no phrase fires inside an innocent longer word.
    for (const choice of joinChoices(joinable.length)) {
      const joins = new Set(joinable.filter((_g, k) => k >= 31 || ((choice >> k) & 1) === 1));
      add(joinWords(words, joins, true), 1, false, true);
    }
    // In addresses and titles a long phrase also matches run together inside a longer
    // word, as in a domain label: "freesendnudesnow.example".
    if (joinable.length > 0 && joinable.length === words.length - 1) {
      const joined = joinWords(words, new Set(joinable), false);
      if (joined.syms.length >= LONG_PHRASE_LETTERS) add(joined, 0, true, true);
    }
  }
  return specs;
}

/** Phrases with more gaps than this get only runs of adjacent words joined, not every mix… */
const MAX_GAPS_ALL_MIXES = 6;
/** …and with more than this only all words joined. */
const MAX_GAPS_RUNS = 12;

/** Bit masks of the gaps to join (bit k: the k-th joinable gap), the unjoined phrase excluded. */
function joinChoices(gaps: number): number[] {
  const out: number[] = [];
  if (gaps <= 0) return out;
  if (gaps <= MAX_GAPS_ALL_MIXES) {
    for (let mask = 1; mask < 1 << gaps; mask++) out.push(mask);
  } else if (gaps <= MAX_GAPS_RUNS) {
    for (let from = 0; from < gaps; from++) {
      for (let to = from; to < gaps; to++) out.push(((1 << (to + 1)) - 1) & ~((1 << from) - 1));
    }
  } else {
    out.push(-1); // every bit
  }
  return out;
}

/** Whether a word's last (or first) symbol is a letter rather than a digit. */
function endsInLetter(word: SymbolRun | undefined, last: boolean): boolean {
  const syms = word?.syms ?? [];
  const sym = last ? syms[syms.length - 1] : syms[0];
  return sym !== undefined && !isDigitSym(sym);
}

function splitWords(core: SymbolRun): SymbolRun[] {
  const words: SymbolRun[] = [{ syms: [], runs: [] }];
  core.syms.forEach((sym, i) => {
    if (sym === SYM_SPACE) words.push({ syms: [], runs: [] });
    else {
      const w = words[words.length - 1] as SymbolRun;
      w.syms.push(sym);
      w.runs.push(core.runs[i] ?? 1);
    }
  });
  return words.filter((w) => w.syms.length > 0);
}

/** The words with the gaps in `joins` (gap g: between word g and g + 1) closed; letters meeting there collapse like typed ones. */
function joinWords(words: readonly SymbolRun[], joins: ReadonlySet<number>, bounded: boolean): SymbolRun {
  const out: SymbolRun = bounded ? { syms: [SYM_SPACE], runs: [1] } : { syms: [], runs: [] };
  words.forEach((w, i) => {
    if (i > 0 && !joins.has(i - 1)) {
      out.syms.push(SYM_SPACE);
      out.runs.push(1);
    }
    w.syms.forEach((sym, j) => pushCollapsed(out, sym, w.runs[j] ?? 1));
  });
  if (bounded) {
    out.syms.push(SYM_SPACE);
    out.runs.push(1);
  }
  return out;
}

/** Phrases of several words are distinctive enough to match with doubled letters typed
 * single ("kil myself"); a single word must keep its doubles ("as" is not "ass"). */
export const LONG_PHRASE_LETTERS = 8;

function isLongPhrase(full: SymbolRun): boolean {
  const core = full.syms.slice(1, -1);
  return core.includes(SYM_SPACE) && core.filter((s) => s !== SYM_SPACE).length >= LONG_PHRASE_LETTERS;
}

/** "unblocked games" as a substring also matches "unblockedgames66". */
function withoutSpaces(run: SymbolRun): SymbolRun {
  const out: SymbolRun = { syms: [], runs: [] };
  run.syms.forEach((sym, i) => {
    if (sym !== SYM_SPACE) pushCollapsed(out, sym, run.runs[i] ?? 1);
  });
  return out;
}

function pushCollapsed(out: SymbolRun, sym: number, run: number): void {
  const last = out.syms.length - 1;
  if (last >= 0 && out.syms[last] === sym && isCollapsible(sym)) {
    out.runs[last] = Math.min(3, (out.runs[last] ?? 1) + run);
  } else {
    out.syms.push(sym);
    out.runs.push(run);
  }
}

// Input reads a `1` inside a word as its own symbol, since it may stand for i or l. A term's
// i and l therefore get `1` as an alternative spelling; "ll" can also be "l1" or "1l".
// Spellings are enumerated with a mixed-radix counter (no intermediate arrays: compile time
// matters with 50,000 terms); the rare duplicates are merged by compile().
function ambiguousSpellings(base: SymbolRun): SymbolRun[] {
  const radix: number[] = [];
  base.syms.forEach((sym, i) => {
    if (sym === SYM_I || sym === SYM_L) radix.push(base.runs[i] === 2 ? 4 : 2);
  });
  if (radix.length === 0) return [base];
  const total = radix.reduce((acc, r) => acc * r, 1);
  const choice = new Array<number>(radix.length).fill(0);
  const out: SymbolRun[] = [];
  if (total > MAX_AMBIG_VARIANTS) {
    out.push(spell(base, choice));
    return [...out, spell(base, choice.fill(1))];
  }
  for (let n = 0; n < total; n++) {
    out.push(spell(base, choice));
    for (let j = 0; j < radix.length; j++) {
      choice[j] = (choice[j] ?? 0) + 1;
      if ((choice[j] ?? 0) < (radix[j] ?? 1)) break;
      choice[j] = 0;
    }
  }
  return out;
}

/** One spelling: for the k-th i/l, choice 0 = as written, 1 = `1`, 2 = "l1", 3 = "1l". */
function spell(base: SymbolRun, choice: readonly number[]): SymbolRun {
  const v: SymbolRun = { syms: [], runs: [] };
  let k = 0;
  base.syms.forEach((sym, i) => {
    const run = base.runs[i] ?? 1;
    if (sym !== SYM_I && sym !== SYM_L) return pushCollapsed(v, sym, run);
    const c = choice[k++] ?? 0;
    if (c === 0) pushCollapsed(v, sym, run);
    else if (c === 1) pushCollapsed(v, SYM_AMBIG, run);
    else {
      pushCollapsed(v, c === 2 ? sym : SYM_AMBIG, 1);
      pushCollapsed(v, c === 2 ? SYM_AMBIG : sym, 1);
    }
  });
  return v;
}
