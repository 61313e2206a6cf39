import { isIP } from 'node:net';
import type { WelcomeTls } from '@vigil/shared/protocol';

// Which connection the agent may make to its collector, decided before any byte goes out
// (DESIGN.md, security model: agents trust only their own collector).
//
//   pinned          wss:// and the server's key must be one of `pins` (the normal case)
//   tls-unpinned    wss:// without pins: only with --insecure (warned on every connection)
//   plain-loopback  ws:// to 127.0.0.0/8, ::1 or localhost: the traffic never leaves the PC
//   plain-insecure  ws:// elsewhere because the operator said --insecure (warned every time)
//   plain-migrate   ws:// elsewhere by an agent enrolled before pinning: allowed only to learn
//                   the collector's TLS address and pins from `welcome`; nothing else is obeyed
//                   on it, and a collector that offers no TLS is refused

export type TransportMode = 'pinned' | 'tls-unpinned' | 'plain-loopback' | 'plain-insecure' | 'plain-migrate';

export interface Transport {
  readonly url: string;
  readonly mode: TransportMode;
  readonly pins: readonly string[];
}

/** What device.json remembers about the collector besides the credentials. */
export interface StoredTrust {
  readonly collectorPins?: readonly string[] | undefined;
  /** The wss:// URL an earlier welcome moved us to … */
  readonly collectorUrl?: string | undefined;
  /** … from this configured ws:// URL (the move applies only while the configuration still names it). */
  readonly upgradedFrom?: string | undefined;
}

export type TransportChoice = { ok: true; transport: Transport } | { ok: false; code: 'plain-refused' | 'no-pin'; message: string };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

const unique = (pins: readonly string[]) => [...new Set(pins)];

export interface TransportInput {
  /** The configured socket URL (agentSocketUrl of `collector`). */
  readonly url: string;
  readonly insecure: boolean;
  /** `--pin` / `collectorPins` in the configuration. */
  readonly configPins: readonly string[];
  /** The pin carried by the enrolment token, when enrolling with one. */
  readonly tokenPin: string | undefined;
  readonly stored: StoredTrust;
  /** device.json holds credentials. */
  readonly enrolled: boolean;
}

export function chooseTransport(input: TransportInput): TransportChoice {
  const { stored } = input;
  const pins = unique([...input.configPins, ...(stored.collectorPins ?? []), ...(input.tokenPin === undefined ? [] : [input.tokenPin])]);
  const upgraded = stored.collectorUrl !== undefined && stored.upgradedFrom === input.url;
  const url = upgraded ? (stored.collectorUrl ?? input.url) : input.url;
  const target = new URL(url);
  if (target.protocol === 'wss:') {
    if (pins.length > 0) return { ok: true, transport: { url, mode: 'pinned', pins } };
    if (input.insecure) return { ok: true, transport: { url, mode: 'tls-unpinned', pins } };
    return {
      ok: false,
      code: 'no-pin',
      message: `no key pinned for ${target.host}: enrol with a token from this collector (it carries the pin), or give --pin <pin> (pnpm vigil admin tls-pin on the collector), or --insecure`,
    };
  }
  if (isLoopbackHost(target.hostname)) return { ok: true, transport: { url, mode: 'plain-loopback', pins } };
  if (input.insecure) return { ok: true, transport: { url, mode: 'plain-insecure', pins } };
  // Enrolled before pins existed: one plain connection to learn where TLS is (README: migration).
  if (input.enrolled && (stored.collectorPins ?? []).length === 0 && input.configPins.length === 0)
    return { ok: true, transport: { url, mode: 'plain-migrate', pins } };
  return {
    ok: false,
    code: 'plain-refused',
    message: `refusing plain ws:// to ${target.host}: it would send the device secret unencrypted. Use the collector's TLS address (wss://${target.hostname}:8443 by default), or --insecure`,
  };
}

export type WelcomeVerdict =
  /** Carry on on this connection; persist `pins` when given (they changed). */
  | { kind: 'continue'; pins?: readonly string[] }
  /** Close this plain connection and connect to `transport` (persisted once it worked). */
  | { kind: 'upgrade'; transport: Transport }
  /** A plain connection that may only migrate, to a collector that offers no TLS. */
  | { kind: 'refuse'; why: string };

/**
 * What a welcome's `tls` means for the connection it came on. Over a pinned connection the
 * collector is trusted: its list (plus the key just verified) replaces ours, which is how a
 * rotation reaches agents. Over plain ws:// it is not: its pins are taken only by an agent
 * that has none (the one exposed migration step), its URL only to try TLS.
 */
export function judgeWelcomeTls(current: Transport, tls: WelcomeTls | undefined, verifiedPin: string | undefined, insecure: boolean): WelcomeVerdict {
  if (current.mode === 'pinned') {
    if (tls === undefined || verifiedPin === undefined) return { kind: 'continue' };
    const pins = unique([verifiedPin, ...tls.pins]);
    const same = pins.length === current.pins.length && pins.every((pin) => current.pins.includes(pin));
    return same ? { kind: 'continue' } : { kind: 'continue', pins };
  }
  if (current.mode === 'tls-unpinned' || current.mode === 'plain-insecure') return { kind: 'continue' };
  if (tls === undefined) {
    if (current.mode === 'plain-migrate')
      return { kind: 'refuse', why: `the collector at ${new URL(current.url).host} offers no TLS: update it (or run this agent with --insecure)` };
    return { kind: 'continue' };
  }
  if (insecure) return { kind: 'continue' };
  const pins = current.pins.length > 0 ? current.pins : tls.pins;
  return { kind: 'upgrade', transport: { url: tls.url, mode: 'pinned', pins } };
}

/** A ConnectionService without a CollectorTrust (tests): the URL as given, which must be loopback or wss:// with a pin elsewhere. */
export function fixedTransport(url: string): Transport {
  const choice = chooseTransport({ url, insecure: false, configPins: [], tokenPin: undefined, stored: {}, enrolled: false });
  if (!choice.ok) throw new Error(choice.message);
  return choice.transport;
}
