// Turns a list term into automaton patterns: the term is normalised by the same line
// engine as input, then expanded into the few spellings the input side cannot fold
// deterministically (a `1` typed for i or l; a substring term written with spaces).
import { SYM_AMBIG, SYM_I, SYM_L, SYM_SPACE, isCollapsible, symbolChar } from './alphabet.ts';
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
  const bases: SymbolRun[] = bounded
    ? [full]
    : [{ syms: full.syms.slice(1, n - 1), runs: full.runs.slice(1, n - 1) }];
  const firstBase = bases[0];
  if (!bounded && firstBase !== undefined && firstBase.syms.includes(SYM_SPACE)) bases.push(withoutSpaces(firstBase));
  const lead = bounded ? 1 : 0;
  const specs: PatternSpec[] = [];
  for (const base of bases) {
    for (const v of ambiguousSpellings(base)) {
      if (v.syms.length > MAX_PATTERN_SYMBOLS) continue;
      specs.push({ syms: v.syms, runs: v.runs, lead, trail: lead, allow });
    }
  }
  return specs;
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
