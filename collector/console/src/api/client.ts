// The console's only way to the collector's /api: same origin, the session cookie rides
// along, and every state change carries the session's CSRF token (x-csrf-token).

let csrfToken: string | undefined;
const signedOutListeners = new Set<() => void>();

/** Set from GET /api/auth/me (and cleared on sign-out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/**
 * Called when a request answers 401 `unauthenticated` / `session-expired`: the session
 * ended (expired, signed out elsewhere). A wrong password (401 `invalid-credentials`,
 * `totp-required`) is an answer to the sign-in form, not the end of a session.
 */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A failed /api call: the collector's `{error: {code, message, fields?, details?}}` and
 * the HTTP status. `details` carries extras some codes have (`account-locked`: `until`).
 */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: readonly FieldProblem[];
  readonly details: Readonly<Record<string, unknown>>;
  constructor(status: number, code: string, message: string, fields: readonly FieldProblem[] = [], details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

/** Codes that mean "there is no session any more" (see collector/src/auth/session-auth.ts). */
const sessionEndedCodes: ReadonlySet<string> = new Set(['unauthenticated', 'session-expired']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({ path: String(item['path'] ?? ''), message: String(item['message'] ?? '') }));
}

/**
 * The ApiFailure for an error response. The contract puts `fields` on the error; the
 * collector's decodeBody puts them under `details.fields`: both are read.
 */
export function failureFromResponse(method: string, path: string, status: number, body: unknown): ApiFailure {
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
  const details = isRecord(error['details']) ? error['details'] : {};
  const fields = fieldProblems(error['fields'] ?? details['fields']);
  const code = typeof error['code'] === 'string' ? error['code'] : `http-${status}`;
  const message = typeof error['message'] === 'string' ? error['message'] : `${method} ${path} failed with HTTP ${status}`;
  return new ApiFailure(status, code, message, fields, details);
}

export type Query = Readonly<Record<string, string | number | boolean | undefined | null>>;

/** `/api/alerts` + `{status: 'open', q: undefined}` → `/api/alerts?status=open` (empty values left out). */
export function withQuery(path: string, query?: Query): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch (err) {
    throw new ApiFailure(0, 'network', `The collector cannot be reached (${err instanceof Error ? err.message : String(err)})`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const failure = failureFromResponse(method, path, response.status, parsed);
    if (response.status === 401 && sessionEndedCodes.has(failure.code)) for (const listener of signedOutListeners) listener();
    throw failure;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** A human sentence for any error thrown by `api`. */
export function describeError(err: unknown): string {
  if (err instanceof ApiFailure) {
    const fields = err.fields.map((field) => `${field.path}: ${field.message}`).join('; ');
    return fields === '' ? err.message : `${err.message} (${fields})`;
  }
  return err instanceof Error ? err.message : String(err);
}
