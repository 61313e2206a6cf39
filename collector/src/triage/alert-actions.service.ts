import type { WordlistPayload } from '@vigil/shared';
import type { BulkRequest } from '@vigil/shared/console';
import { mergeWordlist } from '@vigil/shared/wordlist';
import { eq, sql } from 'drizzle-orm';
import { auditActor, type Actor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { alertEvents, alerts, users, type AlertStatus, type UserRole } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import type { AlertScope } from './alert-scope.ts';
import { lockAlerts, type LockedAlert } from './alerts.repository.ts';
import { addAllowEntry, type AllowOutcome } from './allow-entry.repository.ts';
import { catalogSource, type CategoryCatalog } from './category-catalog.ts';
import { checkClosing, checkTransition } from './status-transitions.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The word-list service as triage uses it (app.agentServices.wordlists). */
export interface TriageWordlists {
  current(): WordlistPayload;
  reload(): Promise<unknown>;
}

/** Who is acting, from where, and which alerts they may touch. */
export interface TriageCaller {
  readonly user: AuthUser;
  readonly scope: AlertScope;
  readonly ip: string | null;
}

/** Who may be given an alert: staff of the alert's site, or trust-wide staff. */
const assignableRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

const bulkTargets: Readonly<Record<Exclude<BulkRequest['action'], 'assign-me'>, AlertStatus>> = {
  resolve: 'resolved',
  dismiss: 'dismissed',
  escalate: 'escalated',
  'in-review': 'in-review',
};

function actorOfCaller(caller: TriageCaller): Actor {
  return { userId: caller.user.id, label: caller.user.username };
}

/** An empty or blank note is no note. */
function noteOrNull(note: string | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function notFound(): AppError {
  return new AppError('alert-not-found', 404, 'No such alert');
}

/**
 * The triage changes to alerts. Each one runs in ONE transaction that locks the alert,
 * checks the change against its current state, writes it, its `alert_events` row and
 * its audit entry: either all of them land or none.
 */
export class AlertActions {
  readonly #db: Db;
  readonly #wordlists: TriageWordlists;
  readonly #catalog: () => CategoryCatalog;

  constructor(options: { db: Db; wordlists: TriageWordlists }) {
    this.#db = options.db;
    this.#wordlists = options.wordlists;
    this.#catalog = catalogSource(() => options.wordlists.current());
  }

  /**
   * Moves one alert to `to` (409 `status-transition` / `status-unchanged` when not allowed;
   * closing rules: 403 `restricted-dsl-only`, 400 `validation-failed` on `note`).
   */
  async changeStatus(caller: TriageCaller, alertId: string, to: AlertStatus, note?: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const alert = await lockOne(tx, caller, alertId);
      moveStatus(caller, alert, to, note, this.#catalog());
      await recordStatus(tx, caller, alert, to, noteOrNull(note));
    });
  }

  /**
   * Dismisses one alert as a false positive; with `allow`, the word or phrase also goes
   * on the allow-list, and the word list in force is recompiled before this returns (so
   * the answer reflects it; agents get it pushed as for any other word-list change).
   */
  async dismiss(caller: TriageCaller, alertId: string, options: { note?: string; allow?: string }): Promise<{ allow: AllowOutcome | undefined }> {
    const allow = options.allow?.trim();
    if (allow !== undefined) this.#checkAllow(caller, allow);
    const outcome = await this.#db.transaction(async (tx) => {
      const alert = await lockOne(tx, caller, alertId);
      moveStatus(caller, alert, 'dismissed', options.note, this.#catalog());
      await recordStatus(tx, caller, alert, 'dismissed', noteOrNull(options.note));
      if (allow === undefined) return undefined;
      return addAllowEntry(tx, { term: allow, actor: actorOfCaller(caller), alertId, ip: caller.ip });
    });
    if (outcome === 'added' || outcome === 're-enabled') await this.#wordlists.reload();
    return { allow: outcome };
  }

  /**
   * Before anything changes: the same rules as adding an allow-list word from the word-list
   * page (admin/custom-words.service.ts). One list goes to every site, so only trust-wide
   * staff may add to it; and the word must survive the compiler's merge, or it would be
   * stored and silently left out.
   */
  #checkAllow(caller: TriageCaller, allow: string): void {
    if (caller.user.siteId !== null) {
      throw new AppError('site-forbidden', 403, 'The allow-list applies to every site; dismiss without it, or ask a trust-wide administrator');
    }
    const merged = allow === '' ? undefined : mergeWordlist(this.#wordlists.current(), { allow: [allow] });
    if (merged === undefined || !merged.ok) {
      const message = merged?.ok === false ? (merged.errors[0]?.message ?? 'not usable') : 'the word is empty';
      throw new AppError('validation-failed', 400, 'The request body is not valid', { fields: [{ path: 'allow', message }] });
    }
  }

  async addNote(caller: TriageCaller, alertId: string, note: string): Promise<void> {
    const text = noteOrNull(note);
    if (text === null) throw new AppError('validation-failed', 400, 'The note is empty', { fields: [{ path: 'note', message: 'must not be blank' }] });
    await this.#db.transaction(async (tx) => {
      const alert = await lockOne(tx, caller, alertId);
      await tx.insert(alertEvents).values({ alertId: alert.id, ...eventActor(caller), kind: 'note', note: text });
      await appendAudit(tx, { ...auditActor(actorOfCaller(caller)), action: 'alert.note', targetType: 'alert', targetId: alert.id, ip: caller.ip });
    });
  }

  /** Gives the alert to `assigneeId` (null: nobody); 400 `assignee-invalid` for someone who may not have it. */
  async assign(caller: TriageCaller, alertId: string, assigneeId: string | null): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const alert = await lockOne(tx, caller, alertId);
      if (alert.assigneeId === assigneeId) return;
      const assignee = assigneeId === null ? null : await assignableUser(tx, assigneeId, alert.siteId);
      await recordAssignment(tx, caller, alert, assignee);
    });
  }

  /**
   * The same change for many alerts, in one transaction. An alert that is not in the
   * caller's scope (or does not exist), or whose status may not change so, is skipped
   * rather than failing the rest; one a closing rule keeps open is skipped and also
   * listed in `refused` with the rule's code and why.
   */
  async bulk(caller: TriageCaller, request: BulkRequest): Promise<BulkOutcome> {
    const ids = [...new Set(request.ids)];
    const note = noteOrNull(request.note);
    const catalog = this.#catalog();
    return this.#db.transaction(async (tx) => {
      const locked = await lockAlerts(tx, caller.scope, ids);
      const outcome: BulkOutcome = { updated: [], skipped: [], refused: [] };
      for (const id of ids) {
        const alert = locked.get(id);
        const result = alert === undefined ? 'skipped' : await applyBulk(tx, caller, alert, request.action, note, catalog);
        if (result === 'updated') outcome.updated.push(id);
        else outcome.skipped.push(id);
        if (typeof result === 'object') outcome.refused.push({ id, ...result });
      }
      return outcome;
    });
  }
}

