import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SecretBox } from '../secret-box.ts';
import { sessionCookieIsSecure } from '../session-cookie.ts';

// Two short-lived cookies carry the sign-in between requests without a table: both sealed
// with SecretBox (AES-256-GCM, bound to their purpose), so the browser can neither read
// nor forge them, and both expire on the server's clock whatever the browser keeps.
//
// - the transaction (state, nonce, PKCE verifier) from /auth/oidc/start to the callback:
//   SameSite=Lax, because the provider's redirect back is a cross-site top-level GET;
// - the pending sign-in of a user who still owes Vigil's TOTP: SameSite=Strict, only the
//   console's own POST /api/auth/oidc/totp reads it.

const names = {
  transaction: { secure: '__Host-vigil_sso', local: 'vigil_sso', sameSite: 'lax', context: 'vigil-sso:transaction', ttlMs: 10 * 60_000 },
  pending: { secure: '__Host-vigil_sso_totp', local: 'vigil_sso_totp', sameSite: 'strict', context: 'vigil-sso:pending-totp', ttlMs: 5 * 60_000 },
} as const;

export type SsoCookieKind = keyof typeof names;

export const transactionPayloadSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
  next: z.string().optional(),
});

export const pendingPayloadSchema = z.object({ userId: z.string(), issuer: z.string(), subject: z.string() });

export interface SsoCookieDeps {
  readonly secretBox: SecretBox;
  readonly publicUrl: string | undefined;
  readonly now: () => Date;
}

function nameFor(kind: SsoCookieKind, request: FastifyRequest, publicUrl: string | undefined): string {
  return sessionCookieIsSecure(request, publicUrl) ? names[kind].secure : names[kind].local;
}

export async function setSsoCookie(deps: SsoCookieDeps, kind: SsoCookieKind, request: FastifyRequest, reply: FastifyReply, payload: object): Promise<void> {
  const info = names[kind];
  const sealed = await deps.secretBox.seal(JSON.stringify({ ...payload, exp: deps.now().getTime() + info.ttlMs }), info.context);
  const secure = sessionCookieIsSecure(request, deps.publicUrl);
  reply.setCookie(secure ? info.secure : info.local, sealed, {
    httpOnly: true,
    secure,
    sameSite: info.sameSite,
    path: '/',
    maxAge: Math.floor(info.ttlMs / 1000),
  });
}

export function clearSsoCookie(deps: SsoCookieDeps, kind: SsoCookieKind, request: FastifyRequest, reply: FastifyReply): void {
  const secure = sessionCookieIsSecure(request, deps.publicUrl);
  reply.clearCookie(nameFor(kind, request, deps.publicUrl), { httpOnly: true, secure, sameSite: names[kind].sameSite, path: '/' });
}

/** The cookie's payload, or undefined when it is missing, forged, unreadable or expired. */
export async function readSsoCookie<T>(deps: SsoCookieDeps, kind: SsoCookieKind, request: FastifyRequest, schema: z.ZodType<T>): Promise<T | undefined> {
  const info = names[kind];
  const raw = request.cookies[info.secure] ?? request.cookies[info.local];
  if (raw === undefined || raw.length > 4096) return undefined;
  try {
    const parsed: unknown = JSON.parse(await deps.secretBox.open(raw, info.context));
    const exp = typeof parsed === 'object' && parsed !== null && 'exp' in parsed ? parsed.exp : undefined;
    if (typeof exp !== 'number' || exp <= deps.now().getTime()) return undefined;
    const decoded = schema.safeParse(parsed);
    return decoded.success ? decoded.data : undefined;
  } catch {
    return undefined;
  }
}
