import type { Logger } from 'pino';
import type { WelcomeTls } from '@vigil/shared/protocol';
import { judgeWelcomeTls, type StoredTrust, type Transport, type WelcomeVerdict } from './collector-transport.ts';
import { updateDeviceTrust } from './state-dir.ts';

export interface CollectorTrustOptions {
  /** The transport chooseTransport() picked at start. */
  transport: Transport;
  /** The configured socket URL: a move to TLS is remembered against it. */
  configuredUrl: string;
  insecure: boolean;
  /** What device.json held at start. */
  stored: StoredTrust;
  /** Undefined: keep nothing on disk (tests). */
  stateDir: string | undefined;
  log: Logger;
}

/**
 * The agent's trust in its collector over time: the transport to use for the next connection,
 * a move from plain ws:// to TLS being tried (kept only once a pinned welcome arrived over
 * it), and pins changed by a pinned welcome — each written to device.json.
 */
export class CollectorTrust {
  readonly #o: CollectorTrustOptions;
  #base: Transport;
  #trying: Transport | undefined;
  #savedPins: readonly string[];

  constructor(opts: CollectorTrustOptions) {
    this.#o = opts;
    this.#base = opts.transport;
    this.#savedPins = opts.stored.collectorPins ?? [];
  }

  /** A fixed transport with nothing persisted (ConnectionService without a trust: tests). */
  static fixed(transport: Transport, log: Logger): CollectorTrust {
    return new CollectorTrust({
      transport,
      configuredUrl: transport.url,
      insecure: transport.mode === 'plain-insecure' || transport.mode === 'tls-unpinned',
      stored: {},
      stateDir: undefined,
      log,
    });
  }

  get transport(): Transport {
    return this.#trying ?? this.#base;
  }

  /**
   * Called after the identity from a welcome is stored, before anything else of it is used.
   * `verifiedPin` is the key this connection was checked against (undefined on plain ws://).
   */
  async afterWelcome(tls: WelcomeTls | undefined, verifiedPin: string | undefined): Promise<WelcomeVerdict> {
    const current = this.transport;
    const verdict = judgeWelcomeTls(current, tls, verifiedPin, this.#o.insecure);
    if (verdict.kind === 'upgrade') {
      this.#trying = verdict.transport;
      this.#o.log.info({ from: current.url, to: verdict.transport.url }, 'the collector speaks TLS: moving to it');
      return verdict;
    }
    if (verdict.kind === 'refuse') return verdict;
    if (this.#trying !== undefined && current === this.#trying) {
      // The move worked (a pinned welcome over the new address): from now on only TLS.
      this.#base = { ...this.#trying, pins: verdict.pins ?? this.#trying.pins };
      this.#trying = undefined;
      await this.#save({ collectorPins: [...this.#base.pins], collectorUrl: this.#base.url, upgradedFrom: this.#o.configuredUrl });
      this.#o.log.info({ url: this.#base.url }, 'moved to TLS; plain ws:// to this collector is no longer used');
      return verdict;
    }
    if (verdict.pins !== undefined) {
      this.#base = { ...this.#base, pins: verdict.pins };
      this.#o.log.info({ pins: verdict.pins }, 'the collector announced its keys (rotation); pins updated');
    }
    if (!sameSet(this.#base.pins, this.#savedPins)) await this.#save({ collectorPins: [...this.#base.pins] });
    return verdict;
  }

  /** The connection attempt failed: a move to TLS that never worked is abandoned (the next welcome offers it again). */
  connectFailed(): void {
    if (this.#trying === undefined) return;
    this.#o.log.warn({ url: this.#trying.url }, "could not reach the collector's TLS address; trying the configured address again");
    this.#trying = undefined;
  }

  async #save(trust: StoredTrust): Promise<void> {
    if (this.#o.stateDir === undefined) return;
    try {
      await updateDeviceTrust(this.#o.stateDir, trust);
      if (trust.collectorPins !== undefined) this.#savedPins = trust.collectorPins;
    } catch (err) {
      this.#o.log.error({ err }, "could not store the collector's pins in device.json");
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
