import { encode, type CollectorMessage } from '@vigil/shared';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { AgentFrame, AgentHub, DeviceEvent } from './agent-hub.contract.ts';

/** What the hub needs from one authenticated agent socket (implemented by AgentConnection). */
export interface AgentSession {
  readonly deviceId: string;
  /** Sends already-encoded JSON; false when the socket is no longer open. */
  sendText(text: string): boolean;
  /** A newer connection from the same device took over: close this one (4409). */
  replace(): void;
  /** A `policy` message went out: the heartbeat deadline follows the new interval. */
  applyHeartbeatSeconds(seconds: number): void;
}

/**
 * The node-local registry of authenticated agent sockets: the `AgentHub` the rest of
 * the collector sees, plus the attach/detach/frame side only the gateway uses.
 * Listener failures are logged and never reach the socket that triggered them.
 */
export class AgentHubRegistry implements AgentHub {
  readonly #sessions = new Map<string, AgentSession>();
  readonly #connectedListeners = new Set<(deviceId: string) => void>();
  readonly #frameListeners = new Set<(frame: AgentFrame) => void>();
  readonly #deviceEventListeners = new Set<(event: DeviceEvent) => void>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  send(deviceId: string, message: CollectorMessage): boolean {
    const session = this.#sessions.get(deviceId);
    if (session === undefined) return false;
    if (message.type === 'policy') session.applyHeartbeatSeconds(message.payload.heartbeatSeconds);
    return session.sendText(encode(message));
  }

  broadcast(message: CollectorMessage): number {
    // Encoded once: a word-list push to thousands of agents must not stringify per socket.
    const text = encode(message);
    let sent = 0;
    for (const session of this.#sessions.values()) {
      if (message.type === 'policy') session.applyHeartbeatSeconds(message.payload.heartbeatSeconds);
      if (session.sendText(text)) sent++;
    }
    return sent;
  }

  connectedDeviceIds(): string[] {
    return [...this.#sessions.keys()];
  }

  onDeviceConnected(listener: (deviceId: string) => void): () => void {
    this.#connectedListeners.add(listener);
    return () => this.#connectedListeners.delete(listener);
  }

  onFrame(listener: (frame: AgentFrame) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  onDeviceEvent(listener: (event: DeviceEvent) => void): () => void {
    this.#deviceEventListeners.add(listener);
    return () => this.#deviceEventListeners.delete(listener);
  }

  get size(): number {
    return this.#sessions.size;
  }

  current(deviceId: string): AgentSession | undefined {
    return this.#sessions.get(deviceId);
  }

  sessions(): IterableIterator<AgentSession> {
    return this.#sessions.values();
  }

  /** Makes `session` the device's connection; an older one is told it was replaced. */
  attach(session: AgentSession): void {
    const previous = this.#sessions.get(session.deviceId);
    this.#sessions.set(session.deviceId, session);
    if (previous !== undefined && previous !== session) previous.replace();
  }

  /** Removes `session` if it is still the device's connection; true when it was. */
  detach(session: AgentSession): boolean {
    if (this.#sessions.get(session.deviceId) !== session) return false;
    this.#sessions.delete(session.deviceId);
    return true;
  }

  /** Tells listeners a device is ready (after its `welcome`). */
  announceConnected(deviceId: string): void {
    for (const listener of this.#connectedListeners) {
      try {
        listener(deviceId);
      } catch (error) {
        this.#log.error({ err: error, deviceId }, 'onDeviceConnected listener failed');
      }
    }
  }

  /** Tells listeners what a device did (the gateway calls this; see DeviceEvent). */
  publishDeviceEvent(event: DeviceEvent): void {
    for (const listener of this.#deviceEventListeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error({ err: error, deviceId: event.deviceId, kind: event.kind }, 'onDeviceEvent listener failed');
      }
    }
  }

  /** Hands a live frame to the listeners; dropped when nobody listens. */
  publishFrame(frame: AgentFrame): void {
    for (const listener of this.#frameListeners) {
      try {
        listener(frame);
      } catch (error) {
        this.#log.error({ err: error, deviceId: frame.deviceId }, 'onFrame listener failed');
      }
    }
  }
}
