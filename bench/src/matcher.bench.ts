// Matcher cost at 500, 5,000 and 50,000 terms (Vigil's own lists plus invented words):
// compile time, memory, ns per keystroke through KeyStream, ns per window-title scan; and
// the same input through a naive RegExp alternation and the `obscenity` package.
// Budget (DESIGN.md): ≤ 1 µs per keystroke and ≤ 200 ms compile at 5,000 terms.
// Run alone: node bench/src/matcher.bench.ts   (VIGIL_BENCH_SIZES=500,5000 to choose sizes,
// VIGIL_BENCH_WORDLISTS=<folder> for another list folder than wordlists/)
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RegExpMatcher, englishRecommendedTransformers, parseRawPattern } from 'obscenity';
import { KeyStream, compile, scanText } from '@vigil/shared/matcher';
import type { TermEntry } from '@vigil/shared/protocol';
import { parseWordlistFiles } from '@vigil/shared/wordlist';
import { syntheticTerms, titles, typedKeys } from './bench-data.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const KEYS = 200_000;
const TITLES = 2_000;
const MAX_MS = 1_500; // per measured loop for the slow comparisons

function memory(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Mean ns per call of `fn(i)` over `n` items, repeated until at least minMs has passed. */
function nsPer(n: number, fn: (i: number) => void, minMs = 300): number {
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < n; i++) fn(i);
    calls += n;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (elapsed * 1e6) / calls;
}

/** As nsPer, but stops early (on a whole item) once maxMs has passed: for slow matchers. */
function nsPerCapped(n: number, fn: (i: number) => void): number {
  const t0 = performance.now();
  let i = 0;
  while (i < n && performance.now() - t0 < MAX_MS) fn(i++);
  return ((performance.now() - t0) * 1e6) / Math.max(1, i);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const ROUNDS = 5;

/** `measure` repeated ROUNDS times: its min and median (one pass is at the mercy of whatever else runs). */
function rounds(measure: () => number): { min: number; median: number } {
  const xs = Array.from({ length: ROUNDS }, measure);
  return { min: Math.min(...xs), median: median(xs) };
}

/** Bytes held in the matcher's typed arrays (plus the 640 KB per-matcher character cache). */
function tableBytes(m: ReturnType<typeof compile>): number {
  let bytes = 0x20000 * 5 + m.entryStart.byteLength + m.entryList.byteLength;
  for (const v of Object.values(m.automaton)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}

const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

/** Each key's line as it stands after the key: what a non-streaming matcher must re-scan. */
function linePrefixes(keys: readonly string[], limit: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const k of keys) {
    if (out.length >= limit) break;
    if (k === 'Enter') line = '';
    else if (k === 'Backspace') line = line.slice(0, -1);
    else line += k;
    out.push(line);
  }
  return out;
}

async function realTerms(): Promise<TermEntry[]> {
  const folder = process.env.VIGIL_BENCH_WORDLISTS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../wordlists');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.tsv'));
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(folder, name))) })));
  const loaded = parseWordlistFiles(files);
  if (!loaded.ok) {
    console.log(`  (wordlists/ not loaded: ${loaded.errors[0]?.message ?? '?'}; synthetic terms only)`);
    return [];
  }
  return loaded.value.terms;
}

