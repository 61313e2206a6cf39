// The README's promise, in a real browser: a newcomer starts the collector, opens the
// one-time link it prints, creates the first admin (with TOTP), adds the school and a
// room, creates an enrolment token, runs the agent command the console shows on the same
// machine, and watches that PC in the live view.
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
    const line = await collector.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('/setup?token='), 30_000, 'the first-run link');
    const token = /\/setup\?token=([^\s]+)/.exec(String(line.msg))?.[1];
    expect(token).toBeDefined();
    const base = `http://127.0.0.1:${collector.port}`;
    const { page } = await browser.newPage();

    await page.goto(`${base}/setup?token=${token ?? ''}`);
    await page.getByLabel('Your name').fill('Alex Admin');
    await page.getByLabel('User name').fill('alex');
    await page.getByLabel('Password', { exact: true }).fill('quiet harbour of many lanterns');
    await page.getByLabel('Repeat the password').fill('quiet harbour of many lanterns');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText({ timeout: 15_000 })).replace(/\s+/g, '');
    await page.getByLabel(/code/i).fill(totp(secret));
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });

    await page.goto(`${base}/admin/rooms`);
    await page.getByLabel('Site name').fill('Hillside Academy');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.getByLabel('Room name').fill('Room 12');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByText('Room 12').first().waitFor({ timeout: 10_000 });

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

    await x.openXterm('Maths practice');
    agent = await AgentProcess.create({ collectorUrl: collector.tlsUrl, display: x.display });
    await agent.start(enrolToken);
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the agent to connect');

    await page.goto(`${base}/live`);
    await page.getByRole('link', { name: /Room 12/ }).first().click();
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
    expect(browser.incidents).toEqual([]);
  });
});
