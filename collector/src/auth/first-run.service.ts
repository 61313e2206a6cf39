import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { setupTokens } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { generateSecret, hashSecret } from '../security/secrets.ts';
import type { SetupBody } from './auth.schemas.ts';
import { hashPassword, passwordWeakness } from './password.ts';
import { activeAdminExists, insertUser } from './users.repository.ts';

/** How long a first-run link works. */
export const setupTokenLifetimeMs = 24 * 60 * 60_000;

/**
 * While no admin exists: a fresh one-time setup token (earlier unused ones are revoked,
 * so only the newest printed link works). Undefined once an admin exists.
 */
export async function issueSetupToken(db: Db, now: Date): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-first-admin'))`);
    if (await activeAdminExists(tx)) return undefined;
    const token = generateSecret(32);
    await tx.delete(setupTokens).where(isNull(setupTokens.usedAt));
    await tx.insert(setupTokens).values({ tokenHash: hashSecret(token), createdAt: now, expiresAt: new Date(now.getTime() + setupTokenLifetimeMs) });
    return token;
  });
}

/**
 * Called by main.ts after `listen`: on a collector with no admin yet, logs ONE line with
 * the link that creates the first admin (`<baseUrl>/setup?token=…`, valid 24 h, single
 * use, a new one on every start). Returns the link, or undefined when there is an admin.
 */
export async function announceFirstRunSetup(app: FastifyInstance, baseUrl: string, now: Date = new Date()): Promise<string | undefined> {
  const token = await issueSetupToken(app.database.db, now);
  if (token === undefined) return undefined;
  const link = `${baseUrl.replace(/\/+$/, '')}/setup?token=${token}`;
  // The link is in the message on purpose: it is what the operator must see. It grants
  // nothing once an admin exists, and a restart replaces it.
  app.log.warn(`First run: no admin account yet. Create one within 24 hours at ${link}`);
  return link;
}

export interface CreatedAdmin {
  readonly id: string;
  readonly username: string;
}

/**
 * POST /api/auth/setup: spends the token and creates the first admin, atomically (an
 * advisory lock serialises racing requests, so there is exactly one first admin). The
 * new admin then signs in and must enrol TOTP before anything else.
 */
export async function completeSetup(db: Db, body: SetupBody, now: Date, ip: string): Promise<CreatedAdmin> {
  const weakness = passwordWeakness(body.password, { username: body.username, displayName: body.displayName });
  if (weakness !== undefined) throw new AppError('password-too-weak', 400, `Choose another password: ${weakness.message}`, { rule: weakness.rule });
  const passwordHash = await hashPassword(body.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('vigil-first-admin'))`);
    if (await activeAdminExists(tx)) throw new AppError('setup-complete', 409, 'An admin already exists; sign in instead');
    const spent = await tx
      .update(setupTokens)
      .set({ usedAt: now })
      .where(and(eq(setupTokens.tokenHash, hashSecret(body.token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
      .returning({ tokenHash: setupTokens.tokenHash });
    if (spent.length !== 1) throw new AppError('setup-token-invalid', 403, 'This set-up link is invalid or has expired; restart the collector for a new one');
    const { id } = await insertUser(tx, { username: body.username, displayName: body.displayName, role: 'admin', passwordHash, siteId: null });
    await appendAudit(tx, {
      actorUserId: id,
      actorLabel: body.username,
      action: 'auth.setup',
      targetType: 'user',
      targetId: id,
      detail: { role: 'admin' },
      ip,
    });
    return { id, username: body.username };
  });
}
