// The school's own word-list entries (terms and allow-list words) as the console edits
// them. The word-list service (wordlists/) reads the enabled ones into the list in force.
import { asc, eq, isNull } from 'drizzle-orm';
import type { MatchKind, Severity } from '@vigil/shared';
import type { Db } from '../db/database.ts';
import { allowlistEntries, users, wordlistEntries } from '../db/schema/index.ts';

type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** CustomWord in @vigil/shared/console, with a Date. */
export interface CustomWordRow {
  readonly id: string;
  readonly kind: 'term' | 'allow';
  readonly term: string;
  readonly category: string | null;
  readonly severity: Severity | null;
  readonly match: MatchKind | null;
  readonly enabled: boolean;
  /** The user name of who added it (null: added outside the console, or the user is gone). */
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

// Only entries for every site (site_id null): those are the ones the list in force
// merges (custom-entries.repository.ts); per-site lists do not exist yet.

async function termRows(db: Executor, id?: string): Promise<CustomWordRow[]> {
  const rows = await db
    .select({
      id: wordlistEntries.id,
      term: wordlistEntries.term,
      category: wordlistEntries.category,
      severity: wordlistEntries.severity,
      match: wordlistEntries.match,
      enabled: wordlistEntries.enabled,
      createdBy: users.username,
      createdAt: wordlistEntries.createdAt,
    })
    .from(wordlistEntries)
    .leftJoin(users, eq(users.id, wordlistEntries.createdBy))
    .where(id === undefined ? isNull(wordlistEntries.siteId) : eq(wordlistEntries.id, id))
    .orderBy(asc(wordlistEntries.createdAt), asc(wordlistEntries.id));
  // The column's CHECK keeps severity within 1..5.
  return rows.map((row) => ({ ...row, kind: 'term', severity: row.severity as Severity }));
}

async function allowRows(db: Executor, id?: string): Promise<CustomWordRow[]> {
  const rows = await db
    .select({
      id: allowlistEntries.id,
      term: allowlistEntries.term,
      enabled: allowlistEntries.enabled,
      createdBy: users.username,
      createdAt: allowlistEntries.createdAt,
    })
    .from(allowlistEntries)
    .leftJoin(users, eq(users.id, allowlistEntries.createdBy))
    .where(id === undefined ? isNull(allowlistEntries.siteId) : eq(allowlistEntries.id, id))
    .orderBy(asc(allowlistEntries.createdAt), asc(allowlistEntries.id));
  return rows.map((row) => ({ ...row, kind: 'allow', category: null, severity: null, match: null }));
}

/** Every custom entry that applies to every site, oldest first. */
export async function listCustomWords(db: Executor): Promise<CustomWordRow[]> {
  const all = [...(await termRows(db)), ...(await allowRows(db))];
  return all.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}

export async function findCustomWord(db: Executor, id: string): Promise<CustomWordRow | undefined> {
  const [term] = await termRows(db, id);
  if (term !== undefined) return term;
  const [allow] = await allowRows(db, id);
  return allow;
}

export async function insertCustomTerm(
  db: Executor,
  entry: { term: string; category: string; severity: Severity; match: MatchKind; createdBy: string | null },
): Promise<string> {
  const [row] = await db
    .insert(wordlistEntries)
    .values({ siteId: null, ...entry })
    .returning({ id: wordlistEntries.id });
  if (row === undefined) throw new Error('insert into wordlist_entries returned no row');
  return row.id;
}

export async function insertCustomAllow(db: Executor, entry: { term: string; createdBy: string | null }): Promise<string> {
  const [row] = await db
    .insert(allowlistEntries)
    .values({ siteId: null, ...entry })
    .returning({ id: allowlistEntries.id });
  if (row === undefined) throw new Error('insert into allowlist_entries returned no row');
  return row.id;
}

export async function setCustomWordEnabled(db: Executor, kind: CustomWordRow['kind'], id: string, enabled: boolean, now: Date): Promise<void> {
  if (kind === 'term') await db.update(wordlistEntries).set({ enabled, updatedAt: now }).where(eq(wordlistEntries.id, id));
  else await db.update(allowlistEntries).set({ enabled }).where(eq(allowlistEntries.id, id));
}