export interface BulkOutcome {
  updated: string[];
  skipped: string[];
  refused: { id: string; code: string; message: string }[];
}

async function applyBulk(
  tx: Tx,
  caller: TriageCaller,
  alert: LockedAlert,
  action: BulkRequest['action'],
  note: string | null,
  catalog: CategoryCatalog,
): Promise<'updated' | 'skipped' | { code: string; message: string }> {
  if (action === 'assign-me') {
    if (alert.assigneeId === caller.user.id) return 'skipped';
    // The caller sees this alert, so they are staff of its site or trust-wide.
    await recordAssignment(tx, caller, alert, { id: caller.user.id, displayName: caller.user.displayName });
    return 'updated';
  }
  const to = bulkTargets[action];
  if (!checkTransition(alert.status, to, caller.user.role).ok) return 'skipped';
  const closing = checkClosing(closingFacts(alert, catalog), to, caller.user.role, note);
  if (!closing.ok) return { code: closing.code, message: closing.message };
  await recordStatus(tx, caller, alert, to, note, { bulk: true });
  return 'updated';
}

function closingFacts(alert: LockedAlert, catalog: CategoryCatalog) {
  return { status: alert.status, severity: alert.severity, restricted: catalog.facts(alert.category).restricted };
}

async function lockOne(tx: Tx, caller: TriageCaller, alertId: string): Promise<LockedAlert> {
  const alert = (await lockAlerts(tx, caller.scope, [alertId])).get(alertId);
  if (alert === undefined) throw notFound();
  return alert;
}

