import { DEFAULT_AGENT_MESSAGE_MAX_BYTES, DEFAULT_BINARY_MAX_BYTES } from '@vigil/shared';
import type { IngestOptions } from '../ingest/ingest.service.ts';
import type { HandshakeGateOptions } from './handshake-gate.ts';
import type { TokenBucketOptions } from './token-bucket.ts';

/** Options of the `/agent/v1` gateway plugin; every field has a production default. */
export interface AgentGatewayOptions {
  /** The first message must be `hello` within this long, else 4401 (default 10 s). */
  readonly helloTimeoutMs?: number;
  /**
   * From `hello` to `welcome` at most this long (waiting for a turn included), else 4503 "try
   * again later": a slow login is the collector being busy, never a refusal (default 12 s: the
   * agent gives up waiting for `welcome` after 15 s).
   */
  readonly handshakeTimeoutMs?: number;
  /** Admission of logins (handshake-gate.ts): how many run at once, wait, and for how long. */
  readonly handshakeGate?: Partial<HandshakeGateOptions>;
  /**
   * Silence after which a device is marked offline and closed 4408. Default: 3 ×
   * the device's policy `heartbeatSeconds` (updated when a new policy is pushed).
   */
  readonly heartbeatTimeoutMs?: number;
  /** How often sockets are checked for that silence (default: a quarter of the timeout, at most 1 s). */
  readonly sweepIntervalMs?: number;
  /** Per-device message rate; over it the socket is closed 4429 (default 200 / s, burst 1,000). */
  readonly messageRate?: TokenBucketOptions;
  /** Largest JSON text message (default 256 KiB; larger → 4413). */
  readonly maxTextBytes?: number;
  /** Largest binary message (default 10 MiB + header; larger → 4413). */
  readonly maxBinaryBytes?: number;
  /** How often last-seen times are written (default 1 s). */
  readonly touchIntervalMs?: number;
  readonly ingest?: IngestOptions;
}

export interface GatewaySettings {
  readonly helloTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly handshakeGate: Partial<HandshakeGateOptions>;
  readonly heartbeatTimeoutMs: number | undefined;
  readonly sweepIntervalMs: number | undefined;
  readonly messageRate: TokenBucketOptions;
  readonly maxTextBytes: number;
  readonly maxBinaryBytes: number;
  readonly touchIntervalMs: number;
  readonly ingest: IngestOptions;
}

export function gatewaySettings(options: AgentGatewayOptions = {}): GatewaySettings {
  return Object.freeze({
    helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 12_000,
    handshakeGate: options.handshakeGate ?? {},
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    sweepIntervalMs: options.sweepIntervalMs,
    messageRate: options.messageRate ?? { perSecond: 200, burst: 1_000 },
    maxTextBytes: options.maxTextBytes ?? DEFAULT_AGENT_MESSAGE_MAX_BYTES,
    maxBinaryBytes: options.maxBinaryBytes ?? DEFAULT_BINARY_MAX_BYTES,
    touchIntervalMs: options.touchIntervalMs ?? 1_000,
    ingest: options.ingest ?? {},
  });
}

/** The sweep interval for a heartbeat timeout: fine enough to be on time, never busier than 20 / s. */
export function sweepInterval(settings: GatewaySettings, shortestTimeoutMs: number): number {
  return settings.sweepIntervalMs ?? Math.max(50, Math.min(1_000, Math.floor(shortestTimeoutMs / 4)));
}
