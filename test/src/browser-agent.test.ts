// The browser agent end to end: the built MV3 extension in real Chromium, configured by a
// real managed-policy file, enrolled with the real collector on a real PostgreSQL. Typing
// in ordinary pages (an input, a textarea, a cross-origin iframe, a contenteditable editor,
// a search box, a paste) raises alerts with screenshots; password fields and sign-in pages
// never do.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlank, waitFor } from '@vigil/agent/testing';
import { accessibleText, startBrowserAgentSystem, type BrowserAgentHarness, type BrowserAgentSystem } from './support/browser-agent.ts';
import type { SystemDatabase } from './support/database.ts';
import type { CollectorProcess } from './support/system.ts';
import type { TestPages } from './support/test-pages.ts';

let system: BrowserAgentSystem;
let db: SystemDatabase;
let collector: CollectorProcess;
let pages: TestPages;
let browser: BrowserAgentHarness;

interface AlertRow {
  id: string;
  term: string;
  source: string;
  context: string;
  window_title: string;
  app: string;
  url: string | null;
  os_user: string | null;
  screenshot_sha256: string | null;
}

async function alertsFor(term: string): Promise<AlertRow[]> {
  return (
    await db.pool.query<AlertRow>(
      'select id, term, source, context, window_title, app, url, os_user, screenshot_sha256 from alerts where term = $1 order by ts',
      [term],
    )
  ).rows;
}

