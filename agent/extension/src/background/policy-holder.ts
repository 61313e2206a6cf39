// The policy and word list in force, cached in the extension's IndexedDB so a browser that
// starts while the collector is unreachable still detects with the last list it had.
import { compile, type CompiledMatcher } from '@vigil/shared/matcher';
import {
  compileTitlePatterns,
  defaultPolicy,
  matchesTitlePattern,
  policySchema,
  wordlistPayloadSchema,
  type Policy,
  type WordlistPayload,
} from '@vigil/shared/protocol';
import { kvGet, kvSet } from './kv-store.ts';
import type { ExtensionLogger } from './log.ts';

export class PolicyHolder {
  #policy: Policy = defaultPolicy;
  #signIn: RegExp[] = compileTitlePatterns(defaultPolicy.signInTitlePatterns);
  #matcher: { version: string; matcher: CompiledMatcher; terms: number } | undefined;
  readonly #policyListeners = new Set<(policy: Policy) => void>();
  readonly #listListeners = new Set<() => void>();
  readonly #log: ExtensionLogger;

  constructor(log: ExtensionLogger) {
    this.#log = log;
  }

  get policy(): Policy {
    return this.#policy;
  }

  get matcher(): CompiledMatcher | undefined {
    return this.#matcher?.matcher;
  }

  get wordlistVersion(): string | undefined {
    return this.#matcher?.version;
  }

  /** True for a page whose title or address looks like a sign-in or password page. */
  isSignIn(title: string, url: string): boolean {
    return matchesTitlePattern(this.#signIn, title) || matchesTitlePattern(this.#signIn, url);
  }

  onPolicy(listener: (policy: Policy) => void): () => void {
    this.#policyListeners.add(listener);
    return () => this.#policyListeners.delete(listener);
  }

  onWordlist(listener: () => void): () => void {
    this.#listListeners.add(listener);
    return () => this.#listListeners.delete(listener);
  }

  async loadCached(): Promise<void> {
    const policy = policySchema.safeParse(await kvGet('policy'));
    if (policy.success) this.#setPolicy(policy.data);
    const list = wordlistPayloadSchema.safeParse(await kvGet('wordlist'));
    if (list.success) this.#setList(list.data, 'cache');
  }

  async applyPolicy(policy: Policy): Promise<void> {
    this.#setPolicy(policy);
    await kvSet('policy', policy);
  }

  async applyWordlist(list: WordlistPayload): Promise<void> {
    if (list.version === this.#matcher?.version) return;
    this.#setList(list, 'collector');
    await kvSet('wordlist', list);
  }

  #setPolicy(policy: Policy): void {
    this.#policy = policy;
    this.#signIn = compileTitlePatterns(policy.signInTitlePatterns);
    for (const listener of this.#policyListeners) listener(policy);
  }

  #setList(list: WordlistPayload, from: string): void {
    const t0 = performance.now();
    this.#matcher = { version: list.version, matcher: compile(list), terms: list.terms.length };
    this.#log.info({ version: list.version.slice(0, 12), terms: list.terms.length, compileMs: Math.round(performance.now() - t0), from }, 'word list in force');
    for (const listener of this.#listListeners) listener();
  }
}
