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
  /** Where agents reach the collector: the console's own origin, as for the PC agent command. */
  readonly collectorUrl: string;
  readonly token: string;
  /** The token's room, so a newly enrolled device can say where it belongs; undefined: none. */
  readonly roomName?: string | undefined;
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
      'Paste the managed configuration below into Policy for extensions, then Save.',
      `Each Chromebook appears ${where} once a pupil signs in (chrome://policy → Reload policies to hurry it).`,
    ],
    intuneGpoSteps: [
      `Force-install the extension with the ExtensionInstallForcelist entry below (Edge: “Control which extensions are installed silently”).`,
      `Windows: write the 3rdparty values as strings under HKLM\\Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${id}\\policy (Edge: …\\Microsoft\\Edge\\3rdparty\\…), by GPO registry preferences or an Intune custom profile.`,
      'Linux: save the 3rdparty JSON as /etc/opt/chrome/policies/managed/vigil.json (Chromium: /etc/chromium/policies/managed/, Edge: /etc/opt/edge/policies/managed/).',
      `Restart the browser or reload chrome://policy; the computer appears ${where}.`,
    ],
  };
}