function untilAlert(term: string, source = 'typed'): Promise<AlertRow> {
  return waitFor(async () => (await alertsFor(term)).find((a) => a.source === source), {
    timeoutMs: 30_000,
    intervalMs: 100,
    message: `an alert for "${term}"`,
  });
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  system = await startBrowserAgentSystem({ deviceLabel: 'Chromebook 07', room: 'ICT Suite' });
  ({ db, collector, pages, browser } = system);
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

describe('the browser agent in Chromium with the real collector', () => {
  it('shows the acceptable-use notice once, and enrols as a browser agent with its platform and browser', async () => {
    const page = await browser.open(`${pages.origin}/plain`);
    // The notice lives in a closed shadow root: read it as a screen reader does, accept it as a pupil does (its button has focus).
    await page.waitForSelector('vigil-notice', { state: 'attached', timeout: 15_000 });
    await expect.poll(() => accessibleText(page), { timeout: 10_000 }).toContain('This computer is monitored');
    expect(await accessibleText(page)).toContain('I understand');
    await page.keyboard.press('Enter');
    await browser.waitForLog('acceptable-use notice accepted');
    await page.reload();
    await page.waitForLoadState('load');
    expect(await page.locator('vigil-notice').count()).toBe(0);

    const device = await waitFor(
      async () =>
        (
          await db.pool.query<{ hostname: string; os: string; status: string; agent_kind: string; browser: string | null }>(
            "select hostname, os, status, agent_kind, browser from devices where status = 'online'",
          )
        ).rows[0],
      { timeoutMs: 15_000, message: 'the online browser device' },
    );
    expect(device).toMatchObject({ hostname: 'Chromebook 07', agent_kind: 'browser' });
    expect(device.browser ?? '').toMatch(/^Chromium \d+/);
    await page.close();
  });

  it('a phrase typed into an input raises an alert with the tab title, URL and a non-blank screenshot', async () => {
    const page = await browser.open(`${pages.origin}/homework`);
    await typeInto(page, '#notes', 'i want to kill myself');
    const alert = await untilAlert('kill myself');
    expect(alert).toMatchObject({ window_title: 'History homework', context: 'i want to kill myself', app: 'Chromium' });
    expect(alert.url).toBe(`${pages.origin}/homework`);
    const sha = alert.screenshot_sha256 ?? '';
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const shot = await waitFor(
      async () => (await db.pool.query<{ width: number; bytes: number }>('select width, bytes from screenshots where sha256 = $1', [sha])).rows[0],
      {
        timeoutMs: 20_000,
        message: 'the screenshot row',
      },
    );
    expect(shot.width).toBe(1280);
    const blob = await readFile(join(collector.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha));
    expect(blob.byteLength).toBe(shot.bytes);
    expect(await isBlank(new Uint8Array(blob), 5)).toBe(false);
    await page.close();
  });

  it('leet-speak with a typo fixed by Backspace in a textarea alerts as the typed text reads', async () => {
    const page = await browser.open(`${pages.origin}/homework`);
    await page.locator('#essay').click();
    await page.keyboard.type('i w4nt t0 dj');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('1e');
    await page.keyboard.press('Enter');
    const alert = await untilAlert('want to die');
    expect(alert.context).toContain('w4nt t0 d1e');
    await page.close();
  });

  it('typing inside a cross-origin iframe and a contenteditable editor alerts', async () => {
    const framed = await browser.open(`${pages.origin}/framed`);
    const frame = framed.frameLocator('#frame');
    await frame.locator('#comment').click();
    await framed.keyboard.type('nobody would miss me');
    await framed.keyboard.press('Enter');
    expect((await untilAlert('nobody would miss me')).window_title).toBe('Class blog');
    await framed.close();

    const editor = await browser.open(`${pages.origin}/editor`);
    await typeInto(editor, '#doc', 'i want to end my life');
    expect((await untilAlert('end my life')).window_title).toBe('Shared document');
    await editor.close();
  });

  it('a search box that submits on Enter, and pasted text, both alert', async () => {
    const search = await browser.open(`${pages.origin}/search`);
    await typeInto(search, '#q', 'where to buy a zombie knife');
    const typed = await untilAlert('zombie knife');
    expect(typed.window_title).toBe('Search');
    await search.waitForURL(/\/results\?q=/);
    await search.close();

    const page = await browser.open(`${pages.origin}/homework`);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pages.origin });
    await page.evaluate(
      (text) => (navigator as unknown as { clipboard: { writeText(t: string): Promise<void> } }).clipboard.writeText(text),
      'i want to take my own life',
    );
    await page.locator('#essay').click();
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Enter');
    expect((await page.locator('#essay').inputValue()).startsWith('i want to take my own life')).toBe(true);
    expect((await untilAlert('take my own life')).context).toContain('i want to take my own life');
    await page.close();
  });

  it('text committed by an input method (IME composition) alerts once, as committed', async () => {
    const page = await browser.open(`${pages.origin}/homework`);
    await page.locator('#essay').click();
    const cdp = await page.context().newCDPSession(page);
    // Composing shows provisional text that is replaced many times; only the commit counts.
    for (const partial of ['better', 'better off', 'better off de'])
      await cdp.send('Input.imeSetComposition', { text: partial, selectionStart: partial.length, selectionEnd: partial.length });
    await cdp.send('Input.insertText', { text: 'better off dead' });
    await cdp.detach();
    await page.keyboard.press('Enter');
    const alert = await untilAlert('better off dead');
    expect(alert.context).toBe('better off dead');
    expect(await alertsFor('better off dead')).toHaveLength(1);
    await page.close();
  });

  it('password fields and sign-in pages never raise an alert', async () => {
    const signIn = await browser.open(`${pages.origin}/sign-in`);
    await typeInto(signIn, '#user', 'no reason to live');
    await typeInto(signIn, '#pass', 'goodbye forever');
    await signIn.close();
    const account = await browser.open(`${pages.origin}/account`);
    await typeInto(account, '#newpass', 'nothing to live for');
    await typeInto(account, '#nick', 'wish i was never born');
    await account.close();
    // A phrase typed afterwards in an ordinary page: once it is in, anything typed before it would be too.
    const page = await browser.open(`${pages.origin}/homework`);
    await typeInto(page, '#notes', 'this is my goodbye');
    await untilAlert('this is my goodbye');
    for (const term of ['no reason to live', 'goodbye forever', 'nothing to live for']) expect(await alertsFor(term)).toEqual([]);
    const { rows } = await db.pool.query<{ n: number }>("select count(*)::int as n from alerts where window_title = 'Sign in - School accounts'");
    expect(rows[0]?.n).toBe(0);
    // The ordinary field beside the password field on the account page is still read.
    expect((await untilAlert('wish i was never born')).window_title).toBe('My account');
    await page.close();
  });
});
