import type { CloseFrame, HelloPayload } from '@vigil/shared';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { generateSecret, hashSecret, secretMatchesHash } from '../security/secrets.ts';
import { consumeEnrolmentToken, findDeviceCredentials, insertEnrolledDevice, type DeviceFacts, type DeviceIdentity } from './agent-devices.repository.ts';
import { agentClose } from './agent-close.ts';
import { FailureLimiter, type FailureLimit } from './failure-limiter.ts';

export type AuthFailureCode = 'enrol-token-invalid' | 'device-auth-failed' | 'device-retired' | 'auth-rate-limited';

export type AuthResult =
  | { readonly ok: true; readonly device: DeviceIdentity; /** Only on enrolment: goes out in `welcome`, never stored. */ readonly secret?: string }
  | { readonly ok: false; readonly code: AuthFailureCode; readonly close: CloseFrame; readonly status: 401 | 403 | 429 };

export interface AuthLimits {
  /** Failures per device id before that id is refused for the rest of the window. */
  readonly perDevice: FailureLimit;
  /** Failures per client IP address (wrong secrets and bad enrolment tokens). */
  readonly perIp: FailureLimit;
}

export const defaultAuthLimits: AuthLimits = Object.freeze({
  perDevice: Object.freeze({ maxFailures: 10, windowMs: 60_000 }),
  perIp: Object.freeze({ maxFailures: 20, windowMs: 60_000 }),
});

// Compared against when the device id is unknown, so the answer takes as long either way.
const unknownDeviceHash = hashSecret(generateSecret());

const failures = {
  'enrol-token-invalid': { close: agentClose('unauthenticated', 'enrol-token-invalid'), status: 401 },
  'device-auth-failed': { close: agentClose('unauthenticated', 'device-auth-failed'), status: 401 },
  'device-retired': { close: agentClose('forbidden', 'device-retired'), status: 403 },
  'auth-rate-limited': { close: agentClose('rateLimited', 'auth-rate-limited'), status: 429 },
} as const satisfies Record<AuthFailureCode, { close: CloseFrame; status: 401 | 403 | 429 }>;

function fail(code: AuthFailureCode): AuthResult {
  return { ok: false, code, ...failures[code] };
}

/**
 * Maps `hello.os.platform` to the names the console shows: the desktop agent reports
 * Node's names (win32, darwin, linux), the browser agent `chrome.runtime.getPlatformInfo().os`
 * (win, mac, linux, cros), and both must land on the same name for the same OS.
 */
export function osName(platform: string): string {
  if (platform === 'win32' || platform === 'win') return 'windows';
  if (platform === 'darwin' || platform === 'mac') return 'macos';
  if (platform === 'cros') return 'chromeos';
  return platform;
}

/**
 * The user to show and store for this connection. A browser agent has no OS user on a
 * Chromebook; the signed-in profile's e-mail is who is using it there.
 */
export function helloOsUser(hello: HelloPayload): string | null {
  if (hello.osUser !== '') return hello.osUser;
  if (hello.agentKind === 'browser' && hello.profileEmail !== undefined && hello.profileEmail !== '') return hello.profileEmail;
  return null;
}

/** "Chrome 131.0"; null when the agent did not say (every desktop agent). */
function browserLabel(hello: HelloPayload): string | null {
  if (hello.browser === undefined) return null;
  return `${hello.browser.name} ${hello.browser.version}`.trim();
}

export function deviceFacts(hello: HelloPayload): DeviceFacts {
  return {
    hostname: hello.hostname,
    os: osName(hello.os.platform),
    osVersion: hello.os.release,
    agentVersion: hello.agentVersion,
    capabilities: hello.capabilities,
    osUser: helloOsUser(hello),
    wordlistVersion: hello.wordlistVersion,
    // Absent on agents that predate the field: those are all desktop agents.
    agentKind: hello.agentKind ?? 'desktop',
    browser: browserLabel(hello),
    profileEmail: hello.profileEmail === undefined || hello.profileEmail === '' ? null : hello.profileEmail,
  };
}

