// The browser agent under faults and teacher control: a collector outage loses and
// duplicates nothing, a browser restart keeps the IndexedDB outbox, a teacher lock holds over
// new tabs, navigation and pages no content script reaches, and the live view shows the tab.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor } from '@vigil/agent/testing';
import { BROWSER_EXTENSION_ID } from '@vigil/shared/protocol';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { BrowserAgentHarness, accessibleText, startBrowserAgentSystem, writeManagedPolicy, type BrowserAgentSystem } from './support/browser-agent.ts';
import type { SystemDatabase } from './support/database.ts';
import type { CollectorProcess } from './support/system.ts';
import type { TestPages } from './support/test-pages.ts';

let system: BrowserAgentSystem;
let db: SystemDatabase;
let collector: CollectorProcess;
let pages: TestPages;
let browser: BrowserAgentHarness;

const count = async (sql: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;
const alertCount = (term: string) => count('select count(*)::int as n from alerts where term = $1', [term]);

async function typeLine(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function alertsPendingAtLeast(n: number): Promise<void> {
  await waitFor(async () => ((await browser.diagnostics()).outbox?.pendingAlerts ?? 0) >= n, {
    timeoutMs: 20_000,
    intervalMs: 100,
    message: `${n} alerts waiting in the outbox`,
  });
}

const lockShown = (page: Page) => page.locator('vigil-lock-screen').count();
const screenshotsDir = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `extension-${name}.png`) });
}

