// scanText(): a whole window title, URL or text at once. It runs the very same line engine
// and detector as KeyStream, character by character, so both always agree.
import type { CompiledMatcher } from './compile.ts';
import { contextAround } from './context.ts';
import { Detector, type HitSink } from './detector.ts';
import { pushHits, type HitSource, type MatchHit } from './hits.ts';
import { LineEngine } from './line-engine.ts';
import { isLineBreak } from './normalise-rules.ts';
import { visitPercentDecoded } from './url-decode.ts';

class TextScanner implements HitSink {
  private readonly matcher: CompiledMatcher;
  private readonly engine: LineEngine;
  private readonly detector: Detector;
  private text = '';
  private source: HitSource = 'title';
  private out: MatchHit[] = [];

  constructor(matcher: CompiledMatcher) {
    this.matcher = matcher;
    this.detector = new Detector(matcher.automaton, this);
    this.engine = new LineEngine(matcher.table, this.detector);
  }

  hit(pattern: number, start: number, end: number): void {
    pushHits(this.matcher, pattern, start, end, this.source, contextAround(this.text, start, end), this.out);
  }

  scan(text: string, source: HitSource): MatchHit[] {
    this.text = text;
    this.source = source;
    this.out = [];
    this.detector.reset();
    this.engine.startLine(0);
    const visit = (cp: number, start: number, end: number): void => {
      if (isLineBreak(cp)) {
        this.endLine(start);
        this.engine.startLine(end);
      } else {
        this.engine.feed(cp, start, end);
      }
    };
    if (source === 'typed') {
      for (let i = 0; i < text.length;) {
        const cp = text.codePointAt(i) ?? 0;
        const len = cp > 0xffff ? 2 : 1;
        visit(cp, i, i + len);
        i += len;
      }
    } else {
      // URLs and titles (which often show the address) are percent-decoded first; `+` is
      // a space only in URLs, where forms encode spaces that way.
      visitPercentDecoded(text, source === 'url', visit);
    }
    this.endLine(text.length);
    const out = this.out;
    this.out = [];
    this.text = '';
    return out;
  }

  private endLine(pos: number): void {
    this.engine.endLine(pos);
    this.detector.flushHeld();
    this.detector.reset();
  }
}

const scanners = new WeakMap<CompiledMatcher, TextScanner>();

/**
 * All hits in `text`, in the order they complete. Line breaks and tabs end a line as
 * Enter and Tab do when typing. For 'title' and 'url' the text is percent-decoded first;
 * offsets always refer to the original `text`.
 */
export function scanText(matcher: CompiledMatcher, text: string, source: HitSource): MatchHit[] {
  let scanner = scanners.get(matcher);
  if (scanner === undefined) {
    scanner = new TextScanner(matcher);
    scanners.set(matcher, scanner);
  }
  return scanner.scan(text, source);
}
