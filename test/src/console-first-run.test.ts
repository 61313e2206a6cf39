// The README's promise, in a real browser: a newcomer starts the collector, opens the
// one-time link it prints on a line of its own, creates the first admin (scanning the TOTP
// QR code), follows the getting-started checklist — adds the school and a room, creates an
// enrolment token, runs the agent command the console shows on the same machine, watches
// that PC in the live view, types the test phrase — and sees the checklist tick each step
// and go; the audit log then names people and things instead of showing ids.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_EXTENSION_ID } from '@vigil/shared/protocol';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { launchBrowser, totp, type TestBrowser } from './support/browser.ts';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { AgentProcess, CollectorProcess } from './support/system.ts';

let db: SystemDatabase | undefined;
let x: Xvfb | undefined;
let collector: CollectorProcess | undefined;
let agent: AgentProcess | undefined;
let browser: TestBrowser | undefined;

// jsqr is CommonJS with an ES default inside: the function itself or under `default`, depending on the loader.
const jsQR = (typeof jsQRModule === 'function' ? jsQRModule : jsQRModule.default) as typeof jsQRModule.default;

const screenshotsDir = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const ulidPattern = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `console-${name}.png`), fullPage: false });
}

/** The QR code image's pixels, drawn on a canvas in the page, decoded with jsQR. */
async function decodeQr(page: Page, alt: string): Promise<string | undefined> {
  const size = 330;
  const pixels = await page.evaluate(`(async () => {
    const img = [...document.querySelectorAll('img')].find((el) => el.alt === ${JSON.stringify(alt)});
    if (!img) return null;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = ${size};
    canvas.height = ${size};
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, ${size}, ${size});
    context.drawImage(img, 0, 0, ${size}, ${size});
    return Array.from(context.getImageData(0, 0, ${size}, ${size}).data);
  })()`);
  if (!Array.isArray(pixels)) return undefined;
  return jsQR(Uint8ClampedArray.from(pixels as number[]), size, size)?.data;
}

/** Each checklist step's done mark, read off the page. */
async function checklist(page: Page): Promise<Record<string, boolean>> {
  const steps = page.locator('[data-testid^="getting-started-"][data-done]');
  const out: Record<string, boolean> = {};
  for (const step of await steps.all()) {
    const id = ((await step.getAttribute('data-testid')) ?? '').replace('getting-started-', '');
    out[id] = (await step.getAttribute('data-done')) === 'true';
  }
  return out;
}

beforeAll(async () => {
  db = await createSystemDatabase();
  x = await startXvfb();
  collector = await CollectorProcess.create(db.url);
  await collector.start();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await agent?.dispose();
  await collector?.dispose();
  await x?.stop();
  await db?.drop();
});

