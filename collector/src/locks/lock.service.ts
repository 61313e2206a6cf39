import { lockPayloadSchema, makeEnvelope } from '@vigil/shared';
import { ulid } from 'ulid';
import { auditActor, systemActor, type Actor } from '../audit/actor.ts';
import type { LockPayload, LockProvider } from '../agents/agent-hub.contract.ts';
import { connectedAmong, noAgentHub, type AgentHubRef } from '../agent-services/agent-hub-ref.ts';
import { notifyControl } from '../agent-services/control-channel.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { clearExpired, existingDevices, lockRows, storeLocks, type LockRow } from './lock.repository.ts';
import type { ServiceLog } from '../agent-services/service-log.ts';

export interface LockOptions {
  /** Shown on the lock screen. */
  readonly message?: string | undefined;
  /** The lock lifts by itself at this instant. */
  readonly until?: Date | undefined;
  readonly by: Actor;
}

export type LockResult =
  | { readonly ok: true; readonly lockId: string; readonly deviceIds: readonly string[] }
  | { readonly ok: false; readonly code: 'lock-invalid' | 'device-unknown'; readonly message: string };

/** Longest a timed lock may run; an untimed lock lasts until unlocked. */
export const maxLockMs = 30 * 86_400_000;
const maxDevicesPerCommand = 10_000;
const messageSchema = lockPayloadSchema.shape.message;

export interface LockServiceOptions {
  readonly db: Db;
  readonly log: ServiceLog;
  readonly hub?: AgentHubRef;
  readonly now?: () => Date;
}

/**
 * Teacher locks: stored per device (so they survive agent restarts and reconnects),
 * audited, and announced on the control channel; every collector node then pushes the
 * state to the devices connected to it (`pushTo`).
 */
export class LockService implements LockProvider {
  readonly #db: Db;
  readonly #log: ServiceLog;
  readonly #hub: AgentHubRef;
  readonly #now: () => Date;

  constructor(options: LockServiceOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#hub = options.hub ?? noAgentHub;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * What to tell a (re)connecting device: the lock in force (`on: true`); `on: false`
   * after an unlock or an expired timed lock, so an agent that missed the unlock while
   * offline lifts its lock screen; undefined when the device was never locked.
   */
  async forDevice(deviceId: string): Promise<LockPayload | undefined> {
    return (await this.forDevices([deviceId])).get(deviceId);
  }

  async forDevices(deviceIds: readonly string[]): Promise<Map<string, LockPayload>> {
    const rows = await lockRows(this.#db, deviceIds);
    const now = this.#now();
    const expired = rows.filter((row) => row.locked && row.until !== null && row.until <= now);
    if (expired.length > 0)
      await this.#clearExpired(
        expired.map((row) => row.deviceId),
        now,
      );
    const expiredIds = new Set(expired.map((row) => row.deviceId));
    return new Map(rows.map((row) => [row.deviceId, toPayload(row, expiredIds.has(row.deviceId))]));
  }

  lockDevices(deviceIds: readonly string[], options: LockOptions): Promise<LockResult> {
    const message = options.message?.trim() === '' ? undefined : options.message?.trim();
    if (message !== undefined && !messageSchema.safeParse(message).success) {
      return Promise.resolve({ ok: false, code: 'lock-invalid', message: 'the lock message must be at most 500 characters of plain text' });
    }
    const until = options.until;
    if (until !== undefined) {
      const ms = until.getTime() - this.#now().getTime();
      if (!Number.isFinite(ms) || ms <= 0 || ms > maxLockMs) {
        return Promise.resolve({ ok: false, code: 'lock-invalid', message: 'a timed lock must end in the future and within 30 days' });
      }
    }
    return this.#write(deviceIds, { locked: true, message: message ?? null, until: until ?? null, by: options.by });
  }

  unlockDevices(deviceIds: readonly string[], by: Actor): Promise<LockResult> {
    return this.#write(deviceIds, { locked: false, message: null, until: null, by });
  }

  /** Sends each of these devices (if connected here) its lock state; returns how many. */
  async pushTo(deviceIds: readonly string[]): Promise<number> {
    const hub = this.#hub();
    if (hub === undefined || deviceIds.length === 0) return 0;
    const states = await this.forDevices(connectedAmong(hub, deviceIds));
    let sent = 0;
    for (const [deviceId, payload] of states) if (hub.send(deviceId, makeEnvelope('lock', payload))) sent += 1;
    return sent;
  }

  async #write(deviceIds: readonly string[], change: { locked: boolean; message: string | null; until: Date | null; by: Actor }): Promise<LockResult> {
    const ids = [...new Set(deviceIds)];
    if (ids.length === 0 || ids.length > maxDevicesPerCommand) {
      return { ok: false, code: 'lock-invalid', message: `name 1..${maxDevicesPerCommand} devices` };
    }
    const known = await existingDevices(this.#db, ids);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      return {
        ok: false,
        code: 'device-unknown',
        message: `no device with id ${unknown
          .slice(0, 5)
          .map((id) => `"${id}"`)
          .join(', ')}`,
      };
    // One id per command, so the agents' acks of a lock-all can be matched to it.
    const lockId = ulid();
    await this.#db.transaction(async (tx) => {
      await storeLocks(
        tx,
        ids.map((deviceId) => ({ deviceId, locked: change.locked, lockId, message: change.message, until: change.until, byUserId: change.by.userId })),
      );
      for (const deviceId of ids) {
        await appendAudit(tx, {
          ...auditActor(change.by),
          action: change.locked ? 'lock.on' : 'lock.off',
          targetType: 'device',
          targetId: deviceId,
          detail: { lockId, message: change.message, until: change.until?.toISOString() ?? null },
        });
      }
      await notifyControl(tx, { kind: 'lock', deviceIds: ids });
    });
    this.#log.info({ lockId, devices: ids.length, locked: change.locked, by: change.by.label }, change.locked ? 'devices locked' : 'devices unlocked');
    return { ok: true, lockId, deviceIds: ids };
  }

  async #clearExpired(deviceIds: readonly string[], now: Date): Promise<void> {
    await this.#db.transaction(async (tx) => {
      // Only rows this call actually changed are audited: two nodes may race here.
      for (const { deviceId, lockId } of await clearExpired(tx, deviceIds, now)) {
        await appendAudit(tx, {
          ...auditActor(systemActor),
          action: 'lock.off',
          targetType: 'device',
          targetId: deviceId,
          detail: { lockId, reason: 'expired' },
        });
      }
    });
  }
}

function toPayload(row: LockRow, expired: boolean): LockPayload {
  if (!row.locked || expired) return { on: false, lockId: row.lockId };
  return {
    on: true,
    lockId: row.lockId,
    ...(row.message === null ? {} : { message: row.message }),
    ...(row.until === null ? {} : { until: row.until.getTime() }),
    ...(row.byName === null ? {} : { by: row.byName.slice(0, 200) }),
  };
}
