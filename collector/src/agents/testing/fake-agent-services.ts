import { defaultPolicy, type Policy, type WordlistPayload } from '@vigil/shared';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { LockPayload, LockProvider, PolicyProvider, WordlistProvider } from '../agent-hub.contract.ts';

/** Small in-memory word list / policy / lock services for gateway tests. */
export class FakeAgentServices {
  wordlist: WordlistPayload = { version: 'a'.repeat(64), categories: [], terms: [], allow: [] };
  policy: Policy = { ...defaultPolicy };
  readonly locks = new Map<string, LockPayload>();
  readonly #listeners = new Set<(wordlist: WordlistPayload) => void>();

  readonly wordlists: WordlistProvider = {
    current: () => this.wordlist,
    onChange: (listener) => {
      this.#listeners.add(listener);
      return () => this.#listeners.delete(listener);
    },
  };

  readonly policies: PolicyProvider = { forDevice: async () => this.policy };

  readonly lockProvider: LockProvider = { forDevice: async (deviceId) => this.locks.get(deviceId) };

  setWordlist(wordlist: WordlistPayload): void {
    this.wordlist = wordlist;
    for (const listener of this.#listeners) listener(wordlist);
  }

  /** Decorates app.wordlists / app.policies / app.locks like the real agent-services plugin. */
  plugin(): FastifyPluginAsync {
    return fp(async (app) => {
      app.decorate('wordlists', this.wordlists);
      app.decorate('policies', this.policies);
      app.decorate('locks', this.lockProvider);
    });
  }
}