beforeAll(async () => {
  // No acceptable-use notice in this file: its own test is in browser-agent.test.ts.
  system = await startBrowserAgentSystem({ policy: { showAupOnLogin: false } });
  ({ db, collector, pages, browser } = system);
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

describe('the browser agent under faults and teacher control', () => {
  it('a collector outage loses nothing and duplicates nothing', { timeout: 120_000 }, async () => {
    await collector.stop();
    await browser.waitForPhase('offline');
    const page = await browser.open(`${pages.origin}/homework`);
    await typeLine(page, '#notes', 'i want to kill myself');
    await typeLine(page, '#essay', 'nobody would miss me');
    await alertsPendingAtLeast(2);
    await collector.start();
    await browser.waitForPhase('connected');
    await waitFor(async () => (await alertCount('kill myself')) === 1 && (await alertCount('nobody would miss me')) === 1, {
      timeoutMs: 30_000,
      message: 'both alerts after the outage',
    });
    await waitFor(async () => ((await browser.diagnostics()).outbox?.pending ?? -1) === 0, { timeoutMs: 30_000, message: 'the outbox drained' });
    // Acks were lost with the old connection for nothing: still exactly one row each.
    expect(await alertCount('kill myself')).toBe(1);
    expect(await alertCount('nobody would miss me')).toBe(1);
    await page.close();
  });

  it('a browser restart while the collector is down keeps the outbox', { timeout: 120_000 }, async () => {
    await collector.stop();
    await browser.waitForPhase('offline');
    const page = await browser.open(`${pages.origin}/editor`);
    await typeLine(page, '#doc', 'i want to end my life');
    await alertsPendingAtLeast(1);
    await browser.close();
    await browser.launch();
    // The new worker opens the same IndexedDB outbox: the alert is still waiting in it.
    await alertsPendingAtLeast(1);
    await collector.start();
    await browser.waitForPhase('connected');
    await waitFor(async () => (await alertCount('end my life')) === 1, { timeoutMs: 30_000, message: 'the alert typed before the restart' }).catch(
      async (err: unknown) => {
        process.stderr.write(JSON.stringify((await browser.diagnostics()).logs.slice(-40), null, 1));
        throw err;
      },
    );
  });

  it('a teacher lock covers every tab, new tabs, navigation and chrome:// pages, and the unlock lifts it', { timeout: 120_000 }, async () => {
    const page = await browser.open(`${pages.origin}/homework`);
    await collector.admin(['lock', '--room', 'ICT Suite', '--message', 'Eyes on the board']);
    await browser.waitForLog('browser locked by a teacher');
    await waitFor(async () => (await lockShown(page)) === 1, { message: 'the overlay on the open tab' });
    await page
      .locator('#notes')
      .focus()
      .catch(() => undefined);
    await page.keyboard.type('hello');
    expect(await page.locator('#notes').inputValue()).toBe('');
    // The browser's lock-state reached the collector: the console shows "Locked" from this row.
    await waitFor(async () => (await count("select count(*)::int as n from idle_lock_events where cause = 'teacher' and kind = 'locked'")) === 1, {
      timeoutMs: 15_000,
      message: 'the lock row',
    });

    // A tab opened while locked starts on about:blank, which cannot carry the overlay: the extension may park it
    // on the lock page before the test's navigation commits (Playwright then reports the goto as interrupted).
    // A pupil's next navigation from there loads the page under the overlay, which is what is checked.
    // Parking can land after the first goto has started, and more than once (about:blank is reported by both the
    // tab's creation and its first update), so the navigation is repeated until the tab stays on the page.
    const fresh = await browser.context.newPage();
    await waitFor(
      async () => {
        if (!fresh.url().startsWith(`${pages.origin}/plain`)) {
          await fresh.goto(`${pages.origin}/plain`).catch((err: unknown) => {
            if (!String(err).includes('interrupted by another navigation')) throw err;
          });
        }
        return (await lockShown(fresh).catch(() => 0)) === 1;
      },
      { timeoutMs: 20_000, message: 'the overlay on a new tab' },
    );
    await shoot(fresh, 'lock');
    await page.goto(`${pages.origin}/search`);
    await waitFor(async () => (await lockShown(page)) === 1, { message: 'the overlay after navigating' });
    const ntp = await browser.context.newPage();
    await ntp.goto('chrome://version').catch(() => undefined);
    await waitFor(() => ntp.url().startsWith(`chrome-extension://${BROWSER_EXTENSION_ID}/lock.html`), {
      timeoutMs: 10_000,
      message: 'a chrome:// page sent to the lock page',
    });

    await collector.admin(['unlock', '--room', 'ICT Suite']);
    await browser.waitForLog('unlocked by a teacher');
    await waitFor(async () => (await lockShown(page)) === 0 && (await lockShown(fresh)) === 0, { message: 'the overlays gone' });
    await waitFor(() => !ntp.url().startsWith('chrome-extension://'), { timeoutMs: 10_000, message: 'the parked tab sent back' });
    await typeLine(page, '#q', 'typing again');
    await page.waitForURL(/\/results\?q=typing\+again$/, { timeout: 10_000 });
    await Promise.all([page.close(), fresh.close(), ntp.close()]);
  });

  it('the live view shows the tab in front, with its title', { timeout: 120_000 }, async () => {
    await collector.admin(['create-user', '--username', 'teacher.live', '--role', 'teacher', '--display-name', 'Ms Live', '--rooms', 'ICT Suite'], {
      VIGIL_NEW_PASSWORD: 'correct horse battery staple',
    });
    const device = await waitFor(
      async () => (await db.pool.query<{ id: string }>("select id from devices where agent_kind = 'browser' and status = 'online'")).rows[0],
      { message: 'the online browser device' },
    );
    const room = (await db.pool.query<{ id: string }>("select id from rooms where name = 'ICT Suite'")).rows[0]?.id ?? '';
    const pupilPage = await browser.open(`${pages.origin}/homework`);
    let staff: TestBrowser | undefined;
    try {
      staff = await launchBrowser();
      const { page } = await staff.newPage();
      const base = `http://127.0.0.1:${collector.port}`;
      await page.goto(`${base}/signin`);
      await page.getByLabel('User name').fill('teacher.live');
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
      await page.goto(`${base}/live/${room}`);
      const tile = page.getByTestId(`tile-${device.id}`);
      await tile.waitFor({ timeout: 15_000 });
      await expect.poll(() => tile.innerText(), { timeout: 20_000 }).toContain('History homework');
      const width = await waitFor(
        async () => {
          const w = await page
            .locator(`[data-testid="tile-${device.id}"] img`)
            .first()
            .evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)
            .catch(() => 0);
          return w > 0 ? w : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200, message: 'a live thumbnail of the tab' },
      );
      expect(width).toBeGreaterThan(100);
      expect(await tile.innerText()).toMatch(/Chrom/);

      // A message from the teacher appears on the page in front.
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByLabel('Message', { exact: true }).fill('Five minutes left, please save your work');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await browser.waitForLog('teacher message shown');
      expect((await browser.diagnostics()).logs.find((l) => l.msg === 'teacher message shown')?.where).toBe('page');
      await waitFor(async () => (await pupilPage.locator('vigil-messages').count()) === 1, { timeoutMs: 10_000, message: "the message on the pupil's page" });
      await expect.poll(() => accessibleText(pupilPage), { timeout: 10_000 }).toContain('Five minutes left, please save your work');
    } finally {
      await staff?.close();
      await pupilPage.close();
    }
  });
});

describe("a browser without the school's configuration", () => {
  it('says so on the extension page and sends nothing', { timeout: 120_000 }, async () => {
    await browser.dispose();
    await writeManagedPolicy(undefined);
    const devicesBefore = await count('select count(*)::int as n from devices');
    const alertsBefore = await count('select count(*)::int as n from alerts');
    const bare = await BrowserAgentHarness.create(browser.extensionDir);
    try {
      await bare.launch();
      const state = await bare.waitForPhase('unconfigured');
      expect(state.status.detail).toContain('collectorUrl and enrolmentToken are not set');
      const popup = await bare.open(`chrome-extension://${BROWSER_EXTENSION_ID}/popup.html`);
      await expect.poll(() => popup.locator('#phase').innerText(), { timeout: 10_000 }).toContain('Not configured');
      expect(await popup.locator('#ext-id').innerText()).toBe(BROWSER_EXTENSION_ID);
      await shoot(popup, 'unconfigured');
      const page = await bare.open(`${pages.origin}/homework`);
      await typeLine(page, '#notes', 'i want to kill myself');
      // Nothing is matched: the worker never built a detector, and no record exists to send.
      expect((await bare.diagnostics()).stats).toBeUndefined();
      expect((await bare.diagnostics()).outbox).toBeUndefined();
      expect(await count('select count(*)::int as n from devices')).toBe(devicesBefore);
      expect(await count('select count(*)::int as n from alerts')).toBe(alertsBefore);
    } finally {
      await bare.dispose();
    }
  });
});
