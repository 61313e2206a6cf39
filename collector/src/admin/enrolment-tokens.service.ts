// Enrolment tokens from the console: create (the token is shown once) and revoke.
import { auditChange, type AdminContext } from './admin-context.ts';
import { assertSite, invalidField, notFound } from './admin-scope.ts';
import { createEnrolmentToken, findEnrolmentToken, revokeEnrolmentToken, type EnrolmentTokenRow } from './enrolment-tokens.repository.ts';
import { roomById, siteById } from './sites-rooms.repository.ts';

const dayMs = 24 * 60 * 60_000;

export interface NewTokenRequest {
  readonly siteId: string;
  readonly roomId?: string | undefined;
  readonly label?: string | undefined;
  readonly uses: number;
  readonly days: number;
  /** The collector's key pin, carried in the token (TLS on). */
  readonly pin?: string | undefined;
}

/** The new token (only its hash is stored) and its row. Audited as `enrolment-token.create`, as the CLI does. */
export async function issueEnrolmentToken(context: AdminContext, input: NewTokenRequest): Promise<{ token: string; row: EnrolmentTokenRow }> {
  const site = await siteById(context.db, input.siteId);
  if (site === undefined) throw notFound('site', input.siteId);
  assertSite(context.user, site.id);
  if (input.roomId !== undefined) {
    const room = await roomById(context.db, input.roomId);
    if (room === undefined) throw notFound('room', input.roomId);
    if (room.siteId !== site.id) throw invalidField('roomId', 'the room is not on this site');
  }
  // A blank label is no label.
  const label = input.label?.trim() || undefined;
  const created = await context.db.transaction(async (tx) => {
    const token = await createEnrolmentToken(tx, {
      siteId: site.id,
      roomId: input.roomId,
      expiresAt: new Date(context.now.getTime() + input.days * dayMs),
      uses: input.uses,
      label,
      createdBy: context.user.id,
      pin: input.pin,
    });
    await auditChange(tx, context, {
      action: 'enrolment-token.create',
      targetType: 'enrolment-token',
      targetId: token.id,
      detail: { siteId: site.id, roomId: input.roomId ?? null, uses: input.uses, expiresAt: token.expiresAt.toISOString() },
    });
    return token;
  });
  const row = await findEnrolmentToken(context.db, created.id);
  if (row === undefined) throw notFound('enrolment-token', created.id);
  return { token: created.token, row };
}

/** Revokes a token; revoking a revoked one changes nothing and is not audited again. */
export async function revokeToken(context: AdminContext, tokenId: string): Promise<EnrolmentTokenRow> {
  const existing = await findEnrolmentToken(context.db, tokenId);
  if (existing === undefined) throw notFound('enrolment-token', tokenId);
  assertSite(context.user, existing.siteId);
  if (existing.revokedAt !== null) return existing;
  return context.db.transaction(async (tx) => {
    const row = await revokeEnrolmentToken(tx, tokenId, context.now);
    // Someone revoked it a moment ago: their entry is the one in the audit log.
    if (row === undefined) return (await findEnrolmentToken(tx, tokenId)) ?? existing;
    await auditChange(tx, context, { action: 'enrolment-token.revoke', targetType: 'enrolment-token', targetId: tokenId, detail: { usesLeft: row.usesLeft } });
    return row;
  });
}
