import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, matchesTitlePattern, compileTitlePatterns, policySchema, TITLE_PATTERN_FLAGS } from './policy.schema.ts';
import { TITLE_PATTERN_INPUT_MAX, titlePatternHazard } from './title-pattern-safety.ts';

// The classifier only: how long accepted patterns take on 10,000-character adversarial
// titles is measured in bench/src/title-patterns.bench.ts, never timed here.

const compiles = (source: string) => {
  try {
    new RegExp(source, TITLE_PATTERN_FLAGS);
    return true;
  } catch {
    return false;
  }
};

describe('titlePatternHazard', () => {
  it.each([
    ...defaultPolicy.signInTitlePatterns,
    'sso',
    'log ?in',
    'single sign-on',
    '^unlock\\b',
    'password for \\w+',
    '(sign|log) ?in',
    '(?:ab|cd)*x',
    '[a-z]{2,5}@school',
    'sign.*in',
    'a{3}(bc){2}',
    '\\bPIN\\b',
    'Microsoft account - (sign[ -]in|verify)',
    '(?=.*login)portal',
    '\\s{0,5}sign\\s*in',
    '([\\d]|x)+y',
    '([a-c]|[x-z])+!',
  ])('accepts %s', (pattern) => {
    expect(titlePatternHazard(pattern)).toBeUndefined();
  });

  it.each([
    ['(a+)+$', /exponential time: nested quantifier at 4/],
    ['(a|a)*$', /exponential time: repeated alternatives that can match the same text at 5/],
    ['(.*a){12}', /exponential time: nested quantifier at 5/],
    ['(\\w+\\s?)+$', /exponential time: nested quantifier at 8/],
    ['(a*)*', /nested quantifier/],
    ['(a?){20}a{20}', /nested quantifier/],
    ['(x+x+)+y', /nested quantifier/],
    ['(ab|a)+c', /repeated alternatives/],
    ['(\\d|\\w)+z', /repeated alternatives/],
    ['([\\D]|a)+', /repeated alternatives/],
    ['([a-m]|[k-z])+!', /repeated alternatives/],
    ['(a|)*b', /can match empty text/],
    ['(?:)+x', /can match empty text/],
    ['(\\b)+', /can match empty text/],
    ['.*a.*b', /polynomial time: too many variable-length parts at 4/],
    ['a*a*a*a*b', /polynomial time/],
    ['.{0,100}.{0,100}.{0,100}x', /polynomial time/],
    ['(a)\\1', /backreference at 3/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['(?<=sign)in', /lookbehind at 0/],
    ['(?<!x)in', /lookbehind/],
  ])('refuses %s', (pattern, reason) => {
    expect(compiles(pattern)).toBe(true);
    expect(titlePatternHazard(pattern)).toMatch(reason);
  });

  // Patterns from a small grammar of the constructs the classifier reasons about.
  const atom = fc.constantFrom('a', 'b', '\\w', '\\d', '\\s', '.', '[ab]', '[^x]', 'sign', '-');
  const quant = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}');
  const piece: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
    piece: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(atom, quant).map(([a, q]) => a + q),
      fc
        .tuple(fc.array(tie('piece'), { minLength: 1, maxLength: 3 }), fc.array(tie('piece'), { maxLength: 2 }), quant)
        .map(([left, right, q]) => `(${left.join('')}${right.length > 0 ? `|${right.join('')}` : ''})${q}`),
    ),
  })).piece;
  const pattern = fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(''));

  it('never throws on a pattern that compiles, and answers the same twice', () => {
    fc.assert(
      fc.property(pattern, (source) => {
        fc.pre(compiles(source));
        expect(titlePatternHazard(source)).toBe(titlePatternHazard(source));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every repeated group that holds a variable-length part (star height 2)', () => {
    const variable = fc.tuple(atom, fc.constantFrom('*', '+', '?', '{1,3}', '{2,}')).map(([a, q]) => a + q);
    const outer = fc.constantFrom('*', '+', '{2}', '{2,5}', '{3,}');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('x', 'y', 'z'), maxLength: 3 }),
        variable,
        fc.string({ unit: fc.constantFrom('q', 'r'), maxLength: 3 }),
        outer,
        (pre, inner, post, q) => {
          expect(titlePatternHazard(`(${pre}${inner}${post})${q}`)).toMatch(/exponential time: nested quantifier/);
        },
      ),
    );
  });

  it('never throws on arbitrary text that compiles as a regular expression', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab()[]{}|*+?.^$\\-,:=!<>kd1w0s'.split('')), maxLength: 30 }), (source) => {
        fc.pre(compiles(source));
        const hazard = titlePatternHazard(source);
        expect(hazard === undefined || typeof hazard === 'string').toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the policy schema', () => {
  it('names the field and the reason when a pattern is unsafe', () => {
    const result = policySchema.safeParse({ ...defaultPolicy, signInTitlePatterns: ['sign ?in', '(a+)+$'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['signInTitlePatterns', 1], message: 'pattern may take exponential time: nested quantifier at 4' }),
    ]);
  });

  it('tests only the first TITLE_PATTERN_INPUT_MAX characters of a title', () => {
    const patterns = compileTitlePatterns(['sign in']);
    expect(matchesTitlePattern(patterns, `${'x'.repeat(TITLE_PATTERN_INPUT_MAX - 7)}sign in`)).toBe(true);
    expect(matchesTitlePattern(patterns, `${'x'.repeat(TITLE_PATTERN_INPUT_MAX)}sign in`)).toBe(false);
  });
});
