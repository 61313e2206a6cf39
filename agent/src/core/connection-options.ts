import type { Logger } from 'pino';
import type { HeartbeatPayload, HelloPayload } from '@vigil/shared/protocol';
import type { CollectorTrust } from './collector-trust.ts';
import type { CommandHandlers } from './connection-dispatch.ts';
import type { Outbox } from './outbox/index.ts';
import type { PolicyState } from './policy-state.ts';
import type { Clock } from './ports.ts';
import type { ReconnectSettings } from './reconnect-policy.ts';
import type { PacerSettings } from './send-pacer.ts';
import type { DeviceCredentials } from './state-dir.ts';
import type { WordlistState } from './wordlist-state.ts';

// The ConnectionService's options and what it reports (connection.service.ts).

export interface ConnectionOptions {
  /** Full socket URL, ws://host:port/agent/v1: used as it is when no `trust` is given (loopback, tests). */
  url: string;
  /** Which transport to use and the pins to check (createAgent builds it from config and device.json). */
  trust?: CollectorTrust;
  stateDir: string;
  credentials?: DeviceCredentials;
  enrolToken?: string;
  hello: Omit<HelloPayload, 'auth' | 'wordlistVersion'>;
  outbox: Pick<Outbox, 'peek' | 'ack' | 'reject' | 'onEnqueue' | 'stats'>;
  policy: PolicyState;
  wordlist: WordlistState;
  handlers: CommandHandlers;
  /** Everything in a heartbeat except the outbox counters, which the connection adds. */
  status: () => Omit<HeartbeatPayload, 'outbox'>;
  clock: Clock;
  log: Logger;
  reconnect?: Partial<ReconnectSettings>;
  /** Outbox records per second (default 150/s, burst 500: under the gateway's 200/s, burst 1,000). */
  pace?: PacerSettings;
  /** A socket that opens but sends no welcome within this long is dropped (default 15 s). */
  welcomeTimeoutMs?: number;
  random?: () => number;
}

export type ConnectionPhase = 'idle' | 'connecting' | 'hello-sent' | 'connected' | 'waiting' | 'stopped';

export interface ConnectionStats {
  /** Welcomes received. */
  connects: number;
  /** Times the collector refused our credentials, token or version. */
  refusals: number;
  lastClose: { code: number; reason: string } | undefined;
  /** TLS connections refused because the server's key was not a pinned one. */
  pinMismatches: number;
}
