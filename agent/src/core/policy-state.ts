import { join } from 'node:path';
import type { Logger } from 'pino';
import { compileTitlePatterns, defaultPolicy, matchesTitlePattern, policySchema, type Policy } from '@vigil/shared/protocol';
import { readJsonFile, writeFileAtomic } from './state-dir.ts';

/**
 * The policy in force, with its sign-in title patterns compiled once. Starts from the
 * cached copy of the last policy the collector sent (so a restart while the collector is
 * away keeps the school's settings), else from `defaultPolicy`.
 */
export class PolicyState {
  #policy: Readonly<Policy>;
  #signIn: readonly RegExp[];
  readonly #listeners = new Set<(policy: Readonly<Policy>) => void>();
  readonly #cachePath: string | undefined;
  readonly #log: Logger | undefined;

  constructor(opts: { initial?: Readonly<Policy>; cacheDir?: string; log?: Logger } = {}) {
    this.#policy = opts.initial ?? defaultPolicy;
    this.#signIn = compileTitlePatterns(this.#policy.signInTitlePatterns);
    this.#cachePath = opts.cacheDir === undefined ? undefined : join(opts.cacheDir, 'policy.json');
    this.#log = opts.log;
  }

  get current(): Readonly<Policy> {
    return this.#policy;
  }

  /** True when the focused window looks like a sign-in or password prompt: typed text is not matched there. */
  isSignInTitle(title: string): boolean {
    return matchesTitlePattern(this.#signIn, title);
  }

  /** Loads the cached policy, if any and valid. */
  async load(): Promise<void> {
    if (this.#cachePath === undefined) return;
    const cached = await readJsonFile(this.#cachePath, policySchema);
    if (cached.ok) this.#set(cached.value);
    else if (cached.code !== 'missing') this.#log?.warn({ code: cached.code, detail: cached.detail }, 'cached policy ignored');
  }

  /** Applies a policy from the collector (already decoded) and caches it. */
  async apply(policy: Policy): Promise<void> {
    this.#set(policy);
    if (this.#cachePath === undefined) return;
    try {
      await writeFileAtomic(this.#cachePath, JSON.stringify(policy));
    } catch (err) {
      this.#log?.warn({ err }, 'could not cache the policy');
    }
  }

  onChange(listener: (policy: Readonly<Policy>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(policy: Policy): void {
    // Frozen deeply: listeners share this object.
    const copy: Policy = { ...policy, signInTitlePatterns: [...policy.signInTitlePatterns], noCaptureCategories: [...policy.noCaptureCategories] };
    Object.freeze(copy.signInTitlePatterns);
    Object.freeze(copy.noCaptureCategories);
    const frozen = Object.freeze(copy);
    this.#signIn = compileTitlePatterns(frozen.signInTitlePatterns);
    this.#policy = frozen;
    for (const listener of this.#listeners) listener(frozen);
  }
}
