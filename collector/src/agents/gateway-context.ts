import type { MessageShownPayload } from '@vigil/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { IngestService } from '../ingest/ingest.service.ts';
import type { ScreenshotService } from '../evidence/screenshot.service.ts';
import type { PeerFaultLog } from '../logging/peer-fault-log.ts';
import type { LockProvider, PolicyProvider, WordlistProvider } from './agent-hub.contract.ts';
import type { AgentHubRegistry } from './agent-hub.ts';
import type { DeviceAuthService } from './device-auth.service.ts';
import type { HandshakeGate } from './handshake-gate.ts';
import type { GatewaySettings } from './gateway-options.ts';
import type { PresenceService } from './presence.service.ts';

/** Everything one agent connection needs, built once by the gateway plugin. */
export interface GatewayContext {
  readonly settings: GatewaySettings;
  readonly log: FastifyBaseLogger;
  readonly hub: AgentHubRegistry;
  readonly auth: DeviceAuthService;
  /** Admission of logins: a few at a time, the rest wait or are told to come back (4503). */
  readonly gate: HandshakeGate;
  readonly presence: PresenceService;
  readonly ingest: IngestService;
  readonly screenshots: ScreenshotService;
  /** Where refused frames are reported: rate-limited per address and code (logging/peer-fault-log.ts). */
  readonly badFrames: PeerFaultLog;
  /** The agent services (word lists, policies, locks); looked up per connection, they are registered by another plugin. */
  services(): { readonly wordlists: WordlistProvider; readonly policies: PolicyProvider; readonly locks: LockProvider };
  /** True once the collector is shutting down: dropped sockets are then not "silent". */
  isShuttingDown(): boolean;
  /** Records an agent's `message-shown` (live/message-receipts.ts); resolves once stored. */
  messageShown(deviceId: string, payload: MessageShownPayload): Promise<unknown>;
}
