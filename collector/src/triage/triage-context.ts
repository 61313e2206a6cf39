import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { signedInUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { AlertActions, TriageCaller } from './alert-actions.service.ts';
import { alertScopeFor } from './alert-scope.ts';
import { findAlert, type AlertRow } from './alerts.repository.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import type { BlobStore } from '../evidence/blob-store.ts';

/** What every triage route file gets from triage.plugin.ts. */
export interface TriageRoutesOptions {
  readonly db: Db;
  readonly catalog: () => CategoryCatalog;
  readonly actions: AlertActions;
  readonly blobs: BlobStore;
}

const alertParamsSchema = z.object({ alertId: z.string().min(1).max(64) });

/** The signed-in user, their alert scope and address, for services and audit entries. */
export async function callerOf(db: Db, request: FastifyRequest): Promise<TriageCaller> {
  const user = signedInUser(request);
  return { user, scope: await alertScopeFor(db, user), ip: request.ip };
}

export function alertIdOf(request: FastifyRequest): string {
  const parsed = alertParamsSchema.safeParse(request.params);
  // An id no alert can have: the same answer as an alert out of reach.
  if (!parsed.success) throw new AppError('alert-not-found', 404, 'No such alert');
  return parsed.data.alertId;
}

/** The alert named in the URL if the caller may see it; otherwise 404 `alert-not-found` (out of scope or not there alike). */
export async function alertInReach(db: Db, caller: TriageCaller, alertId: string): Promise<AlertRow> {
  const alert = await findAlert(db, caller.scope, alertId);
  if (alert === undefined) throw new AppError('alert-not-found', 404, 'No such alert');
  return alert;
}
