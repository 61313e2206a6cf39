import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_EXTENSION_ID } from '@vigil/shared/protocol';
import { buildExtension, type ExtensionBuild } from './build.ts';

let out: string;
let built: ExtensionBuild;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'vigil-ext-build-'));
  built = await buildExtension(out);
}, 60_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** Chrome's extension id: the first 128 bits of SHA-256 over the public key, as letters a–p. */
function extensionIdOf(keyBase64: string): string {
  const hex = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

describe('the built browser extension', () => {
  it('is a Manifest V3 extension whose pinned key gives the id the console and policies name', async () => {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown> & {
      key: string;
      background: { service_worker: string };
    };
    expect(manifest.manifest_version).toBe(3);
    expect(extensionIdOf(manifest.key)).toBe(BROWSER_EXTENSION_ID);
    expect(manifest.background.service_worker).toBe('background.js');
    for (const file of ['background.js', 'content.js', 'popup.html', 'popup.js', 'lock.html', 'lock.js', 'icons/icon-128.png'])
      expect((await readFile(join(out, file))).byteLength).toBeGreaterThan(0);
  });

  it('declares exactly collectorUrl and enrolmentToken (plus optional label and room) as managed configuration', async () => {
    const schema = JSON.parse(await readFile(join(out, 'managed_schema.json'), 'utf8')) as { properties: Record<string, { type: string }> };
    expect(Object.keys(schema.properties).sort()).toEqual(['collectorUrl', 'deviceLabel', 'enrolmentToken', 'room']);
    expect(Object.values(schema.properties).every((p) => p.type === 'string')).toBe(true);
  });

  it('packs the same files into a zip with manifest.json at its root, and loads no remote code', async () => {
    const files = unzipSync(new Uint8Array(await readFile(built.zip)));
    expect(Object.keys(files)).toContain('manifest.json');
    expect(Object.keys(files)).toContain('background.js');
    const code = new TextDecoder().decode(files['background.js']) + new TextDecoder().decode(files['content.js']);
    expect(code).not.toMatch(/importScripts\(|\beval\(|new Function\(/);
  });
});
