import type { alertQuerySchema, AlertStatus } from '@vigil/shared/console';
import { and, eq, gte, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { AuthUser } from '../auth/request-user.ts';
import { alerts } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { alertScopeCondition, type AlertScope } from './alert-scope.ts';
import type { AlertPosition } from './alerts.repository.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { revealedBy } from './screenshot-reveal.repository.ts';

export type DecodedAlertQuery = z.output<typeof alertQuerySchema>;

/**
 * "Open" in the queue: still needs triage. Escalated alerts are the DSL's and have their
 * own view (`status=escalated`), so the queue's `j` never walks onto them.
 */
export const openStatuses: readonly AlertStatus[] = ['new', 'in-review'];

/** Decodes a query string or throws 400 `validation-failed` naming the parameters (never their values). */
export function decodeQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  // Fastify's parsed query has no prototype; a plain copy keeps zod's object checks simple.
  const parsed = schema.safeParse(typeof query === 'object' && query !== null ? { ...query } : query);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('validation-failed', 400, 'The query string is not valid', { fields });
}

// ── The paging cursor: opaque to the console, base64url of [severity, ts, id] ─────────

const cursorSchema = z.tuple([z.number().int().min(1).max(5), z.iso.datetime(), z.string().min(1).max(64)]);

export function encodeCursor(position: AlertPosition): string {
  return Buffer.from(JSON.stringify([position.severity, position.ts, position.id])).toString('base64url');
}

/** Throws 400 `cursor-invalid` for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): AlertPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new AppError('cursor-invalid', 400, 'The paging cursor is not valid; start again from the first page');
  const [severity, ts, id] = parsed.data;
  return { severity, ts, id };
}

// ── Filters ─────────────────────────────────────────────────────────────────────────

/** A LIKE pattern matching `text` anywhere, with LIKE's own characters taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Filters over withheld text must not be an oracle ("which restricted alerts mention X?"):
 * they match an alert only when the caller may read its text — its category is in the list
 * and not restricted, or the caller is a DSL with an active reveal of it (alert-redaction.ts).
 */
function readableText(user: Pick<AuthUser, 'id' | 'role'>, catalog: CategoryCatalog): SQL {
  const open = catalog.categories.filter((category) => !category.restricted).map((category) => category.id);
  const openCategory = open.length === 0 ? sql`false` : inArray(alerts.category, open);
  return user.role === 'dsl' ? (or(openCategory, revealedBy(user.id, alerts.id)) ?? openCategory) : openCategory;
}

/** The WHERE condition for a decoded query (without the cursor), always inside the user's scope. */
export function alertFilters(query: DecodedAlertQuery, scope: AlertScope, user: Pick<AuthUser, 'id' | 'role'>, catalog: CategoryCatalog): SQL | undefined {
  const userId = user.id;
  const conditions: (SQL | undefined)[] = [alertScopeCondition(scope)];
  if (query.status === 'open') conditions.push(inArray(alerts.status, [...openStatuses]));
  else if (query.status !== 'all') conditions.push(eq(alerts.status, query.status));
  if (query.category !== undefined) conditions.push(eq(alerts.category, query.category));
  if (query.severity !== undefined) conditions.push(gte(alerts.severity, query.severity));
  if (query.roomId !== undefined) conditions.push(eq(alerts.roomId, query.roomId));
  if (query.deviceId !== undefined) conditions.push(eq(alerts.deviceId, query.deviceId));
  if (query.ids !== undefined) conditions.push(inArray(alerts.id, query.ids));
  if (query.user !== undefined && query.user.trim() !== '')
    conditions.push(sql`lower(${alerts.osUser}) = lower(${query.user.trim()})`, readableText(user, catalog));
  if (query.from !== undefined) conditions.push(gte(alerts.ts, new Date(query.from)));
  if (query.to !== undefined) conditions.push(lt(alerts.ts, new Date(query.to)));
  if (query.assignee === 'me') conditions.push(eq(alerts.assigneeId, userId));
  else if (query.assignee === 'none') conditions.push(isNull(alerts.assigneeId));
  else if (query.assignee !== undefined) conditions.push(eq(alerts.assigneeId, query.assignee));
  const text = query.q?.trim() ?? '';
  if (text !== '') {
    const pattern = containsPattern(text);
    conditions.push(
      or(
        ilike(alerts.term, pattern),
        ilike(alerts.context, pattern),
        ilike(alerts.windowTitle, pattern),
        ilike(alerts.url, pattern),
        ilike(alerts.app, pattern),
        ilike(alerts.osUser, pattern),
      ),
      readableText(user, catalog),
    );
  }
  return and(...conditions);
}
