import type { EnrolmentTokenRow } from './admin-types.ts';

// Text for the enrolment-token page: the command IT runs on a new PC, and a token's state.

/**
 * The agent command for a fresh token, pointing at this collector as the browser sees it
 * (`window.location`): `pnpm agent -- --collector ws://HOST:PORT --enrol-token TOKEN`.
 * A console served over HTTPS means the collector speaks TLS, so the agent uses wss://.
 */
export function agentCommand(host: string, token: string, secure = false): string {
  return agentCommandFor(`${secure ? 'wss' : 'ws'}://${host}`, token);
}

/** The command for the collector's own agent address (`agentUrl` from the token answer: wss://host:8443). */
export function agentCommandFor(collectorUrl: string, token: string): string {
  return `pnpm agent -- --collector ${collectorUrl} --enrol-token ${token}`;
}

export type TokenState = 'active' | 'revoked' | 'expired' | 'used-up';

export function tokenState(row: Pick<EnrolmentTokenRow, 'revokedAt' | 'expiresAt' | 'usesLeft'>, now: number): TokenState {
  if (row.revokedAt !== null) return 'revoked';
  const expires = Date.parse(row.expiresAt);
  if (!Number.isNaN(expires) && expires <= now) return 'expired';
  if (row.usesLeft <= 0) return 'used-up';
  return 'active';
}

export const TOKEN_STATE_LABELS: Readonly<Record<TokenState, string>> = {
  active: 'Active',
  revoked: 'Revoked',
  expired: 'Expired',
  'used-up': 'Used up',
};

/** Whole numbers in a range from a form field, or a sentence saying what is wrong. */
export function parseWholeNumber(text: string, label: string, min: number, max: number): { ok: true; value: number } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: `${label}: enter a whole number from ${min} to ${max}.` };
  const value = Number(trimmed);
  if (value < min || value > max) return { ok: false, problem: `${label}: enter a whole number from ${min} to ${max}.` };
  return { ok: true, value };
}
