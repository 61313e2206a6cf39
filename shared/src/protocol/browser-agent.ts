import { z } from 'zod';
import { textSchema } from './primitives.schema.ts';

// The browser agent (agent/extension): what the collector, the console and the extension
// itself must agree on. The id follows from the public key pinned in the extension's
// manifest (`key`): Chrome derives it from the key's SHA-256, so every install of the
// unpacked or self-hosted build has this id, and policy JSON can name it in advance.

export const BROWSER_EXTENSION_ID = 'bhocekefeanhaakldmdkmfolfllaelin';

/** The manifest `key` (base64 DER SubjectPublicKeyInfo) that gives BROWSER_EXTENSION_ID. */
export const BROWSER_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmsb1pJQNpBQytYFBJf2928wkcV2cWCskOXzPzJsyI3Me+uLgHHUHvvzhRpve5FdBURK2BVD7ncVetNzLhaYxQ6iPiDcOdFnKdIpkp8YzT8zNKPSNNFNS7cESN0yyqc8JXuH5rGcQ3WpzpGNS8u56S7o3Y788LG2rJj8TMaoYRt/gBXLKJcPrF/FdRfUTbPOUYGQSeyqEzHJr8wUpwkli83j7eINz0wQX7EsfOyYrvoA6Cp/Tib8MSC/99vCSyMjJXVLgAuKd8hbDh1P4Z2779+ls93BxovP21r4u35vmmEahiphcXZUfcpPP8mmWn0JKwEP19+kWU1okPpKWx1xHpQIDAQAB';

/** ws(s)://host:port/agent/v1 from whatever form of the collector URL was given (http(s) or ws(s)); both agents use it. */
export function agentSocketUrl(collector: string): string {
  const url = new URL(collector);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/agent/v1';
  return url.toString();
}

/** Chrome's update URL for extensions published in the Chrome Web Store. */
export const CHROME_WEB_STORE_UPDATE_URL = 'https://clients2.google.com/service/update2/crx';

const managedCollectorUrl = z
  .string()
  .trim()
  .refine((raw) => URL.canParse(raw) && ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(raw).protocol) && new URL(raw).hostname !== '', {
    message: 'must be an http(s):// or ws(s):// URL with a host',
  });

/**
 * What a school pushes to the extension through `chrome.storage.managed` (Google Admin
 * console, Intune / GPO `3rdparty` policy). The two required keys are exactly these names;
 * `deviceLabel` and `room` are optional hints shown in the console.
 */
export const managedConfigSchema = z.object({
  collectorUrl: managedCollectorUrl,
  enrolmentToken: z
    .string()
    .trim()
    .min(16)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  deviceLabel: textSchema(255).optional(),
  room: textSchema(255).optional(),
});

export type ManagedConfig = z.infer<typeof managedConfigSchema>;

/** The policy value a school pastes into the admin console for this collector and token. */
export function managedPolicyValue(config: ManagedConfig): Record<string, { Value: string }> {
  const value: Record<string, { Value: string }> = {
    collectorUrl: { Value: config.collectorUrl },
    enrolmentToken: { Value: config.enrolmentToken },
  };
  if (config.deviceLabel !== undefined && config.deviceLabel !== '') value.deviceLabel = { Value: config.deviceLabel };
  if (config.room !== undefined && config.room !== '') value.room = { Value: config.room };
  return value;
}

/**
 * The Chromium `3rdparty` policy (Windows registry / GPO / Intune, Linux
 * /etc/chromium/policies/managed/*.json) that hands `config` to the extension.
 */
export function thirdPartyPolicy(config: ManagedConfig): { '3rdparty': { extensions: Record<string, ManagedConfig> } } {
  const plain: ManagedConfig = { collectorUrl: config.collectorUrl, enrolmentToken: config.enrolmentToken };
  if (config.deviceLabel !== undefined && config.deviceLabel !== '') plain.deviceLabel = config.deviceLabel;
  if (config.room !== undefined && config.room !== '') plain.room = config.room;
  return { '3rdparty': { extensions: { [BROWSER_EXTENSION_ID]: plain } } };
}

/** The `ExtensionInstallForcelist` entry: `<id>;<update URL>`. */
export function forceInstallEntry(updateUrl: string = CHROME_WEB_STORE_UPDATE_URL): string {
  return `${BROWSER_EXTENSION_ID};${updateUrl}`;
}
