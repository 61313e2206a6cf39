import { and, asc, eq, isNull } from 'drizzle-orm';
import type { MatchKind } from '@vigil/shared';
import type { Db } from '../db/database.ts';
import { allowlistEntries, wordlistEntries } from '../db/schema/index.ts';

export interface CustomTerm {
  readonly id: string;
  readonly term: string;
  readonly category: string;
  readonly severity: number;
  readonly match: MatchKind;
}

export interface CustomAllow {
  readonly id: string;
  readonly term: string;
}

export interface CustomEntries {
  readonly terms: readonly CustomTerm[];
  readonly allow: readonly CustomAllow[];
}

/**
 * The enabled custom entries that apply everywhere (site_id null). Site-scoped entries
 * wait for per-site word lists: one list goes to every agent of this collector today.
 */
export async function enabledCustomEntries(db: Db): Promise<CustomEntries> {
  const terms = await db
    .select({
      id: wordlistEntries.id,
      term: wordlistEntries.term,
      category: wordlistEntries.category,
      severity: wordlistEntries.severity,
      match: wordlistEntries.match,
    })
    .from(wordlistEntries)
    .where(and(eq(wordlistEntries.enabled, true), isNull(wordlistEntries.siteId)))
    .orderBy(asc(wordlistEntries.createdAt), asc(wordlistEntries.id));
  const allow = await db
    .select({ id: allowlistEntries.id, term: allowlistEntries.term })
    .from(allowlistEntries)
    .where(and(eq(allowlistEntries.enabled, true), isNull(allowlistEntries.siteId)))
    .orderBy(asc(allowlistEntries.createdAt), asc(allowlistEntries.id));
  return { terms, allow };
}
