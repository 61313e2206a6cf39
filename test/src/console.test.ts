// The web console in real Chromium against the real collector (a process, real PostgreSQL)
// and the real headless agent under Xvfb: what teachers, technicians and the DSL do, and
// what must never happen (a script from a window title running, a teacher seeing another
// room, unlimited password guessing). Saves the main pages to docs/screenshots/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, shoot } from './support/console-users.ts';
import type { SystemDatabase } from './support/database.ts';
import type { CollectorProcess } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const hostileTitle = '<img src=x onerror=alert(1)>';

let system: WholeSystem;
let db: SystemDatabase;
let collector: CollectorProcess;
let browser: TestBrowser;
let baseUrl: string;
let users: ConsoleUsers;
let roomA: string;
let roomB: string;

async function one<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
  const { rows } = await db.pool.query<T>(sql, params);
  return rows[0];
}

/** Waits for the newest alert with this term (its primary, or one folded into it) whose screenshot bytes have arrived. */
async function alertWithScreenshot(term: string): Promise<{ id: string; category: string; window_title: string }> {
  return waitFor(
    () =>
      one<{ id: string; category: string; window_title: string }>(
        `select a.id, a.category, a.window_title from alerts a join screenshots s on s.sha256 = a.screenshot_sha256
          where (a.term = $1 or a.terms @> jsonb_build_array(jsonb_build_object('term', $1::text))) order by a.ts desc limit 1`,
        [term],
      ),
    { timeoutMs: 30_000, intervalMs: 100, message: `an alert for "${term}" with its screenshot stored` },
  );
}

const createUser = (username: string, role: string, rooms?: string) => users.create(username, role, rooms);
const signIn = (page: Page, username: string) => users.signIn(page, username);

/** The image element has really decoded pixels (not a broken image). */
async function imageLoaded(page: Page, selector: string): Promise<{ width: number; src: string }> {
  return waitFor(
    async () => {
      const info = await page
        .locator(selector)
        .first()
        .evaluate((el) => {
          // (The test project has no DOM types: this runs in the page.)
          const img = el as unknown as { complete: boolean; naturalWidth: number; currentSrc: string; src: string };
          return { width: img.complete ? img.naturalWidth : 0, src: img.currentSrc || img.src };
        });
      return info.width > 0 ? info : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200, message: `a loaded image at ${selector}` },
  );
}

