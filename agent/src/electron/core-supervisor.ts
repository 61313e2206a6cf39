import { backoffCeiling } from '@vigil/shared/backoff';
import type { Logger } from 'pino';
import { AgentStartError, type Agent } from '../core/agent.ts';
import type { Clock } from '../core/ports.ts';

export type CoreState = 'idle' | 'starting' | 'running' | 'waiting' | 'stopping' | 'stopped';

export interface CoreSupervisorOptions {
  /** Builds a fresh agent (createAgent with this app's platform and config); `restarts` = earlier attempts in this process. */
  create: (restarts: number) => Promise<Agent>;
  clock: Clock;
  log: Logger;
  /** After a failed start: retry from `retryBaseMs`, doubling to `retryCapMs`. Defaults 1 s, 60 s. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** While the PC is not set up (no enrolment token or device.json, state folder unusable). Default 60 s. */
  notSetUpRetryMs?: number;
}

/**
 * Runs the agent core inside the tray app and keeps it running: a core that fails to start
 * (collector config missing, state folder unwritable, outbox unreadable) is retried with
 * back-off and the reason shown in the tray, and stop() is the orderly stop that sends `bye`.
 * The keyboard hook child is restarted by its own adapter (NodeKeySource) and reported in
 * the heartbeat; a crash of the whole process is handled by crash-relaunch.ts.
 */
export class CoreSupervisor {
  readonly #o: Required<Pick<CoreSupervisorOptions, 'retryBaseMs' | 'retryCapMs' | 'notSetUpRetryMs'>> & CoreSupervisorOptions;
  readonly #listeners = new Set<() => void>();
  #state: CoreState = 'idle';
  #agent: Agent | undefined;
  #problem: string | undefined;
  #failures = 0;
  #attempts = 0;
  #timer: { cancel(): void } | undefined;
  #attempt: Promise<void> = Promise.resolve();

  constructor(opts: CoreSupervisorOptions) {
    this.#o = { retryBaseMs: 1_000, retryCapMs: 60_000, notSetUpRetryMs: 60_000, ...opts };
  }

  get state(): CoreState {
    return this.#state;
  }

  /** The running agent, if any. */
  get agent(): Agent | undefined {
    return this.#state === 'running' ? this.#agent : undefined;
  }

  /** Why the core is not running, for the tray's status line. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** Start attempts so far (the first one included). */
  get attempts(): number {
    return this.#attempts;
  }

  /** Called whenever the agent starts, fails or stops. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the core; resolves after the first attempt (whether it worked or a retry is scheduled). */
  start(): Promise<void> {
    if (this.#state !== 'idle') return this.#attempt;
    this.#attempt = this.#run();
    return this.#attempt;
  }

  /** The orderly stop: final records into the outbox, a moment to deliver, `bye`, close. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return this.#attempt;
    this.#state = 'stopping';
    this.#timer?.cancel();
    this.#timer = undefined;
    const stopping = (async () => {
      await this.#attempt;
      const agent = this.#agent;
      this.#agent = undefined;
      if (agent !== undefined) {
        try {
          await agent.stop();
        } catch (err) {
          this.#o.log.error({ err }, 'orderly stop failed');
        }
      }
      this.#state = 'stopped';
      this.#emit();
    })();
    this.#attempt = stopping;
    return stopping;
  }

  async #run(): Promise<void> {
    this.#state = 'starting';
    this.#attempts += 1;
    let agent: Agent | undefined;
    try {
      agent = await this.#o.create(this.#attempts - 1);
      await agent.start();
    } catch (err) {
      if (agent !== undefined) await agent.stop().catch((stopErr: unknown) => this.#o.log.warn({ err: stopErr }, 'could not stop a half-started agent'));
      this.#failed(err);
      return;
    }
    if (this.#state !== 'starting') {
      // stop() came while we were starting: it waits for us, then stops this agent.
      this.#agent = agent;
      return;
    }
    this.#agent = agent;
    this.#state = 'running';
    this.#problem = undefined;
    if (this.#failures > 0) this.#o.log.info({ attempts: this.#attempts }, 'agent core started after earlier failures');
    this.#failures = 0;
    this.#emit();
  }

  #failed(err: unknown): void {
    if (this.#state !== 'starting') return;
    this.#failures += 1;
    const notSetUp = err instanceof AgentStartError;
    const detail = err instanceof Error ? err.message : String(err);
    this.#problem = notSetUp ? 'not set up, ask IT' : 'could not start, retrying';
    const delay = notSetUp ? this.#o.notSetUpRetryMs : backoffCeiling(this.#failures - 1, { baseMs: this.#o.retryBaseMs, capMs: this.#o.retryCapMs });
    if (notSetUp) this.#o.log.error({ detail, retryInMs: delay }, 'the agent is not set up on this computer');
    else this.#o.log.error({ err, retryInMs: delay }, 'the agent core could not start');
    this.#state = 'waiting';
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== 'waiting') return;
      this.#attempt = this.#run();
    }, delay);
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
