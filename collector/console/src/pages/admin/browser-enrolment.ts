import { BROWSER_EXTENSION_ID, forceInstallEntry, managedPolicyValue, thirdPartyPolicy, type ManagedConfig } from '@vigil/shared/protocol';

// What the enrolment page shows for browser agents (Chromebooks, Chrome/Edge): the
// policy text IT pastes into Google Admin console or Intune/GPO for one fresh token.
// Built from @vigil/shared so the console, the collector and the extension cannot
// disagree on key names or the extension id.

export interface BrowserEnrolment {
  readonly extensionId: string;
  /** The `ExtensionInstallForcelist` entry (`<id>;<update URL>`). */
  readonly forcelistEntry: string;
  /** Google Admin console → Policy for extensions (`{ key: { Value } }`). */
  readonly managedPolicyJson: string;
  /** Chromium `3rdparty` policy for Windows (registry via Intune/GPO) and Linux (policy JSON file). */
  readonly thirdPartyJson: string;
  readonly googleAdminSteps: readonly string[];
  readonly intuneGpoSteps: readonly string[];
}

export interface BrowserEnrolmentInput {
  /** Where browser agents reach the collector (`browserCollectorUrl`). */
  readonly collectorUrl: string;
  readonly token: string;
  /** The token's room, so a newly enrolled device can say where it belongs; undefined: none. */
  readonly roomName?: string | undefined;
}

/**
 * The address browser agents are given: the collector's TLS address (wss://host:8443, which a
 * browser opens as https) when it serves TLS — the extension refuses plain http to another
 * machine, as its device secret travels on that socket — else the console's own origin.
 */
export function browserCollectorUrl(agentUrl: string | undefined, consoleOrigin: string): string {
  if (agentUrl === undefined) return consoleOrigin;
  const url = new URL(agentUrl);
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol === 'ws:') url.protocol = 'http:';
  return url.origin;
}

export function browserEnrolment(input: BrowserEnrolmentInput): BrowserEnrolment {
  const config: ManagedConfig = {
    collectorUrl: input.collectorUrl,
    enrolmentToken: input.token,
    ...(input.roomName === undefined || input.roomName === '' ? {} : { room: input.roomName }),
  };
  const id = BROWSER_EXTENSION_ID;
  const where = input.roomName === undefined || input.roomName === '' ? 'in Administration → Rooms and devices' : `in ${input.roomName}`;
  return {
    extensionId: id,
    forcelistEntry: forceInstallEntry(),
    managedPolicyJson: JSON.stringify(managedPolicyValue(config), null, 2),
    thirdPartyJson: JSON.stringify(thirdPartyPolicy(config), null, 2),
    googleAdminSteps: [
      'In Google Admin console open Devices → Chrome → Apps & extensions → Users & browsers, and pick the pupils’ organisational unit.',
      `Add (+) → Add Chrome app or extension by ID, enter ${id} (from the Chrome Web Store), and set it to Force install.`,
      'Paste the managed configuration below into Policy for extensions, then Save. Under Devices → Networks → Certificates, add the collector’s CA (ca.crt) as an HTTPS authority unless its certificate is already trusted.',
      `Each Chromebook appears ${where} once a pupil signs in (chrome://policy → Reload policies to hurry it).`,
    ],
    intuneGpoSteps: [
      `Force-install the extension with the ExtensionInstallForcelist entry below (Edge: “Control which extensions are installed silently”).`,
      `Windows: write the 3rdparty values as strings under HKLM\\Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${id}\\policy (Edge: …\\Microsoft\\Edge\\3rdparty\\…), by GPO registry preferences or an Intune custom profile.`,
      'Devices must trust the collector’s certificate: deploy its CA (ca.crt) to Trusted Root Certification Authorities unless the certificate comes from a CA they already trust.',
      'Linux: save the 3rdparty JSON as /etc/opt/chrome/policies/managed/vigil.json (Chromium: /etc/chromium/policies/managed/, Edge: /etc/opt/edge/policies/managed/).',
      `Restart the browser or reload chrome://policy; the computer appears ${where}.`,
    ],
  };
}