/**
 * Who an agent is: enrolment with a token (→ new device id + secret) or the device
 * secret, for the WebSocket `hello` and the HTTP screenshot upload alike. Failures
 * are logged and counted per IP and per device id; a client over the limit is refused
 * before any database work.
 */
export class DeviceAuthService {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #byDevice: FailureLimiter;
  readonly #byIp: FailureLimiter;

  constructor(options: { db: Db; log: Logger; limits?: AuthLimits; now?: () => number }) {
    this.#db = options.db;
    this.#log = options.log;
    const limits = options.limits ?? defaultAuthLimits;
    this.#byDevice = new FailureLimiter(limits.perDevice, options.now);
    this.#byIp = new FailureLimiter(limits.perIp, options.now);
  }

  async authenticateHello(hello: HelloPayload, ip: string): Promise<AuthResult> {
    const { auth } = hello;
    if (auth.kind === 'enrol') return this.#enrol(auth.token, deviceFacts(hello), ip);
    return this.verifyDevice(auth.deviceId, auth.secret, ip);
  }

  /** `Authorization: Bearer <deviceId>.<secret>` (the HTTP screenshot upload). */
  async authenticateBearer(header: string | undefined, ip: string): Promise<AuthResult> {
    const match = /^Bearer ([0-9A-HJKMNP-TV-Z]{26})\.([\x21-\x7e]{32,128})$/.exec(header ?? '');
    if (match === null) {
      if (this.#byIp.isBlocked(ip)) return fail('auth-rate-limited');
      this.#byIp.recordFailure(ip);
      this.#log.warn({ ip }, 'agent upload without valid device credentials');
      return fail('device-auth-failed');
    }
    return this.verifyDevice(match[1] ?? '', match[2] ?? '', ip);
  }

  async verifyDevice(deviceId: string, secret: string, ip: string): Promise<AuthResult> {
    const deviceKey = `device:${deviceId}`;
    if (this.#byIp.isBlocked(ip) || this.#byDevice.isBlocked(deviceKey)) {
      this.#log.warn({ deviceId, ip }, 'agent authentication refused: too many failures');
      return fail('auth-rate-limited');
    }
    const device = await findDeviceCredentials(this.#db, deviceId);
    const matches = secretMatchesHash(secret, device?.secretHash ?? unknownDeviceHash);
    if (device === undefined || !matches) {
      this.#byIp.recordFailure(ip);
      this.#byDevice.recordFailure(deviceKey);
      this.#log.warn({ deviceId, ip, known: device !== undefined }, 'agent authentication failed: wrong device secret');
      return fail('device-auth-failed');
    }
    if (device.retired) {
      this.#log.warn({ deviceId, ip }, 'retired device tried to connect');
      return fail('device-retired');
    }
    this.#byDevice.reset(deviceKey);
    return { ok: true, device: { id: device.id, siteId: device.siteId, roomId: device.roomId } };
  }

  async #enrol(token: string, facts: DeviceFacts, ip: string): Promise<AuthResult> {
    if (this.#byIp.isBlocked(ip)) {
      this.#log.warn({ ip }, 'enrolment refused: too many failures');
      return fail('auth-rate-limited');
    }
    const secret = generateSecret();
    const device = await this.#db.transaction(async (tx) => {
      const consumed = await consumeEnrolmentToken(tx, hashSecret(token));
      if (consumed === undefined) return undefined;
      const created = await insertEnrolledDevice(tx, { token: consumed, facts, secretHash: hashSecret(secret) });
      await appendAudit(tx, {
        actorLabel: `agent ${facts.hostname}`,
        action: 'device.enrol',
        targetType: 'device',
        targetId: created.id,
        detail: { enrolmentTokenId: consumed.id, hostname: facts.hostname, os: facts.os, agentVersion: facts.agentVersion, agentKind: facts.agentKind },
        ip,
      });
      return created;
    });
    if (device === undefined) {
      this.#byIp.recordFailure(ip);
      this.#log.warn({ ip, hostname: facts.hostname }, 'enrolment refused: token unknown, expired or used up');
      return fail('enrol-token-invalid');
    }
    this.#log.info({ deviceId: device.id, hostname: facts.hostname, ip }, 'device enrolled');
    return { ok: true, device, secret };
  }
}
