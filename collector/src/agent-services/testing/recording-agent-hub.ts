import type { CollectorMessage } from '@vigil/shared';
import type { AgentHub } from '../../agents/agent-hub.contract.ts';

export interface Recorded {
  /** undefined for a broadcast. */
  readonly deviceId: string | undefined;
  readonly message: CollectorMessage;
  /** performance.now() when it was handed to the hub. */
  readonly at: number;
}

/**
 * An AgentHub that records what it is asked to send, for testing the services without
 * sockets. `connected` decides which devices count as connected to this node.
 */
export class RecordingAgentHub implements AgentHub {
  readonly connected = new Set<string>();
  readonly records: Recorded[] = [];

  constructor(connected: Iterable<string> = []) {
    for (const id of connected) this.connected.add(id);
  }

  send(deviceId: string, message: CollectorMessage): boolean {
    if (!this.connected.has(deviceId)) return false;
    this.records.push({ deviceId, message, at: performance.now() });
    return true;
  }

  broadcast(message: CollectorMessage): number {
    this.records.push({ deviceId: undefined, message, at: performance.now() });
    return this.connected.size;
  }

  connectedDeviceIds(): string[] {
    return [...this.connected];
  }

  onDeviceConnected(): () => void {
    return () => undefined;
  }

  onFrame(): () => void {
    return () => undefined;
  }

  onDeviceEvent(): () => void {
    return () => undefined;
  }

  /** What went to one device (directly or by broadcast), optionally of one type. */
  receivedBy<T extends CollectorMessage['type']>(deviceId: string, type: T): Array<Extract<CollectorMessage, { type: T }>> {
    return this.ofType(type)
      .filter((record) => record.deviceId === deviceId || (record.deviceId === undefined && this.connected.has(deviceId)))
      .map((record) => record.message);
  }

  ofType<T extends CollectorMessage['type']>(type: T): Array<Recorded & { message: Extract<CollectorMessage, { type: T }> }> {
    return this.records.filter((record): record is Recorded & { message: Extract<CollectorMessage, { type: T }> } => record.message.type === type);
  }

  clear(): void {
    this.records.length = 0;
  }
}
