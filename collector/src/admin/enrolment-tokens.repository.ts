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
}

export interface CreatedEnrolmentToken {
  readonly id: string;
  /** The token itself: shown to IT once, only its hash is stored. */
  readonly token: string;
  readonly expiresAt: Date;
  readonly uses: number;
}

/** Tokens read `vigil-enrol-…` so one pasted into the wrong box is recognisable. */
export const enrolmentTokenPrefix = 'vigil-enrol-';

export async function createEnrolmentToken(db: Pick<Db, 'insert'>, input: NewEnrolmentToken): Promise<CreatedEnrolmentToken> {
  const token = `${enrolmentTokenPrefix}${generateSecret(24)}`;
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
