import { join } from 'node:path';
import type { Logger } from 'pino';
import { compile, type CompiledMatcher } from '@vigil/shared/matcher';
import { wordlistPayloadSchema, type WordlistPayload } from '@vigil/shared/protocol';
import { readJsonFile, writeFileAtomic } from './state-dir.ts';

export interface CompiledWordlist {
  readonly version: string;
  readonly matcher: CompiledMatcher;
  /** How many terms it holds. */
  readonly terms: number;
}

/**
 * The word list in force, compiled. Until the collector sends one, the cached copy of the
 * last list is used, so a PC that restarts while the collector is down still detects.
 * With no list at all there is nothing to match and typed text is simply not examined.
 */
export class WordlistState {
  #compiled: CompiledWordlist | undefined;
  readonly #listeners = new Set<(compiled: CompiledWordlist) => void>();
  readonly #cachePath: string | undefined;
  readonly #log: Logger | undefined;

  constructor(opts: { cacheDir?: string; log?: Logger } = {}) {
    this.#cachePath = opts.cacheDir === undefined ? undefined : join(opts.cacheDir, 'wordlist.json');
    this.#log = opts.log;
  }

  get current(): CompiledWordlist | undefined {
    return this.#compiled;
  }

  get version(): string | undefined {
    return this.#compiled?.version;
  }

  async load(): Promise<void> {
    if (this.#cachePath === undefined) return;
    const cached = await readJsonFile(this.#cachePath, wordlistPayloadSchema);
    if (cached.ok) this.#set(cached.value);
    else if (cached.code !== 'missing') this.#log?.warn({ code: cached.code, detail: cached.detail }, 'cached word list ignored');
  }

  /** Compiles and applies a word list from the collector; the same version again is a no-op. */
  async apply(wordlist: WordlistPayload): Promise<void> {
    if (wordlist.version === this.version) return;
    this.#set(wordlist);
    if (this.#cachePath === undefined) return;
    try {
      await writeFileAtomic(this.#cachePath, JSON.stringify(wordlist));
    } catch (err) {
      this.#log?.warn({ err }, 'could not cache the word list');
    }
  }

  onChange(listener: (compiled: CompiledWordlist) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(wordlist: WordlistPayload): void {
    const t0 = performance.now();
    const compiled: CompiledWordlist = Object.freeze({ version: wordlist.version, matcher: compile(wordlist), terms: wordlist.terms.length });
    this.#compiled = compiled;
    this.#log?.info(
      { version: wordlist.version.slice(0, 12), terms: wordlist.terms.length, compileMs: Math.round(performance.now() - t0) },
      'word list in force',
    );
    for (const listener of this.#listeners) listener(compiled);
  }
}
