// Rows for the retention tests, with every time column set explicitly (the purge runs
// against a fixed clock, so database defaults like now() would be meaningless).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { createRoom, createSite } from '../../admin/sites-rooms.repository.ts';
import type { Db } from '../../db/database.ts';
import { alertEvents, alerts, devices, screenshots, type AlertStatus } from '../../db/schema/index.ts';
import { sha256Hex, type BlobStore } from '../../evidence/blob-store.ts';

export const dayMs = 24 * 60 * 60_000;

export interface SeededDevice {
  readonly siteId: string;
  readonly roomId: string;
  readonly deviceId: string;
}

export async function seedDevice(db: Db, hostname = 'ICT-01'): Promise<SeededDevice> {
  const site = await createSite(db, `Retention Academy ${ulid().slice(-6)}`);
  const room = await createRoom(db, site.id, 'ICT Suite 1');
  const [device] = await db
    .insert(devices)
    .values({ siteId: site.id, roomId: room.id, hostname, os: 'linux', secretHash: 'x'.repeat(64) })
    .returning();
  if (device === undefined) throw new Error('no device row');
  return { siteId: site.id, roomId: room.id, deviceId: device.id };
}

export interface AlertSeed {
  readonly status: AlertStatus;
  /** When it arrived (server clock). */
  readonly receivedAt: Date;
  /** Last status change; defaults to receivedAt for closed alerts, null for new ones. */
  readonly statusChangedAt?: Date | null;
  readonly legalHold?: boolean;
  readonly screenshotSha256?: string | null;
  /** History rows to add (they go with the alert). */
  readonly events?: number;
}

export async function insertAlert(db: Db, where: SeededDevice, seed: AlertSeed): Promise<string> {
  const id = ulid();
  await db.insert(alerts).values({
    id,
    deviceId: where.deviceId,
    siteId: where.siteId,
    roomId: where.roomId,
    osUser: 'pupil01',
    ts: seed.receivedAt,
    receivedAt: seed.receivedAt,
    source: 'typed',
    term: 'example',
    category: 'self-harm',
    severity: 4,
    context: 'redacted context',
    screenshotSha256: seed.screenshotSha256 ?? null,
    status: seed.status,
    statusChangedAt: seed.statusChangedAt === undefined ? (seed.status === 'new' ? null : seed.receivedAt) : seed.statusChangedAt,
    legalHold: seed.legalHold ?? false,
  });
  if ((seed.events ?? 0) > 0) {
    await db
      .insert(alertEvents)
      .values(
        Array.from({ length: seed.events ?? 0 }, () => ({ alertId: id, at: seed.receivedAt, actorLabel: 'system', kind: 'note' as const, note: 'seen' })),
      );
  }
  return id;
}

/** A screenshot: its bytes in `blobs` and its row, stored at `storedAt`. */
export async function insertScreenshot(db: Db, blobs: BlobStore, where: SeededDevice, storedAt: Date, legalHold = false): Promise<string> {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(64)]);
  const sha256 = sha256Hex(bytes);
  await blobs.put(sha256, bytes);
  await db
    .insert(screenshots)
    .values({ sha256, bytes: bytes.byteLength, width: 320, height: 180, mime: 'image/jpeg', deviceId: where.deviceId, storedAt, legalHold });
  return sha256;
}

/** Where DiskBlobStore keeps a blob under `dataDir`. */
export function blobPath(dataDir: string, sha256: string): string {
  return join(dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}
