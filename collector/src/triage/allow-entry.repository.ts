import { and, eq, isNull } from 'drizzle-orm';
import { notifyControl } from '../agent-services/control-channel.ts';
import { auditActor, type Actor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { allowlistEntries } from '../db/schema/index.ts';
import type { Executor } from './alerts.repository.ts';

export type AllowOutcome = 'added' | 're-enabled' | 'already-allowed';

/**
 * Adds `term` to the trust-wide custom allow-list (site null: the only entries compiled
 * into the one list every agent gets today), audited `wordlist.allow.add`, and queues the
 * `wordlist` control event so every collector node recompiles and pushes to its agents
 * when the transaction commits. A disabled entry for the same term is switched back on.
 */
export async function addAllowEntry(tx: Executor, input: { term: string; actor: Actor; alertId: string; ip: string | null }): Promise<AllowOutcome> {
  const inserted = await tx
    .insert(allowlistEntries)
    .values({ term: input.term, siteId: null, note: `dismissed alert ${input.alertId}`, createdBy: input.actor.userId })
    .onConflictDoNothing()
    .returning({ id: allowlistEntries.id });
  let outcome: AllowOutcome = 'added';
  let entryId = inserted[0]?.id;
  if (entryId === undefined) {
    const enabled = await tx
      .update(allowlistEntries)
      .set({ enabled: true })
      .where(and(isNull(allowlistEntries.siteId), eq(allowlistEntries.term, input.term), eq(allowlistEntries.enabled, false)))
      .returning({ id: allowlistEntries.id });
    entryId = enabled[0]?.id;
    outcome = entryId === undefined ? 'already-allowed' : 're-enabled';
  }
  if (outcome === 'already-allowed') return outcome;
  await appendAudit(tx, {
    ...auditActor(input.actor),
    action: 'wordlist.allow.add',
    targetType: 'allowlist-entry',
    targetId: entryId ?? null,
    detail: { term: input.term, alertId: input.alertId, outcome },
    ip: input.ip,
  });
  await notifyControl(tx, { kind: 'wordlist' });
  return outcome;
}