beforeAll(async () => {
  system = await startWholeSystem('History homework');
  ({ db, collector } = system);
  baseUrl = `http://127.0.0.1:${collector.port}`;
  users = new ConsoleUsers(collector);
  await collector.admin(['create-room', '--name', 'Science Lab', '--site', 'E2E School']);
  roomA = (await one<{ id: string }>("select id from rooms where name = 'ICT Suite'"))?.id ?? '';
  roomB = (await one<{ id: string }>("select id from rooms where name = 'Science Lab'"))?.id ?? '';
  await createUser('teacher.a', 'teacher', 'ICT Suite');
  await createUser('teacher.b', 'teacher', 'Science Lab');
  await createUser('tech', 'technician');
  await createUser('dsl', 'dsl');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

describe('the console in a real browser, with a real agent under X', () => {
  it('a teacher sees the live tile with a real thumbnail, locks it, sees it locked, and unlocks it', { timeout: 120_000 }, async () => {
    const device = await waitFor(() => one<{ id: string }>("select id from devices where status = 'online'"), {
      timeoutMs: 15_000,
      message: 'an online device',
    });
    const { page, context } = await browser.newPage();
    await signIn(page, 'teacher.a');
    await page.goto(`${baseUrl}/live/${roomA}`);
    const tile = page.getByTestId(`tile-${device.id}`);
    await expectVisible(tile, 'the device tile');
    const thumbnail = await imageLoaded(page, `[data-testid="tile-${device.id}"] img`);
    expect(thumbnail.src.startsWith('blob:')).toBe(true);
    await expect.poll(() => tile.innerText(), { timeout: 10_000 }).toContain('History homework');
    await shoot(page, 'live');

    await page.getByRole('button', { name: 'Lock all', exact: true }).click();
    await page.getByLabel('Message on the lock screen (optional)').fill('Eyes on the board, please');
    await page.getByRole('button', { name: 'Lock now' }).click();
    // "Locked by <teacher>" once the agent confirmed its lock screen is up (lock-state from the PC).
    await expect
      .poll(
        () =>
          tile
            .getByTestId('tile-lock')
            .innerText()
            .catch(() => ''),
        { timeout: 20_000 },
      )
      .toMatch(/^Locked by /);
    const lock = await one<{ locked: boolean; message: string }>('select locked, message from device_locks where device_id = $1', [device.id]);
    expect(lock).toEqual({ locked: true, message: 'Eyes on the board, please' });
    await shoot(page, 'live-locked');

    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect.poll(() => tile.getByTestId('tile-lock').count(), { timeout: 20_000 }).toBe(0);
    expect((await one<{ locked: boolean }>('select locked from device_locks where device_id = $1', [device.id]))?.locked).toBe(false);
    await context.close();
  });

  it('teacher A cannot see room B, neither in the UI nor through the API', { timeout: 60_000 }, async () => {
    const { page, context } = await browser.newPage();
    await signIn(page, 'teacher.a');
    await page.goto(`${baseUrl}/live`);
    await expectVisible(page.getByTestId(`room-${roomA}`), 'room A in the picker');
    expect(await page.getByTestId(`room-${roomB}`).count()).toBe(0);
    const statuses = await page.evaluate(
      async (ids) => {
        const devices = await fetch(`/api/rooms/${ids.roomB}/devices`);
        const rooms = (await (await fetch('/api/rooms')).json()) as { rooms: { id: string }[] };
        const alerts = await fetch('/api/alerts');
        return { devices: devices.status, roomIds: rooms.rooms.map((room) => room.id), alerts: alerts.status };
      },
      { roomB },
    );
    expect(statuses).toEqual({ devices: 403, roomIds: [roomA], alerts: 403 });
    await page.goto(`${baseUrl}/live/${roomB}`);
    await expectVisible(page.getByText(/not (allowed|have access)|forbidden|no access/i), 'a refusal for room B');
    await context.close();
  });

  it('a technician triages an alert typed with xdotool, opens its screenshot, and dismisses it with an allow-list entry', { timeout: 120_000 }, async () => {
    await system.typeLine('we are learning how a vpn works');
    const alert = await alertWithScreenshot('vpn');
    const versionBefore = await one<{ n: string }>('select count(*)::text as n from allowlist_entries');

    const { page, context } = await browser.newPage();
    await signIn(page, 'tech');
    await page.goto(`${baseUrl}/triage`);
    const row = page.getByTestId(`alert-row-${alert.id}`);
    await expectVisible(row, 'the alert in the queue');
    await shoot(page, 'triage-queue');
    await page.getByTestId(`alert-link-${alert.id}`).click();
    await page.waitForURL(`**/triage/${alert.id}`);
    await imageLoaded(page, '[data-testid="screenshot-image"]');
    await shoot(page, 'triage-alert');

    await page.getByRole('button', { name: 'Dismiss as false positive' }).click();
    const dialog = page.getByTestId('dismiss-dialog');
    await dialog.getByLabel('Allow-list this word or phrase (optional)').fill('how a vpn works');
    await dialog.getByRole('button', { name: 'Dismiss alert' }).click();
    await waitFor(() => one<{ status: string }>("select status from alerts where id = $1 and status = 'dismissed'", [alert.id]), {
      timeoutMs: 10_000,
      message: 'the alert dismissed',
    });
    const allowed = await one<{ n: string }>('select count(*)::text as n from allowlist_entries');
    expect(Number(allowed?.n)).toBe(Number(versionBefore?.n) + 1);
    expect(await one('select 1 as found from allowlist_entries where lower(term) = $1', ['how a vpn works'])).toBeDefined();
    await context.close();
  });

  it('a DSL reveals a restricted capture with a reason, and the audit page shows the reveal', { timeout: 120_000 }, async () => {
    await system.typeLine('sometimes i want to kill myself');
    const alert = await alertWithScreenshot('kill myself');
    expect(alert.category).toBe('self-harm');

    // The technician gets the blurred capture and no way to reveal it.
    const tech = await browser.newPage();
    await signIn(tech.page, 'tech');
    await tech.page.goto(`${baseUrl}/triage/${alert.id}`);
    await expectVisible(tech.page.getByTestId('screenshot-blurred'), 'the blurred label for the technician');
    expect(await tech.page.getByRole('button', { name: 'Reveal' }).count()).toBe(0);
    await tech.context.close();

    const { page, context } = await browser.newPage();
    await signIn(page, 'dsl');
    await page.goto(`${baseUrl}/triage/${alert.id}`);
    await expectVisible(page.getByTestId('screenshot-blurred'), 'the blurred label');
    await imageLoaded(page, '[data-testid="screenshot-image"]');
    await shoot(page, 'triage-blurred');
    await page.getByRole('button', { name: 'Reveal', exact: true }).click();
    const dialog = page.getByTestId('reveal-dialog');
    await dialog.getByRole('textbox').fill('Disclosure of suicidal thoughts; checking context for the referral');
    await dialog.getByRole('button', { name: 'Reveal screenshot' }).click();
    await waitFor(() => one("select 1 as found from audit_log where action = 'screenshot.reveal' and target_id = $1", [alert.id]), {
      timeoutMs: 10_000,
      message: 'the reveal audited',
    });
    await expect.poll(() => page.getByTestId('screenshot-blurred').count(), { timeout: 10_000 }).toBe(0);
    await waitFor(
      () => one("select 1 as found from audit_log where action = 'screenshot.view' and target_id = $1 and detail->>'blurred' = 'false'", [alert.id]),
      {
        timeoutMs: 10_000,
        message: 'the unblurred view audited',
      },
    );

    await page.goto(`${baseUrl}/audit`);
    await expectVisible(page.locator('[data-testid^="audit-row-"]', { hasText: 'screenshot.reveal' }), 'the reveal on the audit page');
    await shoot(page, 'audit');
    await context.close();
  });

  it('a hostile window title and typed <script> render as text; no script runs', { timeout: 120_000 }, async () => {
    await system.x.openXterm(hostileTitle);
    await system.agent.focused(hostileTitle);
    await system.typeLine('<script>alert(2)</script> kill yourself');
    const alert = await alertWithScreenshot('kill yourself');
    expect(alert.window_title).toBe(hostileTitle);

    const { page, context } = await browser.newPage();
    await signIn(page, 'tech');
    await page.goto(`${baseUrl}/triage/${alert.id}`);
    await expectVisible(page.getByText(hostileTitle, { exact: false }), 'the title shown literally');
    await expectVisible(page.getByText('<script>', { exact: false }), 'the typed context shown literally');
    await page.goto(`${baseUrl}/live/${roomA}`);
    await expectVisible(page.getByText(hostileTitle, { exact: false }), 'the title in the live tile');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(browser.incidents).toEqual([]);
    await context.close();
  });

  it('three wrong passwords lock the account for 10 minutes', { timeout: 60_000 }, async () => {
    const { page, context } = await browser.newPage();
    await page.goto(`${baseUrl}/signin`);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await page.getByLabel('User name').fill('teacher.b');
      await page.getByLabel('Password', { exact: true }).fill(`wrong password ${attempt}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect
        .poll(() => one<{ n: number }>("select failed_login_attempts as n from users where username = 'teacher.b'").then((r) => r?.n), { timeout: 10_000 })
        .toBe(attempt === 3 ? 0 : attempt);
    }
    await page.getByLabel('User name').fill('teacher.b');
    await page.getByLabel('Password', { exact: true }).fill(users.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The same answer as a wrong password (nobody can probe which names exist or are locked).
    await expectVisible(page.getByTestId('sign-in-problem').getByText(/locked for 10 minutes/i), 'the failed sign-in message');
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    const row = await one<{ minutes: number }>("select extract(epoch from locked_until - now()) / 60 as minutes from users where username = 'teacher.b'");
    expect(Number(row?.minutes)).toBeGreaterThan(9);
    expect(Number(row?.minutes)).toBeLessThanOrEqual(10);
    await shoot(page, 'sign-in-locked');
    await context.close();
  });
});
