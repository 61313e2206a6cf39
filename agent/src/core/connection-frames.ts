import type { RawData } from 'ws';
import { decodeCollectorMessage, encode, makeEnvelope, type CollectorMessage, type DecodeResult, type HeartbeatPayload } from '@vigil/shared/protocol';
import type { OutboxStats } from './outbox/index.ts';

// Small pure pieces of the connection: turning socket data into collector messages and
// building the heartbeat.

export const MAX_COLLECTOR_MESSAGE = 16 * 1024 * 1024;

export function decodeFromSocket(data: RawData): DecodeResult<CollectorMessage> {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return decodeCollectorMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxBytes: MAX_COLLECTOR_MESSAGE });
}

/**
 * The heartbeat text. The v1 schema carries four outbox counters; the damage counters
 * ride along too (an older collector drops unknown fields), so an operator can see a
 * corrupt outbox from the console as well as in the agent's log.
 */
export function heartbeatText(status: Omit<HeartbeatPayload, 'outbox'>, stats: OutboxStats, now: () => number): string {
  const outbox = {
    pending: stats.pending,
    bytes: stats.bytes,
    droppedActivity: stats.droppedActivity,
    droppedAlerts: stats.droppedAlerts,
    corruptRecordsSkipped: stats.corruptRecordsSkipped,
    segmentsQuarantined: stats.segmentsQuarantined,
    rejected: stats.rejected,
  };
  return encode(makeEnvelope('heartbeat', { ...status, outbox }, { now }));
}
