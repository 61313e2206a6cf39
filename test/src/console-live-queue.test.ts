// The DSL's open triage page hears of alerts as they happen (issue #14, item 1; the
// badge and browser notifications of item 2): real Chromium, the real collector process
// with real PostgreSQL, and the real headless agent under Xvfb typing through xdotool.
// What must hold: a new alert shows as "N new" without moving the row under the cursor,
// the badge and a browser notification name category, severity and room — never what
// was typed — and a change made elsewhere updates the row in place.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, shoot } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

let system: WholeSystem;
let users: ConsoleUsers;
let browser: TestBrowser;

async function one<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
  const { rows } = await system.db.pool.query<T>(sql, params);
  return rows[0];
}

/** The newest alert for `term`, and when the collector committed it (polled every 20 ms). */
async function committed(term: string, after: Date): Promise<{ id: string; seenAt: number }> {
  const row = await waitFor(() => one<{ id: string }>('select id from alerts where term = $1 and received_at > $2 order by ts desc limit 1', [term, after]), {
    timeoutMs: 30_000,
    intervalMs: 20,
    message: `an alert for "${term}"`,
  });
  return { id: row.id, seenAt: Date.now() };
}

/** Records every browser notification the page creates (headless Chromium shows none on screen). */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      Notification: { new (title: string, options?: { body?: string; tag?: string }): object };
      __notices: Array<{ title: string; body: string; tag: string }>;
    };
    const Real = w.Notification;
    w.__notices = [];
    const Recording = function (this: object, title: string, options: { body?: string; tag?: string } = {}) {
      w.__notices.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
      return new Real(title, options);
    } as unknown as typeof Real;
    Object.defineProperty(Recording, 'permission', { get: () => (Real as unknown as { permission: string }).permission });
    (Recording as unknown as { requestPermission: unknown }).requestPermission = (Real as unknown as { requestPermission: unknown }).requestPermission;
    w.Notification = Recording;
  });
}

const notices = (page: Page) => page.evaluate(() => (globalThis as unknown as { __notices: Array<{ title: string; body: string; tag: string }> }).__notices);
const highlighted = (page: Page) => page.locator('[data-testid^="alert-row-"][aria-current="true"]').first().getAttribute('data-testid');

