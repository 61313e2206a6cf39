import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { screenshots } from '../db/schema/index.ts';

export type ScreenshotRow = typeof screenshots.$inferSelect;
export type NewScreenshot = Pick<typeof screenshots.$inferInsert, 'sha256' | 'bytes' | 'width' | 'height' | 'mime' | 'deviceId'>;

/** Records a stored blob; the first uploader wins, a repeat changes nothing. True when new. */
export async function insertScreenshot(db: Db, row: NewScreenshot): Promise<boolean> {
  const inserted = await db.insert(screenshots).values(row).onConflictDoNothing().returning({ sha256: screenshots.sha256 });
  return inserted.length > 0;
}

export async function findScreenshot(db: Db, sha256: string): Promise<ScreenshotRow | undefined> {
  const [row] = await db.select().from(screenshots).where(eq(screenshots.sha256, sha256)).limit(1);
  return row;
}
