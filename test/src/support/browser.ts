// Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for the console's
// end-to-end tests. `npx playwright install` cannot work on our machines; Debian's build can.
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  readonly browser: Browser;
  /** A fresh context (own cookies) that records every dialog and page error as a failure. */
  newPage(options?: PageOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** alert()/confirm() dialogs and uncaught page errors seen so far: an XSS would show up here. */
  readonly incidents: string[];
  close(): Promise<void>;
}

export interface PageOptions {
  /** Default 1280 × 860; a phone is 390 × 844. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Browser permissions granted to the page's origin up front (e.g. `notifications`). */
  readonly permissions?: readonly string[];
}

/** Flags for Debian's Chromium here: no sandbox as root, and no calls out to Google's services (refused on our network). */
export const CHROMIUM_TEST_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath}: run \`bash scripts/bootstrap.sh test\` (installs Debian's chromium) or set CHROMIUM_PATH`);
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_TEST_ARGS],
  });
  const incidents: string[] = [];
  return {
    browser,
    incidents,
    async newPage(options: PageOptions = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 }, permissions: [...(options.permissions ?? [])] });
      const page = await context.newPage();
      page.on('dialog', (dialog) => {
        incidents.push(`dialog ${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => incidents.push(`page error: ${error.message}`));
      return { context, page };
    },
    async close() {
      // Playwright gives every launch a fresh temporary profile and removes it on close.
      await browser.close();
    },
  };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for a base32 secret, as an authenticator app computes it. */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base32: ${ch}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}
