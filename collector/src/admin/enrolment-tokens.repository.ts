import { and, desc, eq, isNull } from 'drizzle-orm';
import { tokenWithPin } from '@vigil/shared/protocol';
import type { Db } from '../db/database.ts';
import { enrolmentTokens } from '../db/schema/index.ts';
import { generateSecret, hashSecret } from '../security/secrets.ts';

export interface NewEnrolmentToken {
  readonly siteId: string;
  readonly roomId?: string | undefined;
  readonly expiresAt: Date;
  /** How many devices may enrol with it. */
  readonly uses: number;
  readonly label?: string | undefined;
  readonly createdBy?: string | undefined;
  /** The collector's key pin (TLS on): appended to the token so the agent knows which key to trust. */
  readonly pin?: string | undefined;
}

export interface CreatedEnrolmentToken {
  readonly id: string;
  /** The token itself: shown to IT once, only its hash is stored. */
  readonly token: string;
  readonly expiresAt: Date;
  readonly uses: number;
}

/**
 * Tokens read `vigil-enrol-<32 random>` so one pasted into the wrong box is recognisable, then
 * `.<pin>` when the collector serves TLS (shared/src/protocol/collector-pin.ts). The hash covers
 * the whole string, pin included: a token whose pin was changed is refused.
 */
export const enrolmentTokenPrefix = 'vigil-enrol-';

export async function createEnrolmentToken(db: Pick<Db, 'insert'>, input: NewEnrolmentToken): Promise<CreatedEnrolmentToken> {
  const token = tokenWithPin(`${enrolmentTokenPrefix}${generateSecret(24)}`, input.pin);
  const [row] = await db
    .insert(enrolmentTokens)
    .values({
      tokenHash: hashSecret(token),
      siteId: input.siteId,
      roomId: input.roomId ?? null,
      expiresAt: input.expiresAt,
      usesLeft: input.uses,
      label: input.label ?? null,
      createdBy: input.createdBy ?? null,
    })
    .returning({ id: enrolmentTokens.id });
  if (row === undefined) throw new Error('insert into enrolment_tokens returned no row');
  return { id: row.id, token, expiresAt: input.expiresAt, uses: input.uses };
}

// ── For the console's administration API (admin/enrolment-tokens.routes.ts) ───────────

type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** A token as the console lists it: never the token or its hash. */
export interface EnrolmentTokenRow {
  readonly id: string;
  readonly siteId: string;
  readonly roomId: string | null;
  readonly label: string | null;
  readonly expiresAt: Date;
  readonly usesLeft: number;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

const rowColumns = {
  id: enrolmentTokens.id,
  siteId: enrolmentTokens.siteId,
  roomId: enrolmentTokens.roomId,
  label: enrolmentTokens.label,
  expiresAt: enrolmentTokens.expiresAt,
  usesLeft: enrolmentTokens.usesLeft,
  createdAt: enrolmentTokens.createdAt,
  revokedAt: enrolmentTokens.revokedAt,
};

/** Newest first; only one site's when `siteId` is given. */
export async function listEnrolmentTokens(db: Db, siteId: string | null, limit = 1_000): Promise<EnrolmentTokenRow[]> {
  const query = db.select(rowColumns).from(enrolmentTokens).$dynamic();
  if (siteId !== null) query.where(eq(enrolmentTokens.siteId, siteId));
  return query.orderBy(desc(enrolmentTokens.createdAt), desc(enrolmentTokens.id)).limit(limit);
}

export async function findEnrolmentToken(db: Executor, id: string): Promise<EnrolmentTokenRow | undefined> {
  const [row] = await db.select(rowColumns).from(enrolmentTokens).where(eq(enrolmentTokens.id, id));
  return row;
}

/**
 * Revokes a token (agents can no longer enrol with it; devices already enrolled stay).
 * Undefined when there is no such token or it was already revoked (the first time stays).
 */
export async function revokeEnrolmentToken(db: Executor, id: string, now: Date): Promise<EnrolmentTokenRow | undefined> {
  const [row] = await db
    .update(enrolmentTokens)
    .set({ revokedAt: now })
    .where(and(eq(enrolmentTokens.id, id), isNull(enrolmentTokens.revokedAt)))
    .returning(rowColumns);
  return row;
}
