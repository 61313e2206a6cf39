import type { Logger } from 'pino';
import type { RawData } from 'ws';
import {
  decodeCollectorMessage,
  encode,
  makeEnvelope,
  type CollectorMessage,
  type DecodeResult,
  type HeartbeatPayload,
  type WelcomePayload,
} from '@vigil/shared/protocol';
import type { OutboxStats } from './outbox/index.ts';
import { writeDeviceCredentials, type DeviceCredentials } from './state-dir.ts';

// Pieces of the connection that need no socket: decoding what the collector sends, the
// heartbeat, and taking the device identity from a welcome.

export const MAX_COLLECTOR_MESSAGE = 16 * 1024 * 1024;

export function decodeFromSocket(data: RawData): DecodeResult<CollectorMessage> {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return decodeCollectorMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxBytes: MAX_COLLECTOR_MESSAGE });
}

/**
 * The heartbeat text. Besides the four v1 outbox counters it carries the optional
 * `damaged` (torn / corrupt records and quarantined segments skipped) and `rejected`
 * (records the collector refused for good) counts, so an operator sees a damaged outbox
 * from the collector as well as in the agent's log; an older collector strips them.
 */
export function heartbeatText(status: Omit<HeartbeatPayload, 'outbox'>, stats: OutboxStats, now: () => number): string {
  const outbox: HeartbeatPayload['outbox'] = {
    pending: stats.pending,
    bytes: stats.bytes,
    droppedActivity: stats.droppedActivity,
    droppedAlerts: stats.droppedAlerts,
    damaged: stats.corruptRecordsSkipped + stats.segmentsQuarantined,
    rejected: stats.rejected,
  };
  const degraded: HeartbeatPayload['degraded'] =
    stats.degraded === undefined ? undefined : { reason: stats.degraded.reason, since: stats.degraded.since, heldInMemory: stats.heldInMemory };
  return encode(makeEnvelope('heartbeat', { ...status, outbox, ...(degraded === undefined ? {} : { degraded }) }, { now }));
}

/**
 * The identity to use after a welcome: the stored one, or (first enrolment) the new id and
 * secret, written to device.json before anything else — the token is used up, so the secret
 * is the only way back in. Undefined when an enrolment welcome carries no secret.
 */
export async function identityFromWelcome(
  welcome: WelcomePayload,
  stored: DeviceCredentials | undefined,
  stateDir: string,
  log: Logger,
): Promise<DeviceCredentials | undefined> {
  if (stored !== undefined) {
    if (welcome.deviceId !== stored.deviceId) log.warn({ deviceId: welcome.deviceId, stored: stored.deviceId }, 'the collector welcomed a different device id');
    return stored;
  }
  if (welcome.secret === undefined) {
    log.error('the collector accepted the enrolment but sent no secret; retrying');
    return undefined;
  }
  const creds = { deviceId: welcome.deviceId, secret: welcome.secret };
  try {
    await writeDeviceCredentials(stateDir, creds);
  } catch (err) {
    log.error({ err }, 'could not store device.json: this enrolment will be lost at the next restart');
  }
  log.info({ deviceId: creds.deviceId }, 'enrolled with the collector');
  return creds;
}
