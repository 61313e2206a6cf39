import type { ImportProblem, MappedPupil, PupilImportResult } from '@vigil/shared/console';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../admin/admin-context.ts';
import { pupilAccounts, pupilImportRuns, pupils, type PupilAccountKind } from '../db/schema/index.ts';

// Writes one import inside the caller's transaction: pupils matched by their MIS key
// (added / updated / unchanged), accounts replaced where they changed, pupils missing from
// a full import marked left (never deleted here: retention does that), and the run row.
// What the file has no column for is left as it was: a re-import of names and usernames
// only does not wipe year groups or e-mail accounts.

export interface ImportPlan {
  readonly siteId: string;
  readonly pupils: readonly MappedPupil[];
  readonly full: boolean;
  readonly rows: number;
  readonly fileName: string | null;
  readonly actor: { readonly userId: string | null; readonly label: string };
  readonly now: Date;
  /** Which optional fields and account kinds the mapping has a column for. */
  readonly mapped: { readonly yearGroup: boolean; readonly tutorGroup: boolean; readonly classes: boolean; readonly kinds: ReadonlySet<PupilAccountKind> };
}

type Account = { kind: PupilAccountKind; username: string };
const accountKey = (account: Account) => `${account.kind}:${account.username}`;
const sorted = (values: readonly string[]) => [...values].sort().join('\n');

export async function applyImport(tx: Executor, plan: ImportPlan, problems: ImportProblem[]): Promise<PupilImportResult> {
  // Two imports of one site at once would race on the same keys: the second waits.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil.pupil-import'), hashtext(${plan.siteId}))`);
  const existing = await tx.select().from(pupils).where(eq(pupils.siteId, plan.siteId));
  const existingAccounts = await tx.select().from(pupilAccounts).where(eq(pupilAccounts.siteId, plan.siteId));
  const byMisId = new Map(existing.map((row) => [row.misId, row]));
  const accountsOf = new Map<string, Account[]>();
  const ownerOf = new Map<string, string>();
  for (const account of existingAccounts) {
    accountsOf.set(account.pupilId, [...(accountsOf.get(account.pupilId) ?? []), account]);
    ownerOf.set(accountKey(account), account.pupilId);
  }
  const inFile = new Set(plan.pupils.map((pupil) => pupil.misId));
  const inFileIds = new Set(plan.pupils.map((pupil) => byMisId.get(pupil.misId)?.id).filter((id): id is string => id !== undefined));

  const counts = { added: 0, updated: 0, unchanged: 0, left: 0 };
  const releaseIds: string[] = [];
  const replaceFor: string[] = [];
  const inserts: (Account & { pupilId: string })[] = [];
  for (const pupil of plan.pupils) {
    const before = byMisId.get(pupil.misId);
    const pupilId = before?.id;
    // A username held by a pupil who is not in this file: a full import moves it (that
    // pupil is leaving); a partial import leaves it where it is and says so.
    const kept = (before === undefined ? [] : (accountsOf.get(before.id) ?? [])).filter((account) => !plan.mapped.kinds.has(account.kind));
    const fromFile = pupil.accounts.filter((account) => {
      const owner = ownerOf.get(accountKey(account));
      if (owner === undefined || owner === pupilId || inFileIds.has(owner)) return true;
      if (plan.full) {
        const held = existingAccounts.find((row) => row.pupilId === owner && row.kind === account.kind && row.username === account.username);
        if (held !== undefined) releaseIds.push(held.id);
        return true;
      }
      problems.push({
        row: pupil.row,
        code: 'username-taken',
        message: `Row ${pupil.row} (${pupil.misId}): ${account.kind} username "${account.username}" belongs to another pupil not in this file; left out.`,
      });
      return false;
    });
    const accounts = [...kept.map(({ kind, username }) => ({ kind, username })), ...fromFile];
    const values = {
      givenName: pupil.givenName,
      familyName: pupil.familyName,
      yearGroup: plan.mapped.yearGroup || before === undefined ? pupil.yearGroup : before.yearGroup,
      tutorGroup: plan.mapped.tutorGroup || before === undefined ? pupil.tutorGroup : before.tutorGroup,
      classes: plan.mapped.classes || before === undefined ? pupil.classes : before.classes,
    };
    if (before === undefined) {
      const [row] = await tx
        .insert(pupils)
        .values({ siteId: plan.siteId, misId: pupil.misId, ...values, createdAt: plan.now, updatedAt: plan.now })
        .returning({ id: pupils.id });
      if (row === undefined) throw new Error('pupil insert returned nothing');
      for (const account of accounts) inserts.push({ ...account, pupilId: row.id });
      counts.added += 1;
      continue;
    }
    const accountsChanged = sorted((accountsOf.get(before.id) ?? []).map(accountKey)) !== sorted(accounts.map(accountKey));
    const detailsChanged =
      before.givenName !== values.givenName ||
      before.familyName !== values.familyName ||
      before.yearGroup !== values.yearGroup ||
      before.tutorGroup !== values.tutorGroup ||
      sorted(before.classes) !== sorted(values.classes) ||
      before.status !== 'active';
    if (detailsChanged)
      await tx
        .update(pupils)
        .set({ ...values, status: 'active', leftAt: null, updatedAt: plan.now })
        .where(eq(pupils.id, before.id));
    if (accountsChanged) {
      replaceFor.push(before.id);
      for (const account of accounts) inserts.push({ ...account, pupilId: before.id });
    }
    if (detailsChanged || accountsChanged) counts.updated += 1;
    else counts.unchanged += 1;
  }
  // Every delete before any insert, so two pupils may swap usernames in one file.
  if (releaseIds.length > 0) await tx.delete(pupilAccounts).where(inArray(pupilAccounts.id, releaseIds));
  if (replaceFor.length > 0) await tx.delete(pupilAccounts).where(inArray(pupilAccounts.pupilId, replaceFor));
  if (inserts.length > 0) await tx.insert(pupilAccounts).values(inserts.map((account) => ({ ...account, siteId: plan.siteId })));

  if (plan.full) {
    const leaving = existing.filter((row) => row.status === 'active' && !inFile.has(row.misId)).map((row) => row.id);
    if (leaving.length > 0)
      await tx
        .update(pupils)
        .set({ status: 'left', leftAt: plan.now, updatedAt: plan.now })
        .where(and(inArray(pupils.id, leaving), eq(pupils.status, 'active')));
    counts.left = leaving.length;
  }
  const [run] = await tx
    .insert(pupilImportRuns)
    .values({
      siteId: plan.siteId,
      actorUserId: plan.actor.userId,
      actorLabel: plan.actor.label,
      fileName: plan.fileName,
      fullImport: plan.full,
      rows: plan.rows,
      ...counts,
      problems,
      createdAt: plan.now,
    })
    .returning({ id: pupilImportRuns.id });
  if (run === undefined) throw new Error('import run insert returned nothing');
  return { runId: run.id, rows: plan.rows, ...counts, problems };
}
