import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { helloAuthSchema, pinSchema } from '@vigil/shared/protocol';
import type { StoredTrust } from './collector-transport.ts';

// The agent's state folder: device credentials, the "running" marker that tells a clean
// stop from a crash, and caches of the last policy and word list so detection works
// while the collector is away. Everything is owner-only: device.json holds a secret.

export function defaultStateDir(uid: number | undefined = process.getuid?.(), home: string = homedir()): string {
  return uid === 0 ? '/var/lib/vigil-agent' : join(home, '.local', 'state', 'vigil-agent');
}

export async function ensureStateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

const deviceAuthSchema = helloAuthSchema.options[1];
const deviceFileSchema = z.object({ deviceId: deviceAuthSchema.shape.deviceId, secret: deviceAuthSchema.shape.secret });

export type DeviceCredentials = z.infer<typeof deviceFileSchema>;

export type ReadResult<T> = { ok: true; value: T } | { ok: false; code: 'missing' | 'unreadable' | 'invalid'; detail: string };

/** Decodes a JSON file against `schema`; never throws (a damaged cache is just not used). */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    return { ok: false, code, detail: err instanceof Error ? err.message : String(err) };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'invalid', detail: err instanceof Error ? err.message : String(err) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'invalid', detail: parsed.error.issues[0]?.message ?? 'invalid' };
  return { ok: true, value: parsed.data };
}

/** Writes via a temp file, fsync and rename, so a crash leaves the old or the new file, never half of one. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', mode);
  try {
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    // A full disk: a half-written temp file would only take the space back from the next write.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export const deviceFile = (dir: string) => join(dir, 'device.json');

export async function readDeviceCredentials(dir: string): Promise<ReadResult<DeviceCredentials>> {
  return readJsonFile(deviceFile(dir), deviceFileSchema);
}

export async function writeDeviceCredentials(dir: string, creds: DeviceCredentials): Promise<void> {
  await writeFileAtomic(deviceFile(dir), `${JSON.stringify(creds)}\n`, 0o600);
}

// What device.json knows about the collector beside the credentials (collector-transport.ts).
// Optional: a device.json from before pinning has none, and older agents ignore them.
const trustFileSchema = z.object({
  collectorPins: z.array(pinSchema).max(16).optional(),
  collectorUrl: z
    .string()
    .max(2048)
    .refine((raw) => URL.canParse(raw) && new URL(raw).protocol === 'wss:')
    .optional(),
  upgradedFrom: z.string().max(2048).optional(),
});

/** The collector's pins and TLS address from device.json; nothing (not an error) when absent or damaged. */
export async function readDeviceTrust(dir: string): Promise<StoredTrust> {
  const result = await readJsonFile(deviceFile(dir), trustFileSchema);
  return result.ok ? result.value : {};
}

/** Merges `trust` into device.json (atomically), keeping the credentials. */
export async function updateDeviceTrust(dir: string, trust: StoredTrust): Promise<void> {
  const current = await readJsonFile(deviceFile(dir), z.record(z.string(), z.unknown()));
  if (!current.ok) throw new Error(`device.json: ${current.detail}`);
  await writeFileAtomic(deviceFile(dir), `${JSON.stringify({ ...current.value, ...trust })}\n`, 0o600);
}

export type PreviousExit = 'clean' | 'unclean' | 'first-run';

const markerFile = (dir: string) => join(dir, 'running');

/**
 * Reads how the last run ended and marks this one as running: the marker is removed only
 * by an orderly stop, so finding it means the previous run crashed or was killed.
 */
export async function beginRun(dir: string, enrolled: boolean): Promise<PreviousExit> {
  const previous = await readPreviousExit(dir, enrolled);
  await writeFileAtomic(markerFile(dir), `${process.pid}\n`, 0o600);
  return previous;
}

/** How the last run ended, without marking this one (what `beginRun` reports when the marker cannot be written). */
export async function readPreviousExit(dir: string, enrolled: boolean): Promise<PreviousExit> {
  try {
    await stat(markerFile(dir));
    return 'unclean';
  } catch {
    return enrolled ? 'clean' : 'first-run';
  }
}

export async function endRun(dir: string): Promise<void> {
  await rm(markerFile(dir), { force: true });
}
