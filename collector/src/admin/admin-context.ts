import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import { actorOf, signedInUser, type AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { auditActor, type Actor } from '../audit/actor.ts';

export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Who is changing what, from where: what every admin service needs from a request. */
export interface AdminContext {
  readonly db: Db;
  readonly user: AuthUser;
  readonly actor: Actor;
  readonly ip: string;
  readonly now: Date;
}

export function adminContext(request: FastifyRequest, db: Db, now: Date = new Date()): AdminContext {
  return { db, user: signedInUser(request), actor: actorOf(request), ip: request.ip, now };
}

export interface AdminAuditEntry {
  /** Dotted verb: `room.create`, `device.move`, `user.update` … */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly detail?: Record<string, unknown>;
}

/** Appends the change's audit entry; pass the change's transaction. */
export async function auditChange(tx: Executor, context: AdminContext, entry: AdminAuditEntry): Promise<void> {
  await appendAudit(tx, { ...auditActor(context.actor), ...entry, detail: entry.detail ?? null, ip: context.ip });
}
