import type { CollectorMessage, FramePayload, Policy, WordlistPayload } from '@vigil/shared';

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
