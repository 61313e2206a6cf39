// Sign-in title patterns the policy schema accepts (shared/src/protocol/title-pattern-safety.ts),
// run on adversarial titles: the worst time of any accepted pattern on 10,000 characters
// (the raw length) and on the 1,024 the agents really test (matchesTitlePattern clips),
// next to refused patterns on a few dozen characters for scale.
// Run alone: node bench/src/title-patterns.bench.ts   (VIGIL_BENCH_PATTERNS=2000 for more)
import fc from 'fast-check';
import { compileTitlePatterns, defaultPolicy, TITLE_PATTERN_FLAGS, TITLE_PATTERN_INPUT_MAX, titlePatternHazard } from '@vigil/shared/protocol';

const RANDOM = Number(process.env.VIGIL_BENCH_PATTERNS ?? 600);

const atom = fc.constantFrom('a', 'b', 'sign', 'in', '\\w', '\\d', '\\s', '.', '[ab]', '[^x]', '-', ' ');
const quant = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '{0,20}');
const piece: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
  piece: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(atom, quant).map(([a, q]) => a + q),
    fc
      .tuple(fc.array(tie('piece'), { minLength: 1, maxLength: 3 }), fc.array(tie('piece'), { maxLength: 2 }), quant)
      .map(([left, right, q]) => `(${left.join('')}${right.length > 0 ? `|${right.join('')}` : ''})${q}`),
  ),
})).piece;
const patternArb = fc
  .tuple(fc.constantFrom('', '^'), fc.array(piece, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '$'))
  .map(([a, p, z]) => a + p.join('') + z);

function compiles(source: string): boolean {
  try {
    new RegExp(source, TITLE_PATTERN_FLAGS);
    return true;
  } catch {
    return false;
  }
}

/** Titles that make backtracking engines work: long runs of what the patterns match, then a character that fails. */
function adversarial(length: number): string[] {
  const fill = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length - 1) + '!';
  return [fill('a'), fill(' '), fill('1'), fill('ab'), fill('sign in '), fill('a-'), fill('x')];
}

/** Worst single `test` in ms over the inputs, each pattern compiled fresh (no warmed-up code). */
function worstMs(source: string, inputs: readonly string[]): number {
  let worst = 0;
  for (const input of inputs) {
    const [pattern] = compileTitlePatterns([source]);
    const t0 = performance.now();
    pattern?.test(input);
    worst = Math.max(worst, performance.now() - t0);
  }
  return worst;
}

export default async function run(): Promise<void> {
  const generated = fc.sample(patternArb, { numRuns: RANDOM, seed: 17 }).filter(compiles);
  const candidates = [...defaultPolicy.signInTitlePatterns, ...generated];
  const accepted = candidates.filter((source) => titlePatternHazard(source) === undefined);
  console.log(
    `patterns: ${candidates.length} (${defaultPolicy.signInTitlePatterns.length} default + ${generated.length} generated), accepted ${accepted.length}`,
  );

  for (const length of [10_000, TITLE_PATTERN_INPUT_MAX]) {
    const inputs = adversarial(length);
    const times = accepted.map((source) => ({ source, ms: worstMs(source, inputs) })).sort((a, b) => b.ms - a.ms);
    const p50 = times[Math.floor(times.length / 2)]?.ms ?? 0;
    console.log(`accepted on ${length} chars: worst ${times[0]?.ms.toFixed(1)} ms (${times[0]?.source}), median ${p50.toFixed(3)} ms`);
    console.log(
      `  slowest five: ${times
        .slice(0, 5)
        .map((t) => `${t.source} ${t.ms.toFixed(1)} ms`)
        .join(' | ')}`,
    );
  }

  // For scale: what the schema refuses, on inputs hundreds of times shorter.
  for (const [source, length] of [
    ['(a+)+$', 22],
    ['(a|a)*$', 22],
    ['(\\w+\\s?)+$', 22],
    ['.*a.*b', 1_000],
  ] as const) {
    console.log(`refused ${source} (${titlePatternHazard(source)}) on ${length} chars: ${worstMs(source, [`${'a'.repeat(length - 1)}!`]).toFixed(1)} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
