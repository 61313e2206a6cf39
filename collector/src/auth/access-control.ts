import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { accessFor, type Access } from './access-rules.ts';
import { authenticateSession, csrfTokenMatches, type SessionAuthDeps } from './session-auth.ts';

export interface RecordedRoute {
  readonly method: string;
  readonly url: string;
  /** Undefined: the table has no rule, so the route answers 403 `no-access-rule`. */
  readonly access: Access | undefined;
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Denials the access gate itself answers with (tests tell them apart from handler errors). */
export const accessDenialCodes: readonly string[] = [
  'unauthenticated',
  'session-expired',
  'forbidden',
  'no-access-rule',
  'totp-enrolment-required',
  'csrf-invalid',
  'json-required',
];

function staticRootOf(config: unknown): string | undefined {
  return typeof config === 'object' && config !== null && 'rootPath' in config && typeof config.rootPath === 'string' ? config.rootPath : undefined;
}

/**
 * Every route the app registers (fed by an `onRoute` hook) and the access rule each one
 * resolves to. `app.routeAccess` exposes it; the table test walks `routes()`.
 */
export class RouteAccessRegistry {
  readonly #consoleDir: string;
  readonly #rules: Readonly<Record<string, Access>>;
  readonly #routes = new Map<string, { method: string; url: string; staticRoot: string | undefined }>();
  readonly #testRules = new Map<string, Access>();

  constructor(consoleDir: string, rules: Readonly<Record<string, Access>>) {
    this.#consoleDir = consoleDir;
    this.#rules = rules;
  }

  record(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const staticRoot = staticRootOf(route.config);
    for (const method of methods) this.#routes.set(`${method} ${route.url}`, { method, url: route.url, staticRoot });
  }

  accessOf(method: string, url: string, staticRoot: string | undefined): Access | undefined {
    return accessFor({ method, url, staticRoot }, { rules: this.#rules, consoleDir: this.#consoleDir, testRules: this.#testRules });
  }

  routes(): RecordedRoute[] {
    return [...this.#routes.values()].map(({ method, url, staticRoot }) => ({ method, url, access: this.accessOf(method, url, staticRoot) }));
  }

  /** Registered routes the table does not cover: must be empty (access-rules.int.test.ts). */
  unruled(): RecordedRoute[] {
    return this.routes().filter((route) => route.access === undefined);
  }

  /**
   * For tests that register throwaway routes on a built app: gives a `/test/...` route
   * a rule on THIS app only. Anything outside `/test/` belongs in access-rules.ts.
   */
  allowTestRoute(method: string, url: string, access: Access): void {
    if (!url.startsWith('/test/')) throw new Error(`allowTestRoute is for /test/ routes only; add "${method} ${url}" to auth/access-rules.ts`);
    this.#testRules.set(`${method} ${url}`, access);
  }
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/**
 * The gate in front of every route (an onRequest hook, so nothing is parsed or run for
 * a refused request):
 *   no rule → 403 `no-access-rule`; `'agent'` → pass (the gateway checks the device);
 *   `'public'` → pass, but a state change must be JSON (a cross-site HTML form cannot
 *   send JSON, which with SameSite=Strict protects sign-in and setup);
 *   otherwise a live session (401), the CSRF header on POST/PUT/PATCH/DELETE (403
 *   `csrf-invalid`), a full session unless `'any-session'` (403
 *   `totp-enrolment-required`), and a listed role (403 `forbidden`).
 */
export function accessGate(registry: RouteAccessRegistry, deps: SessionAuthDeps) {
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const url = request.routeOptions.url;
    // Unknown URLs go on to the 404 handler, which reveals nothing.
    if (request.is404 || url === undefined) return;
    const access = registry.accessOf(request.method, url, staticRootOf(request.routeOptions.config));
    if (access === undefined) {
      request.log.error({ method: request.method, route: url }, 'route has no access rule (auth/access-rules.ts); refused');
      throw new AppError('no-access-rule', 403, 'This route has no access rule');
    }
    if (access === 'agent') return;
    const changesState = stateChanging.has(request.method);
    if (access === 'public') {
      if (changesState && !isJson(request)) throw new AppError('json-required', 415, 'Send application/json');
      return;
    }
    const user = await authenticateSession(deps, request, reply);
    const session = request.authSession;
    if (session === null) throw new AppError('unauthenticated', 401, 'Sign in first');
    if (changesState && !csrfTokenMatches(request, session)) {
      throw new AppError('csrf-invalid', 403, 'Missing or wrong x-csrf-token header; reload the page');
    }
    if (access === 'any-session') return;
    if (session.restricted) throw new AppError('totp-enrolment-required', 403, 'Set up two-factor sign-in (TOTP) first');
    if (!access.includes(user.role)) throw new AppError('forbidden', 403, 'Your role may not do this');
  };
}