describe('a newcomer, following the README', () => {
  it('signs in through the first-run link, enrols an agent on the same machine and watches it live', { timeout: 180_000 }, async () => {
    if (collector === undefined || browser === undefined || x === undefined) throw new Error('set-up failed');
    // The link is in the structured log, and on a plain line of its own (clickable in a
    // terminal, nothing else to copy); with JSON logs that line goes to stderr.
    const logged = await collector.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('/setup?token='), 30_000, 'the first-run link');
    const base = `http://127.0.0.1:${collector.port}`;
    const plain = await waitFor(() => collector?.outputLines().find((l) => l.trim().startsWith(`${base}/setup?token=`)), {
      timeoutMs: 10_000,
      message: 'the setup link on a line of its own',
    });
    const link = plain.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]+$/);
    expect(String(logged.msg)).toContain(link);
    const token = new URL(link).searchParams.get('token');
    expect(token).not.toBeNull();
    const { page } = await browser.newPage();

    await page.goto(`${base}/setup?token=${token ?? ''}`);
    await page.getByLabel('Your name').fill('Alex Admin');
    await page.getByLabel('User name').fill('alex');
    await page.getByLabel('Password', { exact: true }).fill('quiet harbour of many lanterns');
    await page.getByLabel('Repeat the password').fill('quiet harbour of many lanterns');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText({ timeout: 15_000 })).replace(/\s+/g, '');
    // The QR code an authenticator app scans: an image with words for screen readers, holding the otpauth link.
    const qrAlt = 'QR code to scan with your authenticator app; it holds the same setup key as the text below';
    await page.getByRole('img', { name: qrAlt }).waitFor({ timeout: 15_000 });
    const uri = ((await page.getByTestId('totp-uri').textContent()) ?? '').trim();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Vigil:alex\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(await decodeQr(page, qrAlt)).toBe(uri);
    await shoot(page, 'totp-qr');
    await page.getByLabel(/code/i).fill(totp(secret));
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });

    // The start page opens with the getting-started checklist, nothing done yet.
    const checklistPanel = page.getByTestId('getting-started');
    await checklistPanel.waitFor({ timeout: 15_000 });
    expect(await checklist(page)).toEqual({ site: false, room: false, token: false, device: false, alert: false });
    await shoot(page, 'getting-started');
    // Each step links to where it is done.
    await checklistPanel.getByRole('link', { name: 'Add your school (a site)' }).click();
    await page.waitForURL(`${base}/admin/rooms`);

    await page.getByLabel('Site name').fill('Hillside Academy');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.getByLabel('Room name').fill('Room 12');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByText('Room 12').first().waitFor({ timeout: 10_000 });

    await page.goto(`${base}/`);
    await expect.poll(() => checklist(page), { timeout: 15_000 }).toEqual({ site: true, room: true, token: false, device: false, alert: false });

    await page.goto(`${base}/admin/enrolment`);
    await page.getByLabel('Room for the new computers').selectOption({ label: 'Room 12' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const command = await page.getByTestId('agent-command').innerText({ timeout: 10_000 });
    const enrolToken = /--enrol-token\s+(\S+)/.exec(command)?.[1];
    // The collector's TLS address; the token carries its key pin.
    expect(command).toContain(`--collector ${collector.tlsUrl} `);
    expect(enrolToken).toMatch(/\.[A-Za-z0-9_-]{43}$/);
    // Beside it, what IT pastes for Chromebooks: the extension id and the managed configuration
    // with the collector's TLS address (the extension refuses plain http to another machine).
    expect(await page.getByTestId('extension-id').innerText()).toBe(BROWSER_EXTENSION_ID);
    const panel = await page.getByTestId('browser-enrolment-panel').innerText();
    expect(panel).toContain(`"Value": "https://127.0.0.1:${new URL(collector.tlsUrl).port}"`);
    expect(panel).toContain(`"Value": "${enrolToken ?? ''}"`);

    await page.goto(`${base}/`);
    await expect.poll(() => checklist(page), { timeout: 15_000 }).toMatchObject({ token: true, device: false });

    await x.openXterm('Maths practice');
    agent = await AgentProcess.create({ collectorUrl: collector.tlsUrl, display: x.display });
    await agent.start(enrolToken);
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the agent to connect');

    await page.goto(`${base}/live`);
    await page
      .getByRole('link', { name: /Room 12/ })
      .first()
      .click();
    const tile = page.locator('[data-testid^="tile-"]').first();
    await tile.waitFor({ timeout: 15_000 });
    const width = await waitFor(
      () =>
        tile.locator('img').evaluate((el) => {
          const img = el as unknown as { complete: boolean; naturalWidth: number };
          return img.complete ? img.naturalWidth : 0;
        }),
      { timeoutMs: 20_000, intervalMs: 200, message: 'a live thumbnail' },
    );
    expect(width).toBeGreaterThan(0);
    await expect.poll(() => tile.innerText(), { timeout: 10_000 }).toContain('Maths practice');

    // The checklist has ticked the PC and says what to type for a test alert.
    await page.goto(`${base}/`);
    await expect.poll(() => checklist(page), { timeout: 20_000 }).toEqual({ site: true, room: true, token: true, device: true, alert: false });
    const alertStep = await page.getByTestId('getting-started-alert').innerText();
    const phrase = /type “([^”]+)”/.exec(alertStep)?.[1];
    expect(phrase).toBe('unblocked games');

    // Typed on the PC, the phrase raises an alert, and the checklist goes away by itself.
    await x.xdotoolType(`${phrase ?? ''} `);
    await x.xdotool('key', 'Return');
    await expect.poll(() => page.getByTestId('getting-started').count(), { timeout: 45_000 }).toBe(0);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('getting-started').count()).toBe(0);

    // The audit log names the admin and the things they touched, linking to them; ids only in tooltips.
    await page.goto(`${base}/audit?action=site.create`);
    const siteRow = page.locator('[data-testid^="audit-row-"]').first();
    await siteRow.waitFor({ timeout: 15_000 });
    expect(await siteRow.getByTestId('audit-actor').innerText()).toBe('Alex Admin');
    const siteLink = siteRow.getByTestId('audit-target');
    expect(await siteLink.innerText()).toBe('Hillside Academy');
    expect(await siteLink.getAttribute('title')).toMatch(/^site \S+$/);
    expect(await siteRow.innerText()).not.toMatch(ulidPattern);
    await siteLink.click();
    await page.waitForURL(/\/audit\?targetType=site&targetId=/);
    await page.locator('[data-testid^="audit-row-"]').first().waitFor({ timeout: 15_000 });

    await page.goto(`${base}/audit?action=room.create`);
    const roomLink = page.locator('[data-testid^="audit-row-"]').first().getByTestId('audit-target');
    expect(await roomLink.innerText({ timeout: 15_000 })).toBe('Room 12 (Hillside Academy)');
    await roomLink.click();
    await page.waitForURL(/\/live\/[^/?]+$/);
    expect(browser.incidents).toEqual([]);
  });
});