beforeAll(async () => {
  system = await startWholeSystem('Maths homework');
  users = new ConsoleUsers(system.collector);
  await users.create('dsl.live', 'dsl');
  await users.create('tech.live', 'technician');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

describe('the triage queue is live', () => {
  it('a new alert reaches the open queue as "1 new" with a badge and a notification, and the highlighted row stays put', { timeout: 180_000 }, async () => {
    const start = new Date();
    await system.typeLine('my cousin has a bet365 account');
    const first = await committed('bet365', start);

    const { page, context } = await browser.newPage({ permissions: ['notifications'] });
    await recordNotifications(page);
    await users.signIn(page, 'dsl.live');
    await page.goto(`${users.baseUrl}/triage`);
    await expectVisible(page.getByTestId(`alert-row-${first.id}`), 'the first alert in the queue');
    await expect
      .poll(
        () =>
          page
            .getByTestId('unread-badge')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toMatch(/^1\b/);
    await page.getByTestId('desktop-alerts').click();
    await expect.poll(() => page.getByTestId('desktop-alerts').innerText()).toBe('Desktop alerts on');

    // Highlight the first row with the keyboard, as a DSL working the queue would.
    await page.keyboard.press('j');
    const before = await highlighted(page);
    expect(before).toBe(`alert-row-${first.id}`);
    const rowsBefore = await page.locator('[data-testid^="alert-row-"]').count();

    const typedAt = new Date();
    await system.typeLine('he said he will bring a zombie knife tomorrow');
    const second = await committed('zombie knife', typedAt);
    await expectVisible(page.getByTestId('show-new-alerts'), 'the "1 new" marker', 10_000);
    const latencyMs = Date.now() - second.seenAt;
    process.stdout.write(`live queue: alert committed → "1 new" on the open triage page in ${latencyMs} ms (polled every 20 ms)\n`);

    expect(await page.getByTestId('show-new-alerts').innerText()).toBe('1 new — show');
    // Nothing moved: same rows, same highlighted alert, the new one not yet inserted.
    expect(await page.locator('[data-testid^="alert-row-"]').count()).toBe(rowsBefore);
    expect(await highlighted(page)).toBe(before);
    expect(await page.getByTestId(`alert-row-${second.id}`).count()).toBe(0);
    await expect.poll(() => page.getByTestId('unread-badge').innerText(), { timeout: 10_000 }).toMatch(/^2\b/);
    expect(await page.title()).toMatch(/^\(2\) /);

    const shown = await waitFor(async () => (await notices(page)).find((notice) => notice.tag === `vigil-alert-${second.id}`), {
      timeoutMs: 10_000,
      message: 'a browser notification for the severity 4 alert',
    });
    expect(shown.title).toBe('Vigil: severity 4 (High) · Weapons & violence');
    expect(shown.body).toMatch(/^ICT Suite · /);
    // The low-severity first alert gave no notification, and no notification says what was typed.
    expect((await notices(page)).map((notice) => notice.tag)).not.toContain(`vigil-alert-${first.id}`);
    expect(JSON.stringify(await notices(page))).not.toMatch(/zombie|knife|bet365|Maths homework/);
    await shoot(page, 'triage-live-new');

    await page.getByTestId('show-new-alerts').click();
    await expectVisible(page.getByTestId(`alert-row-${second.id}`), 'the new alert, once asked for');
    // The severity 4 alert sorts above the first one; the highlight followed its alert.
    expect(await highlighted(page)).toBe(before);
    expect(await page.getByTestId('show-new-alerts').count()).toBe(0);
    await context.close();
  });

  it('a change made by someone else updates the row in place and the badge', { timeout: 120_000 }, async () => {
    const { page, context } = await browser.newPage();
    await users.signIn(page, 'dsl.live');
    await page.goto(`${users.baseUrl}/triage`);
    const target = await waitFor(() => one<{ id: string }>("select id from alerts where term = 'bet365' and status = 'new' limit 1"), {
      timeoutMs: 5_000,
      message: 'a new bet365 alert',
    });
    const row = page.getByTestId(`alert-row-${target.id}`);
    await expectVisible(row, 'the alert row');
    const badgeBefore = Number.parseInt(await page.getByTestId('unread-badge').innerText(), 10);

    const other = await browser.newPage();
    await users.signIn(other.page, 'tech.live');
    const status = await other.page.evaluate(async (id) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const response = await fetch(`/api/alerts/${id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ status: 'in-review' }),
      });
      return response.status;
    }, target.id);
    expect(status).toBe(200);
    await other.context.close();

    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/in review/i);
    await expect
      .poll(
        async () =>
          Number.parseInt(
            (await page
              .getByTestId('unread-badge')
              .innerText()
              .catch(() => '0')) || '0',
            10,
          ),
        { timeout: 10_000 },
      )
      .toBe(badgeBefore - 1);
    await context.close();
  });

  it(
    'a DSL on a phone (390 px) sees alerts before filters, no sideways scrolling, and the alert page with its actions in the first screen',
    { timeout: 120_000 },
    async () => {
      const typedAt = new Date();
      await system.typeLine('is betfair legal for kids');
      await committed('betfair', typedAt);
      const { page, context } = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await users.create('dsl.phone', 'dsl');
      await users.signIn(page, 'dsl.phone');
      await page.goto(`${users.baseUrl}/triage`);
      const firstRow = page.locator('[data-testid^="alert-row-"]').first();
      await expectVisible(firstRow, 'an alert in the queue');
      const screen = { width: 390, height: 844 };
      const rowBox = await firstRow.boundingBox();
      expect(rowBox?.y).toBeLessThan(screen.height);
      // Filters are folded away; they open on demand.
      await expect.poll(() => page.getByTestId('queue-filters-fold').evaluate((el) => (el as unknown as { open: boolean }).open)).toBe(false);
      const scrollWidth = await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
      );
      expect(scrollWidth).toBeLessThanOrEqual(screen.width);
      await shoot(page, 'phone-queue');

      await firstRow.locator('[data-testid^="alert-link-"]').click();
      await expectVisible(page.getByTestId('alert-page'), 'the alert page');
      const actions = page.getByRole('heading', { name: 'Actions' });
      await expectVisible(actions, 'the actions');
      const actionsBox = await actions.boundingBox();
      expect(actionsBox?.y).toBeLessThan(screen.height);
      const escalate = page.getByRole('button', { name: /Escalate/ }).first();
      const escalateBox = await escalate.boundingBox();
      expect(escalateBox === null ? Infinity : escalateBox.y + escalateBox.height).toBeLessThanOrEqual(screen.height);
      const alertScrollWidth = await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
      );
      expect(alertScrollWidth).toBeLessThanOrEqual(screen.width);
      await shoot(page, 'phone-alert');
      await context.close();
    },
  );
});
