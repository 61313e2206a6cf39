// Who and where this browser agent is, for `hello`: the platform, the browser, and the
// signed-in profile's e-mail (on a managed Chromebook, the pupil).
import type { HelloPayload } from '@vigil/shared/protocol';
import { sanitizeText } from '@vigil/shared/protocol';

export interface Environment {
  platform: string;
  arch: string;
  browser: { name: string; version: string };
  profileEmail: string;
  /** The device label the console shows (managed `deviceLabel`, else the platform). */
  label: string;
}

interface UaBrand {
  brand: string;
  version: string;
}
interface UaData {
  brands?: UaBrand[];
  getHighEntropyValues?(hints: string[]): Promise<{ fullVersionList?: UaBrand[] }>;
}

const PLATFORM_LABEL: Record<string, string> = { cros: 'Chromebook', win: 'Windows PC', mac: 'Mac', linux: 'Linux PC' };

/** The browser's own brand: Edge and Chrome over the generic Chromium, never the GREASE entry. */
export function pickBrowser(brands: readonly UaBrand[]): { name: string; version: string } {
  const real = brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
  const pick = (re: RegExp) => real.find((b) => re.test(b.brand));
  const found = pick(/edge/i) ?? pick(/google chrome/i) ?? pick(/opera|brave|vivaldi/i) ?? pick(/chromium/i) ?? real[0];
  if (found === undefined) return { name: 'Chromium', version: '' };
  return { name: found.brand.replace(/^Microsoft /, '').replace(/^Google /, ''), version: found.version };
}

export async function readEnvironment(deviceLabel: string | undefined): Promise<Environment> {
  const info = await chrome.runtime.getPlatformInfo();
  const ua = (navigator as Navigator & { userAgentData?: UaData }).userAgentData;
  let brands = ua?.brands ?? [];
  try {
    const high = await ua?.getHighEntropyValues?.(['fullVersionList']);
    if (high?.fullVersionList !== undefined) brands = high.fullVersionList;
  } catch {
    // Low-entropy brands are enough.
  }
  const browser = pickBrowser(brands);
  let profileEmail = '';
  try {
    profileEmail = (await chrome.identity.getProfileUserInfo({ accountStatus: chrome.identity.AccountStatus.ANY })).email;
  } catch {
    // Not signed in, or the identity.email permission was withheld by policy.
  }
  const platformLabel = PLATFORM_LABEL[info.os] ?? `${browser.name} on ${info.os}`;
  return {
    platform: info.os,
    arch: info.arch,
    browser,
    profileEmail,
    label:
      deviceLabel !== undefined && deviceLabel.trim() !== '' ? deviceLabel.trim() : info.os === 'cros' ? platformLabel : `${browser.name} on ${platformLabel}`,
  };
}

/** The `hello` facts of a browser agent (auth and word-list version are added per connection). */
export function helloFacts(env: Environment, agentVersion: string, previousExit: HelloPayload['previousExit']): Omit<HelloPayload, 'auth'> {
  return {
    agentVersion,
    os: { platform: env.platform, release: '', arch: env.arch === '' ? 'unknown' : sanitizeText(env.arch, 32) },
    hostname: sanitizeText(env.label, 255),
    osUser: sanitizeText(env.profileEmail, 256),
    capabilities: ['keyboard', 'window', 'url', 'screenshot', 'lock', 'live', 'idle', 'message'],
    previousExit,
    agentKind: 'browser',
    browser: { name: sanitizeText(env.browser.name, 64) || 'Chromium', version: sanitizeText(env.browser.version, 64) },
    ...(env.profileEmail === '' ? {} : { profileEmail: sanitizeText(env.profileEmail, 320) }),
  };
}
