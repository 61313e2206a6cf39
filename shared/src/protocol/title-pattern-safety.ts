// Sign-in title patterns are regular expressions an admin types once and every agent
// then runs on every window title, with a backtracking engine: `(a+)+$` or `(.*a){12}`
// would hang them. This is a conservative classifier, not a proof: it parses the pattern
// (JavaScript syntax, non-unicode, as compileTitlePatterns compiles it) and refuses what
// can backtrack badly, naming the reason and the position:
//
// - backreferences and lookbehind (not needed for titles; beyond a simple analysis);
// - star height > 1: a repeated part (max > 1) that itself holds a variable-length part;
// - a repeated part that can match empty text, or whose alternatives can start alike;
// - too much freedom in one sequence: the product of every variable part's range (an
//   unbounded one counting as the title length) over the budget, which stops
//   `.*a.*b` (cubic) while `sign[ -]?in` or one `.*` stay fine.
//
// Titles are tested at most TITLE_PATTERN_INPUT_MAX characters long, so what passes costs
// at most quadratic time in a bounded length.

/** How much of a window title the sign-in patterns are tested against. */
export const TITLE_PATTERN_INPUT_MAX = 1024;
/** Ambiguity budget per pattern: about this many tries per start position at most. */
const BUDGET = 10_000;

type CharSet = ReadonlySet<string> | 'any';
type Node =
  | { readonly kind: 'char'; readonly set: CharSet }
  | { readonly kind: 'assert' }
  | { readonly kind: 'group'; readonly alts: Node[][]; readonly lookahead: boolean }
  | { readonly kind: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly at: number };

class Unsafe extends Error {}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const digits = new Set(range(48, 57));
const word = new Set([...range(97, 122), ...digits, '_']);
const space = new Set([
  ' ',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u00a0',
  '\u1680',
  ...range(0x2000, 0x200a),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
]);
const classEscapes: Readonly<Record<string, CharSet>> = { d: digits, w: word, s: space, D: 'any', W: 'any', S: 'any' };

/** Patterns are compiled with the `i` flag: sets compare in lower case. */
const one = (char: string): CharSet => new Set([char.toLowerCase()]);

class Parser {
  readonly src: string;
  #i = 0;
  constructor(src: string) {
    this.src = src;
  }