function benchSize(size: number, real: readonly TermEntry[]): void {
  const terms = [...real.slice(0, size), ...syntheticTerms(Math.max(0, size - real.length))];
  const source = { categories: [], terms, allow: ['scunthorpe', 'assassin', 'therapist', 'skill'] };
  const keys = typedKeys(terms, KEYS);
  const heads = titles(terms, TITLES);
  const chars = keys.filter((k) => k.length === 1).join('');

  const before = memory();
  const compiled = rounds(() => {
    const t0 = performance.now();
    compile(source);
    return performance.now() - t0;
  });
  const compileMs = compiled.median;
  const m = compile(source);
  const heap = memory() - before;

  const ks = new KeyStream(m);
  let hits = 0;
  for (const k of keys) hits += ks.push(k).length; // warm-up and hit count
  const perKeyRounds = rounds(() => nsPer(keys.length, (i) => ks.push(keys[i] ?? ' ')));
  const perTitleRounds = rounds(() => nsPer(heads.length, (i) => scanText(m, heads[i] ?? '', 'title')));
  const wholeRounds = rounds(() => nsPer(1, () => scanText(m, chars, 'typed'), 200) / chars.length);
  const perKey = perKeyRounds.median;
  const both = (r: { min: number; median: number }) => `${fmt(r.min)} / ${fmt(r.median)}`;

  // Naive alternation: one RegExp, whole words, case-insensitive; no normalisation at all.
  const escaped = terms.map((t) => t.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let t0 = performance.now();
  const re = new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'gi');
  re.test('warm up the regexp');
  const reCompileMs = performance.now() - t0;
  const reWholeText = nsPer(1, () => chars.match(re), 200) / chars.length;
  const rePerTitle = nsPerCapped(heads.length, (i) => (heads[i] ?? '').match(re));
  const prefixes = linePrefixes(keys, 20_000);
  const rePerKey = nsPerCapped(prefixes.length, (i) => (prefixes[i] ?? '').match(re));

  // obscenity: its recommended English transformers (leet, confusables, duplicates) over our terms.
  t0 = performance.now();
  const obs = new RegExpMatcher({
    blacklistedTerms: terms.map((t, id) => ({ id, pattern: parseRawPattern(t.term.replace(/[[\]?|\\]/g, '\\$&')) })),
    ...englishRecommendedTransformers,
  });
  const obsCompileMs = performance.now() - t0;
  const obsPerTitle = nsPerCapped(heads.length, (i) => obs.getAllMatches(heads[i] ?? ''));
  const obsPerKey = nsPerCapped(prefixes.length, (i) => obs.getAllMatches(prefixes[i] ?? ''));
  const obsWhole = nsPerCapped(1, () => obs.getAllMatches(chars.slice(0, 20_000))) / 20_000;

  console.log(
    `\n  ${size.toLocaleString('en-GB')} terms (${Math.min(size, real.length)} from wordlists/), ${m.stats.patterns.toLocaleString('en-GB')} patterns, ${m.stats.states.toLocaleString('en-GB')} states, ${hits} hits in ${keys.length.toLocaleString('en-GB')} keys`,
  );
  console.log('  | matcher | compile | memory (typed arrays / heap growth) | per keystroke | per title scan | per char, whole text |');
  console.log('  | --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `  | vigil (KeyStream / scanText), min / median of ${ROUNDS} rounds | ${compiled.min.toFixed(1)} / ${compileMs.toFixed(1)} ms | ${mb(tableBytes(m))} / ${mb(heap)} | ${both(perKeyRounds)} | ${both(perTitleRounds)} | ${both(wholeRounds)} |`,
  );
  console.log(`  | naive RegExp alternation | ${reCompileMs.toFixed(1)} ms | – | ${fmt(rePerKey)} (re-scan line) | ${fmt(rePerTitle)} | ${fmt(reWholeText)} |`);
  console.log(`  | obscenity ${'0.4.6'} | ${obsCompileMs.toFixed(1)} ms | – | ${fmt(obsPerKey)} (re-scan line) | ${fmt(obsPerTitle)} | ${fmt(obsWhole)} |`);
  if (size === 5_000) {
    const ok = perKey <= 1_000 && compileMs <= 200;
    console.log(`  budget at 5,000 terms (≤ 1 µs/key, ≤ 200 ms compile; medians ${fmt(perKey)}, ${compileMs.toFixed(1)} ms): ${ok ? 'met' : 'NOT MET'}`);
  }
}

export default async function run(): Promise<void> {
  console.log('matcher: compile, memory, ns per keystroke and per title scan');
  console.log('  (regex and obscenity cannot stream: "per keystroke" re-scans the current line after each key)');
  const sizes = (process.env.VIGIL_BENCH_SIZES ?? '500,5000,50000').split(',').map(Number);
  const real = await realTerms();
  for (const size of sizes) benchSize(size, real);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
