// The extension's manifest.json, built from code so the pinned key and the managed-config
// schema come from @vigil/shared, the same constants the console uses in its policy JSON.
import { BROWSER_EXTENSION_KEY } from '@vigil/shared/protocol';

export interface ManifestOptions {
  version: string;
}

/**
 * Permissions, and why each is needed:
 * - storage, unlimitedStorage: managed config, lock/notice state; the outbox may hold a day of offline alerts with screenshots.
 * - tabs, <all_urls>: the active tab's title and URL, captureVisibleTab for evidence and live thumbnails, content scripts in every page and frame.
 * - idle: idle lock and idle state; alarms: wake the service worker to reconnect and to lift timed locks.
 * - identity, identity.email: the signed-in profile's e-mail (the pupil on a managed Chromebook).
 * - scripting: inject the content script into tabs that were open before the extension was installed.
 * - notifications: teacher messages on pages no content script can reach (chrome:// pages).
 */
export function manifest(opts: ManifestOptions): Record<string, unknown> {
  return {
    manifest_version: 3,
    name: 'Vigil safeguarding monitor',
    short_name: 'Vigil',
    description: "Your school's safeguarding monitor. This browser is monitored: see the acceptable-use notice.",
    version: opts.version,
    minimum_chrome_version: '116',
    key: BROWSER_EXTENSION_KEY,
    icons: { '16': 'icons/icon-16.png', '32': 'icons/icon-32.png', '48': 'icons/icon-48.png', '128': 'icons/icon-128.png' },
    action: {
      default_title: 'This browser is monitored by your school',
      default_popup: 'popup.html',
      default_icon: { '16': 'icons/icon-16.png', '32': 'icons/icon-32.png' },
    },
    options_page: 'popup.html',
    background: { service_worker: 'background.js', type: 'module' },
    content_scripts: [
      {
        matches: ['<all_urls>'],
        js: ['content.js'],
        all_frames: true,
        match_about_blank: true,
        match_origin_as_fallback: true,
        run_at: 'document_start',
      },
    ],
    permissions: ['storage', 'unlimitedStorage', 'tabs', 'idle', 'alarms', 'identity', 'identity.email', 'scripting', 'notifications'],
    host_permissions: ['<all_urls>'],
    storage: { managed_schema: 'managed_schema.json' },
    web_accessible_resources: [],
    incognito: 'not_allowed',
  };
}

/** chrome.storage.managed schema: exactly the keys a school sets (JSON Schema as Chrome reads it). */
export function managedSchema(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      collectorUrl: {
        title: 'Collector URL',
        description: "The Vigil collector's address, e.g. https://vigil.school.example (http(s) or ws(s)).",
        type: 'string',
      },
      enrolmentToken: {
        title: 'Enrolment token',
        description: 'An enrolment token created in the Vigil console (Admin → Enrolment tokens) for the room or site.',
        type: 'string',
      },
      deviceLabel: {
        title: 'Device label (optional)',
        description: 'How this device is named in the console; defaults to the platform, e.g. "Chromebook".',
        type: 'string',
      },
      room: {
        title: 'Room (optional)',
        description: 'The room name, shown to IT on the extension page; the enrolment token decides the room.',
        type: 'string',
      },
    },
  };
}
