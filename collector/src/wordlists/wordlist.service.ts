import { wordlistPayloadSchema, type WordlistPayload } from '@vigil/shared';
import { formatWordlistError } from '@vigil/shared/wordlist';
import type { WordlistProvider } from '../agents/agent-hub.contract.ts';
import type { Db } from '../db/database.ts';
import type { HealthCheckResult } from '../health/health-registry.ts';
import { enabledCustomEntries, type CustomEntries } from './custom-entries.repository.ts';
import { compileWordlist, emptyWordlist } from './wordlist-compile.ts';
import { loadWordlists } from './wordlist-files.ts';
import { watchWordlists, type WordlistWatcher } from './wordlist-watcher.ts';
import type { ServiceLog } from '../agent-services/service-log.ts';

export interface WordlistServiceOptions {
  /** The word-list folder (config.wordlistsDir) or a single .tsv file. */
  readonly path: string;
  readonly db: Db;
  readonly log: ServiceLog;
  /** Watch `path` and reload on change (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  readonly stabilityMs?: number;
  /** Retry after the custom entries could not be read (default 30 s). */
  readonly retryMs?: number;
}

export interface WordlistStatus {
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly terms: number;
  /** When the list in force was compiled; undefined while no file ever loaded. */
  readonly loadedAt: Date | undefined;
  /** Why the status is degraded, one line each (`bad.tsv:3: … [code]`). */
  readonly problems: readonly string[];
}

export interface ReloadOutcome {
  /** A new version is in force (and listeners, i.e. agents, were told). */
  readonly changed: boolean;
  readonly version: string;
  readonly problems: readonly string[];
}

type Listener = (wordlist: WordlistPayload) => void;

/**
 * The word list in force: the files under `path` merged with the enabled custom entries
 * from the database, re-compiled when a file changes (watched) or `reload()` is called.
 * A list that fails to load never replaces the one in force: the last good files stay,
 * the problem is logged with file and line and reported by `health()`.
 */
export class WordlistService implements WordlistProvider {
  readonly #options: WordlistServiceOptions;
  readonly #log: ServiceLog;
  readonly #listeners = new Set<Listener>();
  #current: WordlistPayload = emptyWordlist();
  /** The last list that loaded from the files. */
  #base: WordlistPayload | undefined;
  #custom: CustomEntries = { terms: [], allow: [] };
  #problems: readonly string[] = [];
  #loadedAt: Date | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #watcher: WordlistWatcher | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: WordlistServiceOptions) {
    this.#options = options;
    this.#log = options.log;
  }

  /** First load, then watching. Never throws on bad files: the collector starts degraded. */
  async start(): Promise<ReloadOutcome> {
    const outcome = await this.reload();
    if (this.#base === undefined) {
      this.#log.error({ path: this.#options.path }, 'no word list could be loaded: agents get an EMPTY list until the files are fixed');
    }
    if (this.#options.watch ?? true) {
      this.#watcher = await watchWordlists({
        path: this.#options.path,
        log: this.#log,
        debounceMs: this.#options.debounceMs,
        stabilityMs: this.#options.stabilityMs,
        onChange: () => void this.reload(),
      });
    }
    return outcome;
  }

  current(): WordlistPayload {
    return this.#current;
  }

  /** The list as the files give it, before custom entries (the console shows the two apart). */
  builtin(): WordlistPayload {
    return this.#base ?? emptyWordlist();
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): WordlistStatus {
    return {
      status: this.#problems.length === 0 ? 'ok' : 'degraded',
      version: this.#current.version,
      terms: this.#current.terms.length,
      loadedAt: this.#loadedAt,
      problems: this.#problems,
    };
  }

  health(): HealthCheckResult {
    const { version, terms, problems } = this.status();
    const inForce = this.#base === undefined ? 'EMPTY list in force' : `version ${version.slice(0, 12)} in force (${terms} terms)`;
    if (problems.length === 0) return { status: 'ok', detail: inForce };
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
    return { status: 'degraded', detail: `${problems[0]}${more}; ${inForce}` };
  }

  /** Re-reads files and custom entries (one reload at a time, in call order). */
  reload(): Promise<ReloadOutcome> {
    const run = this.#chain.then(() => this.#load());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#watcher?.close();
    await this.#chain;
  }

  async #load(): Promise<ReloadOutcome> {
    const problems: string[] = [];
    const files = await loadWordlists(this.#options.path);
    if (files.ok) {
      this.#base = files.value;
    } else {
      for (const error of files.errors) {
        this.#log.error(
          { file: error.file, line: error.line, code: error.code },
          `word-list file rejected, keeping the last good list: ${formatWordlistError(error)}`,
        );
      }
      problems.push(...files.errors.map(formatWordlistError));
    }
    try {
      this.#custom = await enabledCustomEntries(this.#options.db);
    } catch (error) {
      // Keep the entries read last time rather than dropping the school's own terms.
      this.#log.error({ err: error }, 'custom word-list entries could not be read; retrying');
      problems.push(`custom entries could not be read: ${error instanceof Error ? error.message : String(error)}`);
      this.#scheduleRetry();
    }
    let next = this.#current;
    if (this.#base !== undefined) {
      const compiled = compileWordlist(this.#base, this.#custom);
      for (const problem of compiled.problems) this.#log.error(`custom word-list entry left out: ${problem}`);
      problems.push(...compiled.problems);
      // Belt and braces: whatever goes to agents must decode on their side.
      const checked = wordlistPayloadSchema.safeParse(compiled.payload);
      if (checked.success) next = compiled.payload;
      else problems.push(`compiled word list is invalid and was not used: ${checked.error.issues[0]?.message ?? 'unknown problem'}`);
    }
    const recovered = this.#problems.length > 0 && problems.length === 0;
    this.#problems = problems;
    const changed = next.version !== this.#current.version;
    if (changed) {
      this.#current = next;
      this.#loadedAt = new Date();
      this.#log.info({ version: next.version, terms: next.terms.length, allow: next.allow.length }, 'word list in force');
      this.#emit(next);
    } else if (recovered) {
      this.#log.info({ version: next.version }, 'word list problems resolved');
    }
    return { changed, version: this.#current.version, problems };
  }

  #emit(wordlist: WordlistPayload): void {
    for (const listener of this.#listeners) {
      try {
        listener(wordlist);
      } catch (error) {
        this.#log.error({ err: error }, 'a word-list listener failed');
      }
    }
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#closed) void this.reload();
    }, this.#options.retryMs ?? 30_000);
    this.#retryTimer.unref();
  }
}
