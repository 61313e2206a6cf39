import type { DeviceRow } from '@vigil/shared/console';

// How the console names the kind of computer a device is: desktop agent or browser
// agent, and on which OS. Plain text so screen readers read the same thing sighted
// users see; every input here came from an agent and is rendered by React as text.

export type DeviceKindFacts = Pick<DeviceRow, 'agentKind' | 'os' | 'browser'>;

const OS_LABELS: Readonly<Record<string, string>> = {
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  chromeos: 'ChromeOS',
};

/** The collector's normalised OS name for people; an OS we do not know is shown as reported. */
export function osLabel(os: string): string {
  return OS_LABELS[os] ?? (os === '' ? 'Unknown OS' : os);
}

/** "Chrome 131.0" → "Chrome": the badge names the browser, the version is in the details. */
export function browserName(browser: string | null): string {
  const name = (browser ?? '').trim().replace(/\s+v?\d[\w.-]*$/, '');
  return name === '' ? 'Browser' : name;
}

/**
 * "Chromebook", "Chrome · Windows", "PC · Linux". A browser agent on ChromeOS is the
 * whole computer, so it is named for the device rather than the browser.
 */
export function deviceKindLabel(device: DeviceKindFacts): string {
  if (device.agentKind === 'browser') {
    if (device.os === 'chromeos') return 'Chromebook';
    return `${browserName(device.browser)} · ${osLabel(device.os)}`;
  }
  return `PC · ${osLabel(device.os)}`;
}

/**
 * The profile e-mail to show beside the OS user, or undefined when there is none or it
 * is what the user line already says (the collector falls back to it on Chromebooks).
 */
export function extraProfileEmail(osUser: string | null, profileEmail: string | null): string | undefined {
  if (profileEmail === null || profileEmail === '' || profileEmail === osUser) return undefined;
  return profileEmail;
}
