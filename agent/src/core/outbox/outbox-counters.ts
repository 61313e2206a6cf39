// Loss counters survive restarts in `counters.json` so the collector learns about every
// dropped alert even if the agent restarted since. Written with write-temp-then-rename,
// so a crash leaves either the old or the new file, never a torn one.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { OutboxLogger } from './outbox-types.ts';

const count = z.number().int().min(0).catch(0);

const countersSchema = z.object({
  version: z.literal(1),
  droppedActivity: count,
  droppedAlerts: count,
  corruptRecordsSkipped: count,
  segmentsQuarantined: count,
  rejected: count,
});

export type OutboxCounters = Omit<z.infer<typeof countersSchema>, 'version'>;

export const COUNTERS_FILE = 'counters.json';

export function zeroCounters(): OutboxCounters {
  return { droppedActivity: 0, droppedAlerts: 0, corruptRecordsSkipped: 0, segmentsQuarantined: 0, rejected: 0 };
}

export async function loadCounters(dir: string, logger: OutboxLogger): Promise<OutboxCounters> {
  let text: string;
  try {
    text = await readFile(join(dir, COUNTERS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err }, 'outbox counters unreadable; starting from zero');
    return zeroCounters();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = countersSchema.safeParse(json);
  if (!parsed.success) {
    logger.warn({ file: COUNTERS_FILE }, 'outbox counters file is damaged; starting from zero');
    return zeroCounters();
  }
  const { version: _version, ...counters } = parsed.data;
  return counters;
}

/** `durable`: fsync before the rename (used when an alert was lost, so the count is never lost too). */
export async function saveCounters(dir: string, counters: OutboxCounters, durable: boolean): Promise<void> {
  const tmp = join(dir, `${COUNTERS_FILE}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify({ version: 1, ...counters }));
    if (durable) await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, COUNTERS_FILE));
}
