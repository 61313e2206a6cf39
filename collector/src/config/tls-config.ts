import { isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import { isPin } from '@vigil/shared/protocol';

// The TLS part of the collector's configuration (read by config/config.ts, once, at start).

export interface TlsOn {
  readonly mode: 'on';
  /** HTTPS + WSS port beside the plain HTTP `PORT`. */
  readonly port: number;
  /** The operator's certificate chain and key (PEM); both or neither. Neither: self-issued under DATA_DIR/tls. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** Extra names / addresses the self-issued certificate covers (besides PUBLIC_URL's host, the hostname, localhost, 127.0.0.1, ::1). */
  readonly hostnames: readonly string[];
  /** Pins of keys this collector will move to (rotation): announced to agents in `welcome`. */
  readonly nextPins: readonly string[];
  /** A key (or certificate) file whose pin is announced as the next one. */
  readonly nextKeyFile: string | undefined;
}

/** `TLS=off`: behind a reverse proxy that terminates TLS; tokens then carry no pin. */
export type TlsConfig = { readonly mode: 'off' } | TlsOn;

type Env = Readonly<Record<string, string | undefined>>;

const hostnamePattern = /^(?=.{1,253}$)(\*\.)?[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * TLS, TLS_PORT, TLS_CERT_FILE, TLS_KEY_FILE, TLS_HOSTNAMES, TLS_NEXT_PIN, TLS_NEXT_KEY_FILE.
 * Each problem is pushed as one sentence naming the variable; the result is only used when
 * there are none.
 */
export function readTlsEnv(env: Env, cwd: string, problems: string[]): TlsConfig {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const mode = (value('TLS') ?? 'on').toLowerCase();
  if (mode === 'off') return Object.freeze({ mode: 'off' });
  if (mode !== 'on') problems.push(`TLS must be on or off (got ${JSON.stringify(value('TLS'))})`);

  const rawPort = value('TLS_PORT');
  const port = rawPort === undefined ? 8443 : Number(rawPort);
  if (!/^\d+$/.test(rawPort ?? '8443') || !Number.isInteger(port) || port < 1 || port > 65_535)
    problems.push(`TLS_PORT must be an integer 1..65535 (got ${JSON.stringify(rawPort)})`);
  const plainPort = value('PORT') ?? '8080';
  if (String(port) === plainPort) problems.push(`TLS_PORT must differ from PORT (both ${port})`);

  const absolute = (path: string | undefined) => (path === undefined ? undefined : isAbsolute(path) ? path : resolve(cwd, path));
  const certFile = absolute(value('TLS_CERT_FILE'));
  const keyFile = absolute(value('TLS_KEY_FILE'));
  if ((certFile === undefined) !== (keyFile === undefined))
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together: set both (your certificate) or neither (self-issued)');

  const hostnames = list(value('TLS_HOSTNAMES'));
  const badHost = hostnames.find((name) => isIP(name) === 0 && !hostnamePattern.test(name));
  if (badHost !== undefined) problems.push(`TLS_HOSTNAMES must be comma-separated host names or IP addresses (got ${JSON.stringify(badHost)})`);

  const nextPins = list(value('TLS_NEXT_PIN'));
  const badPin = nextPins.find((pin) => !isPin(pin));
  if (badPin !== undefined)
    problems.push(
      `TLS_NEXT_PIN must be comma-separated key pins (43 base64url characters; pnpm vigil admin tls-pin prints one) (got ${JSON.stringify(badPin)})`,
    );

  return Object.freeze({
    mode: 'on',
    port,
    certFile,
    keyFile,
    hostnames: Object.freeze(hostnames),
    nextPins: Object.freeze(nextPins),
    nextKeyFile: absolute(value('TLS_NEXT_KEY_FILE')),
  });
}
