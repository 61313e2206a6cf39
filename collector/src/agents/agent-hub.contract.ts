import type {
  ActivityPayload,
  CollectorMessage,
  FramePayload,
  HeartbeatPayload,
  IdleStatePayload,
  LockStatePayload,
  Policy,
  WordlistPayload,
} from '@vigil/shared';

// The seam between the agent gateway (sockets) and the services that decide what agents
// are told (word lists, policies, locks). Both sides are Fastify decorations registered
// with fastify-plugin in plugins/index.ts, in this order: agentHub → agent services → gateway.

export type LockPayload = Extract<CollectorMessage, { type: 'lock' }>['payload'];

/** A live thumbnail from an agent (binary `frame` message): forwarded, never stored. */
export interface AgentFrame extends FramePayload {
  readonly deviceId: string;
  /** The image (empty when `unchanged`): a view into the received WebSocket message, not a copy. */
  readonly bytes: Uint8Array;
  readonly receivedAt: number;
}

/**
 * What an agent said or did, as the gateway saw it, for the live view. Emitted when a
 * message ARRIVES (before ingest commits it), so a replayed outbox message can come after
 * a newer one: compare `at` / `end`, not arrival order. `receivedAt` is epoch ms on this
 * node. Node-local like the hub itself; `osUser` is null when the PC reported none.
 */
export type DeviceEvent =
  | {
      readonly kind: 'connected';
      readonly deviceId: string;
      readonly receivedAt: number;
      readonly hostname: string;
      readonly osUser: string | null;
      readonly capabilities: readonly string[];
      /** The device's room when it authenticated (null: unassigned). */
      readonly roomId: string | null;
    }
  | {
      readonly kind: 'disconnected';
      readonly deviceId: string;
      readonly receivedAt: number;
      /** bye: it said goodbye; silent: the socket dropped without one; closed: the collector closed it (heartbeat timeout, protocol error). */
      readonly exit: 'bye' | 'silent' | 'closed';
    }
  | ({ readonly kind: 'heartbeat'; readonly deviceId: string; readonly receivedAt: number } & Pick<
      HeartbeatPayload,
      'locked' | 'idleSeconds' | 'keyboard' | 'degraded' | 'teacherLockId'
    >)
  | ({ readonly kind: 'activity'; readonly deviceId: string; readonly receivedAt: number; readonly osUser: string | null; readonly url: string | null } & Pick<
      ActivityPayload,
      'id' | 'app' | 'title' | 'start' | 'end'
    >)
  | ({ readonly kind: 'lock-state'; readonly deviceId: string; readonly receivedAt: number; readonly lockId: string | null } & Pick<
      LockStatePayload,
      'id' | 'locked' | 'reason' | 'at'
    >)
  | ({ readonly kind: 'idle-state'; readonly deviceId: string; readonly receivedAt: number } & Pick<IdleStatePayload, 'id' | 'idle' | 'idleSeconds' | 'at'>);

export type DeviceEventKind = DeviceEvent['kind'];

/** Connected agents on THIS collector node. */
export interface AgentHub {
  /** Sends to one connected device; false when it is not connected here. */
  send(deviceId: string, message: CollectorMessage): boolean;
  /** Sends to every authenticated device; returns how many were sent to. */
  broadcast(message: CollectorMessage): number;
  connectedDeviceIds(): string[];
  /** Called after a device authenticates (after `welcome` went out). */
  onDeviceConnected(listener: (deviceId: string) => void): () => void;
  /** Live frames from agents, for the live hub; frames arriving with no listener are dropped. */
  onFrame(listener: (frame: AgentFrame) => void): () => void;
  /** Connections, disconnections, heartbeats, activity, lock and idle changes (see DeviceEvent). */
  onDeviceEvent(listener: (event: DeviceEvent) => void): () => void;
}

/** The compiled word list in force (files + custom DB entries); never a broken one. */
export interface WordlistProvider {
  current(): WordlistPayload;
  onChange(listener: (wordlist: WordlistPayload) => void): () => void;
}

/** Policy resolved site → room → device. */
export interface PolicyProvider {
  forDevice(deviceId: string): Promise<Policy>;
}

/** Teacher lock state kept in the database and re-sent on reconnect. */
export interface LockProvider {
  forDevice(deviceId: string): Promise<LockPayload | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    agentHub: AgentHub;
    wordlists: WordlistProvider;
    policies: PolicyProvider;
    locks: LockProvider;
  }
}
