import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.repository.ts';
import { auditLog } from '../db/schema/index.ts';
import type { Db } from '../db/database.ts';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { markDeviceConnected, markDeviceDisconnected, markDevicesOffline, touchDevices, type DeviceFacts } from './agent-devices.repository.ts';

/** How a connection ended, as far as the device's status is concerned. */
export type DisconnectKind =
  /** The agent said `bye` first: a deliberate shutdown. */
  | 'bye'
  /** The socket dropped without `bye`: the agent was killed, unplugged or tampered with. */
  | 'silent'
  /** The collector closed it (heartbeat timeout, protocol violation, rate limit). */
  | 'closed';

const touchChunk = 5_000;

/**
 * Keeps `devices.status` / `last_seen_at` in step with the sockets. Writes for one
 * device are applied in the order they were issued (a drop followed by a quick
 * reconnect must end "online"); signs of life are collected and written once per
 * interval for all devices in one statement, so 10,000 heartbeating agents cost one
 * UPDATE a second. Failures are logged: presence must never break a connection.
 */
export class PresenceService {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  #touched = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: { db: Db; log: Logger; touchIntervalMs: number }) {
    this.#db = options.db;
    this.#log = options.log;
    this.#timer = setInterval(() => void this.flushTouches(), options.touchIntervalMs);
    this.#timer.unref();
  }

  /**
   * A hello that passed authentication. `previousExit: 'unclean'` is audited once per agent run: a hello carrying
   * the `runId` of a run already audited (the same process reconnecting, e.g. after a collector restart) is not
   * a new exit. An agent without `runId` (older) is audited per hello that says unclean.
   */
  connected(deviceId: string, facts: DeviceFacts, detail: { ip: string; previousExit: string; runId?: string | undefined }): Promise<void> {
    return this.#serial(deviceId, async () => {
      if (detail.previousExit !== 'unclean') {
        await markDeviceConnected(this.#db, deviceId, facts);
        return;
      }
      const runId = detail.runId;
      await this.#db.transaction(async (tx) => {
        await markDeviceConnected(tx, deviceId, facts);
        if (runId !== undefined && (await uncleanExitAudited(tx, deviceId, runId))) {
          this.#log.debug({ deviceId, runId }, 'unclean exit of this agent run already audited');
          return;
        }
        await appendAudit(tx, {
          actorLabel: `agent ${facts.hostname}`,
          action: 'agent.unclean-exit',
          targetType: 'device',
          targetId: deviceId,
          detail: { agentVersion: facts.agentVersion, osUser: facts.osUser, ...(runId === undefined ? {} : { runId }) },
          ip: detail.ip,
        });
      });
    });
  }

  /** Any message from the device; written with the next batch. */
  touch(deviceId: string): void {
    this.#touched.add(deviceId);
  }

  disconnected(deviceId: string, kind: DisconnectKind, detail: { ip: string; hostname?: string; connectedForMs: number }): Promise<void> {
    this.#touched.delete(deviceId);
    return this.#serial(deviceId, async () => {
      if (kind === 'bye') return markDeviceDisconnected(this.#db, deviceId, 'offline', 'bye');
      if (kind === 'closed') return markDeviceDisconnected(this.#db, deviceId, 'offline', undefined);
      await this.#db.transaction(async (tx) => {
        await markDeviceDisconnected(tx, deviceId, 'silent', 'silent');
        // A tamper signal for the technician's health view: the agent vanished without saying bye.
        await appendAudit(tx, {
          actorLabel: 'system',
          action: 'agent.silent',
          targetType: 'device',
          targetId: deviceId,
          detail: { event: 'agent went silent', connectedForMs: detail.connectedForMs },
          ip: detail.ip,
        });
      });
      this.#log.warn({ deviceId, ip: detail.ip }, 'agent went silent: connection dropped without bye');
    });
  }

  /** Shutdown: this node's devices go offline (the collector left, not the agents). */
  async allOffline(deviceIds: readonly string[]): Promise<void> {
    await this.flushTouches();
    await Promise.all(this.#chains.values());
    try {
      for (let start = 0; start < deviceIds.length; start += touchChunk) {
        await markDevicesOffline(this.#db, deviceIds.slice(start, start + touchChunk));
      }
    } catch (error) {
      this.#log.error({ err: error }, 'could not mark devices offline at shutdown');
    }
  }

  flushTouches(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#touched.size === 0) return;
      const ids = [...this.#touched];
      this.#touched = new Set();
      try {
        for (let start = 0; start < ids.length; start += touchChunk) {
          await touchDevices(this.#db, ids.slice(start, start + touchChunk));
        }
      } catch (error) {
        this.#log.warn({ err: error, devices: ids.length }, 'could not record last-seen times');
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flushTouches();
    await Promise.all(this.#chains.values());
  }

  #serial(deviceId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.#log.error({ err: error, deviceId }, 'could not update device presence');
    });
    this.#chains.set(deviceId, next);
    void next.then(() => {
      if (this.#chains.get(deviceId) === next) this.#chains.delete(deviceId);
    });
    return next;
  }
}

/** An `agent.unclean-exit` entry for this device and agent run exists (audit_log_target_idx narrows it to the device). */
async function uncleanExitAudited(db: Pick<Db, 'select'>, deviceId: string, runId: string): Promise<boolean> {
  const rows = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.targetType, 'device'),
        eq(auditLog.targetId, deviceId),
        eq(auditLog.action, 'agent.unclean-exit'),
        sql`${auditLog.detail}->>'runId' = ${runId}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
