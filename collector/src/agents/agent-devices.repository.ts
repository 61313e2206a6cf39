import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { devices, enrolmentTokens, type DeviceAgentKind, type DeviceExitKind, type DeviceStatus } from '../db/schema/index.ts';

// The device rows the agent gateway reads and writes: enrolment, credentials, presence.

/** A device as the gateway knows it after authentication; rows it ingests carry these ids. */
export interface DeviceIdentity {
  readonly id: string;
  readonly siteId: string;
  readonly roomId: string | null;
}

export interface DeviceCredentials extends DeviceIdentity {
  readonly secretHash: string;
  readonly retired: boolean;
}

export interface ConsumedEnrolmentToken {
  readonly id: string;
  readonly siteId: string;
  readonly roomId: string | null;
}

/** What `hello` tells us about the machine; copied onto the device row at every connect. */
export interface DeviceFacts {
  readonly hostname: string;
  readonly os: string;
  readonly osVersion: string;
  readonly agentVersion: string;
  readonly capabilities: readonly string[];
  /** Null when nobody is signed in (for a browser agent: the profile e-mail, if no OS user). */
  readonly osUser: string | null;
  readonly wordlistVersion: string | undefined;
  readonly agentKind: DeviceAgentKind;
  readonly browser: string | null;
  /** Null clears it: the profile can be signed out or switched between connects. */
  readonly profileEmail: string | null;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Db | Tx;

/**
 * Takes one use of an enrolment token in a single UPDATE … RETURNING, so two agents
 * racing for the last use cannot both get it. Undefined when the token is unknown,
 * expired, revoked or used up (the caller does not learn which, nor does the agent).
 */
export async function consumeEnrolmentToken(db: Executor, tokenHash: string): Promise<ConsumedEnrolmentToken | undefined> {
  const [row] = await db
    .update(enrolmentTokens)
    .set({ usesLeft: sql`${enrolmentTokens.usesLeft} - 1` })
    .where(
      and(
        eq(enrolmentTokens.tokenHash, tokenHash),
        gt(enrolmentTokens.usesLeft, 0),
        gt(enrolmentTokens.expiresAt, sql`now()`),
        isNull(enrolmentTokens.revokedAt),
      ),
    )
    .returning({ id: enrolmentTokens.id, siteId: enrolmentTokens.siteId, roomId: enrolmentTokens.roomId });
  return row;
}

export async function insertEnrolledDevice(
  db: Executor,
  input: { token: ConsumedEnrolmentToken; facts: DeviceFacts; secretHash: string },
): Promise<DeviceIdentity> {
  const { token, facts } = input;
  const [row] = await db
    .insert(devices)
    .values({
      siteId: token.siteId,
      roomId: token.roomId,
      enrolmentTokenId: token.id,
      secretHash: input.secretHash,
      ...factColumns(facts),
    })
    .returning({ id: devices.id, siteId: devices.siteId, roomId: devices.roomId });
  if (row === undefined) throw new Error('insert into devices returned no row');
  return row;
}

export async function findDeviceCredentials(db: Executor, deviceId: string): Promise<DeviceCredentials | undefined> {
  const [row] = await db
    .select({ id: devices.id, siteId: devices.siteId, roomId: devices.roomId, secretHash: devices.secretHash, retired: devices.retired })
    .from(devices)
    .where(eq(devices.id, deviceId))
    .limit(1);
  return row;
}

/** The device connected: online now, with what its `hello` said about the machine. */
export async function markDeviceConnected(db: Executor, deviceId: string, facts: DeviceFacts): Promise<void> {
  await db
    .update(devices)
    .set({ status: 'online', lastSeenAt: sql`now()`, ...factColumns(facts) })
    .where(eq(devices.id, deviceId));
}

/** Any message counts as a sign of life; written in one statement for many devices. */
export async function touchDevices(db: Executor, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await db
    .update(devices)
    .set({ lastSeenAt: sql`now()` })
    .where(inArray(devices.id, [...deviceIds]));
}

export async function markDeviceDisconnected(db: Executor, deviceId: string, status: DeviceStatus, previousExit: DeviceExitKind | undefined): Promise<void> {
  await db
    .update(devices)
    .set({ status, lastSeenAt: sql`now()`, ...(previousExit === undefined ? {} : { previousExit }) })
    .where(eq(devices.id, deviceId));
}

/** The collector is shutting down: its sockets' devices are offline, not silent. */
export async function markDevicesOffline(db: Executor, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await db
    .update(devices)
    .set({ status: 'offline' })
    .where(and(inArray(devices.id, [...deviceIds]), eq(devices.status, 'online')));
}

function factColumns(facts: DeviceFacts) {
  return {
    hostname: facts.hostname,
    os: facts.os,
    osVersion: facts.osVersion,
    agentVersion: facts.agentVersion,
    capabilities: [...facts.capabilities],
    lastOsUser: facts.osUser,
    agentKind: facts.agentKind,
    browser: facts.browser,
    profileEmail: facts.profileEmail,
    ...(facts.wordlistVersion === undefined ? {} : { wordlistVersion: facts.wordlistVersion }),
  };
}