/**
 * Throws unless `caller` may move `alert` to `to`: 409 `status-unchanged`, then 403
 * `restricted-dsl-only` (closing a restricted alert), 409 `status-transition`, then 400
 * `validation-failed` naming `note` (closing a serious alert without a reason).
 */
function moveStatus(caller: TriageCaller, alert: LockedAlert, to: AlertStatus, note: string | undefined, catalog: CategoryCatalog): void {
  const transition = checkTransition(alert.status, to, caller.user.role);
  if (!transition.ok && transition.code === 'status-unchanged') throw new AppError(transition.code, 409, transition.message, { from: alert.status, to });
  const closing = checkClosing(closingFacts(alert, catalog), to, caller.user.role, note);
  if (!closing.ok && closing.code === 'restricted-dsl-only') throw new AppError(closing.code, 403, closing.message, { from: alert.status, to });
  if (!transition.ok) throw new AppError(transition.code, 409, transition.message, { from: alert.status, to });
  if (!closing.ok) throw new AppError('validation-failed', 400, closing.message, { fields: [{ path: 'note', message: closing.message }] });
}

function eventActor(caller: TriageCaller): { actorUserId: string; actorLabel: string } {
  return { actorUserId: caller.user.id, actorLabel: caller.user.displayName };
}

async function recordStatus(
  tx: Tx,
  caller: TriageCaller,
  alert: LockedAlert,
  to: AlertStatus,
  note: string | null,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await tx
    .update(alerts)
    .set({ status: to, statusChangedAt: sql`now()` })
    .where(eq(alerts.id, alert.id));
  await tx.insert(alertEvents).values({ alertId: alert.id, ...eventActor(caller), kind: 'status', fromStatus: alert.status, toStatus: to, note });
  await appendAudit(tx, {
    ...auditActor(actorOfCaller(caller)),
    action: 'alert.status',
    targetType: 'alert',
    targetId: alert.id,
    detail: { from: alert.status, to, ...extra },
    ip: caller.ip,
  });
}

async function recordAssignment(tx: Tx, caller: TriageCaller, alert: LockedAlert, assignee: { id: string; displayName: string } | null): Promise<void> {
  await tx
    .update(alerts)
    .set({ assigneeId: assignee?.id ?? null })
    .where(eq(alerts.id, alert.id));
  await tx
    .insert(alertEvents)
    .values({ alertId: alert.id, ...eventActor(caller), kind: 'assign', note: assignee === null ? 'Unassigned' : `Assigned to ${assignee.displayName}` });
  await appendAudit(tx, {
    ...auditActor(actorOfCaller(caller)),
    action: 'alert.assign',
    targetType: 'alert',
    targetId: alert.id,
    detail: { from: alert.assigneeId, to: assignee?.id ?? null },
    ip: caller.ip,
  });
}

async function assignableUser(tx: Tx, userId: string, siteId: string): Promise<{ id: string; displayName: string }> {
  const [user] = await tx
    .select({ id: users.id, displayName: users.displayName, role: users.role, siteId: users.siteId, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const ok = user !== undefined && !user.disabled && assignableRoles.includes(user.role) && (user.siteId === null || user.siteId === siteId);
  if (!ok) throw new AppError('assignee-invalid', 400, "Alerts can be assigned only to a technician, DSL or admin of the alert's site (or trust-wide)");
  return { id: user.id, displayName: user.displayName };
}