  parse(): Node[][] {
    const alts = this.#alternatives();
    if (this.#i < this.src.length) throw new Unsafe(`unexpected ")" at ${this.#i}`);
    return alts;
  }

  #alternatives(): Node[][] {
    const alts: Node[][] = [[]];
    while (this.#i < this.src.length && this.src[this.#i] !== ')') {
      if (this.src[this.#i] === '|') {
        this.#i++;
        alts.push([]);
        continue;
      }
      const atom = this.#atom();
      alts[alts.length - 1]?.push(this.#quantified(atom));
    }
    return alts;
  }

  #quantified(atom: Node): Node {
    const at = this.#i;
    const char = this.src[at];
    let bounds: [number, number] | undefined;
    if (char === '*') bounds = [0, Infinity];
    else if (char === '+') bounds = [1, Infinity];
    else if (char === '?') bounds = [0, 1];
    else if (char === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(at));
      if (match !== null) {
        const min = Number(match[1]);
        bounds = [min, match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3])];
        this.#i += match[0].length - 1;
      }
    }
    if (bounds === undefined) return atom;
    this.#i++;
    if (this.src[this.#i] === '?') this.#i++; // lazy: same search space
    return this.#quantified({ kind: 'repeat', body: atom, min: bounds[0], max: bounds[1], at });
  }

  #atom(): Node {
    const at = this.#i;
    const char = this.src[this.#i++] ?? '';
    if (char === '^' || char === '$') return { kind: 'assert' };
    if (char === '.') return { kind: 'char', set: 'any' };
    if (char === '[') return { kind: 'char', set: this.#class() };
    if (char === '\\') return this.#escape(at);
    if (char !== '(') return { kind: 'char', set: one(char) };
    let lookahead = false;
    if (this.src[this.#i] === '?') {
      const head = this.src.slice(this.#i, this.#i + 3);
      if (head.startsWith('?<=') || head.startsWith('?<!')) throw new Unsafe(`lookbehind at ${at}`);
      if (head.startsWith('?=') || head.startsWith('?!')) lookahead = true;
      // (?:…), (?=…), (?!…), (?<name>…), (?i:…): skip to the group's body.
      const end = /^\?(<[^>]*>|[=!:]|[a-z-]*:)/.exec(this.src.slice(this.#i));
      this.#i += end?.[0].length ?? 1;
    }
    const alts = this.#alternatives();
    this.#i++; // ')'
    return { kind: 'group', alts, lookahead };
  }

  #escape(at: number): Node {
    const char = this.src[this.#i++] ?? '';
    if (/[1-9]/.test(char) || (char === 'k' && this.src[this.#i] === '<')) throw new Unsafe(`backreference at ${at}`);
    if (char === 'b' || char === 'B') return { kind: 'assert' };
    return { kind: 'char', set: classEscapes[char] ?? one(this.#escapedChar(char)) };
  }

  /** The character an escape stands for (\x41, \u0041, \cJ, \n …); unknown ones stand for themselves. */
  #escapedChar(char: string): string {
    const hex = (length: number) => {
      const text = this.src.slice(this.#i, this.#i + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(text)) return char;
      this.#i += length;
      return String.fromCharCode(parseInt(text, 16));
    };
    if (char === 'x') return hex(2);
    if (char === 'u') return hex(4);
    if (char === 'c' && /[a-z]/i.test(this.src[this.#i] ?? '')) return String.fromCharCode(this.src.charCodeAt(this.#i++) % 32);
    const controls: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', v: '\v', f: '\f', '0': '\0' };
    return controls[char] ?? char;
  }

  #class(): CharSet {
    const negated = this.src[this.#i] === '^';
    if (negated) this.#i++;
    const members = new Set<string>();
    let any = negated;
    // In JavaScript a `]` right after `[` closes the class (`[]` matches nothing).
    while (this.#i < this.src.length && this.src[this.#i] !== ']') {
      const from = this.#classChar();
      if (typeof from !== 'string') {
        if (from.set === 'any') any = true;
        else for (const member of from.set) members.add(member);
        continue;
      }
      if (this.src[this.#i] === '-' && this.src[this.#i + 1] !== ']' && this.#i + 1 < this.src.length) {
        this.#i++;
        const to = this.#classChar();
        if (typeof to !== 'string') {
          any = true; // [a-\d]: legacy syntax, rare; give up on precision
          continue;
        }
        const [low, high] = [from.charCodeAt(0), to.charCodeAt(0)];
        if (high - low > 256) any = true;
        else for (const member of range(low, high)) members.add(member.toLowerCase());
        continue;
      }
      members.add(from.toLowerCase());
    }
    this.#i++; // ']'
    return any ? 'any' : members;
  }

  /** One member of a class: a character, or a set for \d \w \s (\D \W \S: any). */
  #classChar(): string | { readonly set: CharSet } {
    const char = this.src[this.#i++] ?? '';
    if (char !== '\\') return char;
    const escaped = this.src[this.#i++] ?? '';
    if (escaped === 'b') return '\b';
    const set = classEscapes[escaped];
    return set === undefined ? this.#escapedChar(escaped) : { set };
  }
}

function nullable(node: Node): boolean {
  if (node.kind === 'char') return false;
  if (node.kind === 'assert') return true;
  if (node.kind === 'repeat') return node.min === 0 || nullable(node.body);
  return node.lookahead || node.alts.some((seq) => seq.every(nullable));
}

function firstSet(node: Node): CharSet {
  if (node.kind === 'char') return node.set;
  if (node.kind === 'assert') return new Set();
  if (node.kind === 'repeat') return firstSet(node.body);
  if (node.lookahead) return 'any';
  return union(node.alts.map(seqFirstSet));
}

function seqFirstSet(seq: readonly Node[]): CharSet {
  const sets: CharSet[] = [];
  for (const node of seq) {
    sets.push(firstSet(node));
    if (!nullable(node)) break;
  }
  return union(sets);
}

function union(sets: readonly CharSet[]): CharSet {
  if (sets.includes('any')) return 'any';
  return new Set(sets.flatMap((set) => [...(set as ReadonlySet<string>)]));
}

function overlaps(a: CharSet, b: CharSet): boolean {
  if (a === 'any') return b === 'any' || b.size > 0;
  if (b === 'any') return a.size > 0;
  for (const char of a) if (b.has(char)) return true;
  return false;
}

/** Alternatives a backtracking engine may both try at one position. */
function ambiguous(alts: readonly Node[][]): boolean {
  if (alts.length < 2) return false;
  if (alts.some((seq) => seq.every(nullable))) return true;
  const firsts = alts.map(seqFirstSet);
  return firsts.some((a, i) => firsts.some((b, j) => j > i && overlaps(a, b)));
}

const hasVariablePart = (node: Node): boolean =>
  node.kind === 'repeat' ? node.min !== node.max || hasVariablePart(node.body) : node.kind === 'group' && node.alts.some((seq) => seq.some(hasVariablePart));
const hasAmbiguousChoice = (node: Node): boolean =>
  node.kind === 'repeat'
    ? hasAmbiguousChoice(node.body)
    : node.kind === 'group' && (ambiguous(node.alts) || node.alts.some((seq) => seq.some(hasAmbiguousChoice)));

/** About how many ways a node can match at one position (1: deterministic); throws Unsafe. */
function ways(node: Node): number {
  if (node.kind === 'char' || node.kind === 'assert') return 1;
  if (node.kind === 'group') {
    const counts = node.alts.map(seqWays);
    return ambiguous(node.alts) ? counts.reduce((a, b) => a + b, 0) : Math.max(...counts);
  }
  if (node.max > 1) {
    const exponential = 'pattern may take exponential time:';
    if (hasVariablePart(node.body)) throw new Unsafe(`${exponential} nested quantifier at ${node.at}`);
    if (nullable(node.body)) throw new Unsafe(`${exponential} a repeated part that can match empty text at ${node.at}`);
    if (hasAmbiguousChoice(node.body)) throw new Unsafe(`${exponential} repeated alternatives that can match the same text at ${node.at}`);
  }
  const span = node.max === Infinity ? TITLE_PATTERN_INPUT_MAX : node.max - node.min + 1;
  return span * ways(node.body);
}

function seqWays(seq: readonly Node[]): number {
  let product = 1;
  for (const node of seq) {
    product *= ways(node);
    if (product > BUDGET) {
      const at = node.kind === 'repeat' ? ` at ${node.at}` : '';
      throw new Unsafe(`pattern may take polynomial time: too many variable-length parts${at}; make all but one bounded, like {0,20}`);
    }
  }
  return product;
}

/**
 * Why a sign-in title pattern is unsafe to run on every title, or undefined when it is
 * safe. Call only on a source that compiles (`new RegExp(source, 'i')`).
 */
export function titlePatternHazard(source: string): string | undefined {
  try {
    const alts = new Parser(source).parse();
    const total = alts.map(seqWays).reduce((a, b) => a + b, 0);
    if (total > BUDGET) return 'pattern may take polynomial time: too many alternatives with variable-length parts';
    return undefined;
  } catch (error) {
    if (error instanceof Unsafe) return error.message;
    throw error;
  }
}
