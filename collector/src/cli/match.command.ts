// `vigil match --wordlists <folder-or-.tsv>`: runs JSON lines from stdin through the
// matcher and writes one JSON line of hits per input line. This is the contract the
// independent evaluation corpus uses; keep its output exactly as documented in HELP.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { KeyStream, compareHits, compile, scanText, type CompiledMatcher, type MatchHit } from '@vigil/shared/matcher';
import { formatWordlistError, loadWordlists } from '../wordlists/wordlist-files.ts';

const HELP = `usage: vigil match --wordlists <folder-or-.tsv-file>

Reads JSON lines {"id": "...", "text": "...", "source": "typed" | "title" | "url"} on stdin
and writes, for each input line in order, one JSON line on stdout:
  {"id": "...", "hits": [{"term", "category", "severity", "start", "end"}, ...]}
Hits are sorted by start, end, category, term. Blank lines are skipped. A line that is
not valid JSON or lacks a field gets {"id": <id or null>, "error": "..."} and processing
continues.

source "typed": the text is fed key by key; U+0008 is Backspace, "\\n" and "\\r" are
  Enter and "\\t" is Tab (each ends the line); the line is ended after the last key, so
  word hits at the very end are reported. start/end are UTF-16 offsets (end exclusive) in
  the visible text, i.e. the text after applying the backspaces. A hit completed before
  its text was deleted again is still reported (the pupil typed it); its offsets are
  those of the visible text at the moment it completed.
source "title" / "url": the whole text is scanned; %XX escapes are decoded (and "+" is a
  space in URLs). start/end are UTF-16 offsets in the input text as given.

--wordlists takes a folder (every .tsv in it; categories.tsv defines the categories,
allow.tsv the allow-list) or a single .tsv file (header term<TAB>category<TAB>severity<TAB>match;
it may mix categories and needs no categories.tsv; category "allow" marks allow-list rows).
An invalid word list is reported on stderr with file and line; exit code 2.`;

const inputSchema = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
  source: z.enum(['typed', 'title', 'url']),
});

type OutHit = Pick<MatchHit, 'term' | 'category' | 'severity' | 'start' | 'end'>;

export async function run(args: string[]): Promise<number> {
  let wordlists: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { wordlists: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      console.log(HELP);
      return 0;
    }
    wordlists = values.wordlists;
  } catch (err) {
    console.error(`vigil match: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (wordlists === undefined || wordlists === '') {
    console.error(`vigil match: --wordlists is required\n\n${HELP}`);
    return 2;
  }
  const loaded = await loadWordlists(wordlists);
  if (!loaded.ok) {
    for (const e of loaded.errors) console.error(`vigil match: ${formatWordlistError(e)}`);
    return 2;
  }
  const matcher = compile(loaded.value);
  const keys = new KeyStream(matcher);
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let closed = false;
  process.stdout.on('error', () => {
    closed = true; // reader went away (EPIPE): stop quietly
    input.close();
  });
  for await (const line of input) {
    if (line.trim() === '') continue;
    if (closed) break;
    if (!process.stdout.write(`${JSON.stringify(matchLine(matcher, keys, line))}\n`)) {
      await once(process.stdout, 'drain');
    }
  }
  return 0;
}

function matchLine(matcher: CompiledMatcher, keys: KeyStream, line: string): object {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { id: null, error: 'invalid JSON' };
  }
  const parsed = inputSchema.safeParse(json);
  if (!parsed.success) {
    const raw = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
    const id = typeof raw === 'string' || typeof raw === 'number' ? raw : null;
    const error = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
    return { id, error };
  }
  const { id, text, source } = parsed.data;
  const hits = source === 'typed' ? typeKeys(keys, text) : scanText(matcher, text, source);
  return { id, hits: uniqueSorted(hits) };
}

function typeKeys(keys: KeyStream, text: string): MatchHit[] {
  keys.restart();
  const hits: MatchHit[] = [];
  for (const ch of text) {
    const found = keys.push(ch === '\b' ? 'Backspace' : ch);
    if (found.length > 0) hits.push(...found);
  }
  hits.push(...keys.endLine());
  return hits;
}

function uniqueSorted(hits: MatchHit[]): OutHit[] {
  const out: OutHit[] = [];
  const seen = new Set<string>();
  for (const h of [...hits].sort(compareHits)) {
    const key = `${h.start}:${h.end}:${h.category}:${h.term}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ term: h.term, category: h.category, severity: h.severity, start: h.start, end: h.end });
  }
  return out;
}
