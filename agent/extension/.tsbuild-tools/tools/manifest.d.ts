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
export declare function manifest(opts: ManifestOptions): Record<string, unknown>;
/** chrome.storage.managed schema: exactly the keys a school sets (JSON Schema as Chrome reads it). */
export declare function managedSchema(): Record<string, unknown>;
