// The school's configuration, from chrome.storage.managed (Google Admin console, or the
// Windows/Linux `3rdparty` policy). Until both required keys are there and valid the
// extension stays in the "unconfigured" state: it shows why on its page and sends nothing.
import { managedConfigSchema, type ManagedConfig } from '@vigil/shared/protocol';

export type ManagedConfigResult = { ok: true; config: ManagedConfig } | { ok: false; problem: string };

export function parseManagedConfig(raw: Record<string, unknown>): ManagedConfigResult {
  const missing = ['collectorUrl', 'enrolmentToken'].filter((key) => raw[key] === undefined || raw[key] === '');
  if (missing.length === 2) {
    return { ok: false, problem: "No configuration from the school's policy: collectorUrl and enrolmentToken are not set for this extension." };
  }
  if (missing.length === 1) return { ok: false, problem: `The school's policy for this extension has no ${missing[0] ?? ''}.` };
  const parsed = managedConfigSchema.safeParse(raw);
  if (parsed.success) {
    const url = new URL(parsed.data.collectorUrl);
    // The device secret and every alert travel on this socket: only over TLS, unless the
    // collector is on this very device.
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname)) {
      return {
        ok: false,
        problem: `The school's policy gives a plain ${url.protocol}// collectorUrl: use https:// (or wss://) with a certificate this device trusts; plain addresses are allowed only to this device.`,
      };
    }
    return { ok: true, config: parsed.data };
  }
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `The school's policy for this extension has a bad ${issue?.path.join('.') ?? 'value'}: ${issue?.message ?? 'invalid'}.` };
}

export async function readManagedConfig(): Promise<ManagedConfigResult> {
  try {
    const raw = await chrome.storage.managed.get(null);
    return parseManagedConfig(raw);
  } catch (err) {
    return { ok: false, problem: `The managed configuration could not be read: ${err instanceof Error ? err.message : String(err)}.` };
  }
}

/** 127.0.0.0/8, ::1 and localhost: traffic to them never leaves the device. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

export { agentSocketUrl } from '@vigil/shared/protocol';
