// "Restricted means restricted" and the closing rules (issue #14, items 3 and 4), in real
// Chromium against the real collector process (real PostgreSQL) and the real headless
// agent under Xvfb, typing through xdotool. What must hold: a technician sees "Withheld"
// and not one API answer their browser receives carries the restricted term, context or
// window title; the DSL reveals with a reason (invisible characters are not one) and then
// sees the term; the escalated alert is in the Escalated view, not the open queue; `d` and
// Enter cannot dismiss an escalated severity-5 restricted alert — only a reason and a
// ticked confirmation can.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, shoot } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const windowTitle = 'Form time journal';
const typed = 'honestly i want to kill myself';
const term = 'kill myself';
const zeroWidth = '\u200B'.repeat(11);

let system: WholeSystem;
let users: ConsoleUsers;
let browser: TestBrowser;
let alertId: string;

async function one<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
  const { rows } = await system.db.pool.query<T>(sql, params);
  return rows[0];
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await one<{ status: string }>('select status from alerts where id = $1', [id]))?.status;
}

/** Every /api answer the page receives, as text, in arrival order. */
function recordApi(page: Page): { bodies: { url: string; body: string }[]; settled(): Promise<void> } {
  const bodies: { url: string; body: string }[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (!new URL(url).pathname.startsWith('/api/') || url.includes('/screenshot')) return;
    pending.push(
      response.text().then(
        (body) => void bodies.push({ url, body }),
        () => undefined,
      ),
    );
  });
  return { bodies, settled: async () => void (await Promise.all(pending)) };
}

beforeAll(async () => {
  system = await startWholeSystem(windowTitle);
  users = new ConsoleUsers(system.collector);
  await users.create('tech.r', 'technician');
  await users.create('dsl.r', 'dsl');
  browser = await launchBrowser();
  await system.typeLine(typed);
  const row = await waitFor(
    () =>
      one<{ id: string; category: string; severity: number }>(
        `select a.id, a.category, a.severity from alerts a join screenshots s on s.sha256 = a.screenshot_sha256 where a.term = $1 order by a.ts desc limit 1`,
        [term],
      ),
    { timeoutMs: 30_000, intervalMs: 100, message: `an alert for "${term}" with its screenshot stored` },
  );
  expect(row).toMatchObject({ category: 'self-harm', severity: 5 });
  alertId = row.id;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

describe('restricted alerts in the console', () => {
  it('a technician sees "Withheld", no API answer carries the text, and they can escalate but not dismiss', { timeout: 150_000 }, async () => {
    const { page, context } = await browser.newPage();
    const api = recordApi(page);
    await users.signIn(page, 'tech.r');
    await page.goto(`${users.baseUrl}/triage`);
    const row = page.getByTestId(`alert-row-${alertId}`);
    await expectVisible(row, 'the restricted alert in the open queue');
    await expect.poll(() => row.innerText()).toContain('Withheld — restricted category');

    await page.getByTestId(`alert-link-${alertId}`).click();
    await page.waitForURL(`**/triage/${alertId}`);
    await expect.poll(() => page.getByTestId('alert-term').innerText()).toBe('Withheld — restricted category');
    await expectVisible(page.getByTestId('alert-timeline'), 'the timeline');
    await expectVisible(page.getByTestId('withheld-notice'), 'why the text is withheld');
    expect(await page.getByTestId('withheld-notice').innerText()).toContain('Only the Designated Safeguarding Lead can reveal them');
    // Not offered, and said why.
    expect(await page.getByRole('button', { name: 'Dismiss as false positive' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resolve', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Reveal/ }).count()).toBe(0);
    expect(await page.getByTestId('close-not-offered').innerText()).toMatch(/only the Designated Safeguarding Lead can dismiss or resolve/);
    await shoot(page, 'triage-withheld');

    // The `d` shortcut explains instead of opening a dialog; `e` escalates.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('d');
    expect(await page.getByTestId('dismiss-dialog').count()).toBe(0);
    await expect.poll(() => page.locator('.alert-page [data-testid="status-message"]').innerText()).toMatch(/only the Designated Safeguarding Lead/);
    await page.keyboard.press('e');
    await waitFor(async () => ((await statusOf(alertId)) === 'escalated' ? true : undefined), { timeoutMs: 10_000, message: 'the alert escalated' });

    // The escalated alert has left the open queue for the Escalated view.
    await page.goto(`${users.baseUrl}/triage`);
    await expectVisible(page.getByTestId('queue-count'), 'the open queue loaded');
    expect(await page.getByTestId(`alert-row-${alertId}`).count()).toBe(0);
    await page.getByTestId('view-escalated').click();
    await expectVisible(page.getByTestId(`alert-row-${alertId}`), 'the alert in the Escalated view');

    await api.settled();
    const alertAnswers = api.bodies.filter((answer) => new URL(answer.url).pathname.startsWith('/api/alerts'));
    expect(alertAnswers.length).toBeGreaterThanOrEqual(5);
    for (const answer of api.bodies) {
      expect(answer.body, answer.url).not.toContain(term);
      expect(answer.body, answer.url).not.toContain('want to kill');
    }
    for (const answer of alertAnswers) expect(answer.body, answer.url).not.toContain(windowTitle);
    expect(browser.incidents).toEqual([]);
    await context.close();
  });

  it(
    'the DSL finds it under Escalated, cannot dismiss it with d + Enter, reveals it with a reason, then closes it with a reason and a confirmation',
    { timeout: 150_000 },
    async () => {
      // The technician's test escalated it; run alone, escalate it here.
      if ((await statusOf(alertId)) !== 'escalated') await system.db.pool.query("update alerts set status = 'escalated' where id = $1", [alertId]);
      const { page, context } = await browser.newPage();
      const api = recordApi(page);
      await users.signIn(page, 'dsl.r');
      await page.goto(`${users.baseUrl}/triage`);
      await expectVisible(page.getByTestId('queue-count'), 'the open queue loaded');
      expect(await page.getByTestId(`alert-row-${alertId}`).count()).toBe(0);
      await expect.poll(() => page.getByTestId('view-escalated').innerText()).toBe('Escalated (1)');
      await page.getByTestId('view-escalated').click();
      const row = page.getByTestId(`alert-row-${alertId}`);
      await expectVisible(row, 'the alert in the Escalated view');
      await shoot(page, 'triage-escalated');

      // j highlights it, o opens it: the keyboard path of the issue.
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('j');
      await page.keyboard.press('o');
      await page.waitForURL(`**/triage/${alertId}`);
      await expect.poll(() => page.getByTestId('alert-term').innerText()).toBe('Withheld — restricted category');

      // d, Enter: the dialog asks for a reason and a confirmation; nothing is dismissed.
      await page.getByRole('heading', { level: 1 }).click();
      await page.keyboard.press('d');
      const dialog = page.getByTestId('dismiss-dialog');
      await expectVisible(dialog, 'the dismiss dialog');
      await page.keyboard.press('Enter');
      const submit = dialog.getByRole('button', { name: 'Dismiss severity 5 alert' });
      await submit.press('Enter');
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/at least 10 visible characters/);
      await dialog.getByTestId('close-reason').fill(zeroWidth);
      await submit.press('Enter');
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/\(0 so far\)/);
      await dialog.getByTestId('close-reason').fill('Reviewed with the head of year; see referral');
      await submit.press('Enter');
      await expect.poll(() => dialog.getByRole('alert').innerText()).toMatch(/Tick the box to confirm/);
      await shoot(page, 'triage-close-confirm');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      expect(await statusOf(alertId)).toBe('escalated');

      // The reveal: invisible characters are no reason; a real one shows the text.
      await page.getByRole('button', { name: 'Reveal', exact: true }).click();
      const reveal = page.getByTestId('reveal-dialog');
      await reveal.getByRole('textbox').fill(zeroWidth);
      await reveal.getByRole('button', { name: 'Reveal screenshot' }).click();
      await expect.poll(() => reveal.getByRole('alert').innerText()).toMatch(/at least 10 visible characters/);
      expect(await one("select 1 as found from audit_log where action = 'screenshot.reveal' and target_id = $1", [alertId])).toBeUndefined();
      const reason = 'Disclosure of suicidal thoughts; checking context for the referral';
      await reveal.getByRole('textbox').fill(reason);
      await reveal.getByRole('button', { name: 'Reveal screenshot' }).click();
      await expect.poll(() => page.getByTestId('alert-term').innerText(), { timeout: 10_000 }).toBe(term);
      expect(await page.getByTestId('alert-context').innerText()).toContain(term);
      expect(
        await one<{ reason: string }>("select detail->>'reason' as reason from audit_log where action = 'screenshot.reveal' and target_id = $1", [alertId]),
      ).toEqual({ reason });

      // Closing with a reason and the confirmation.
      await page.getByRole('button', { name: 'Dismiss as false positive' }).click();
      await expectVisible(dialog, 'the dismiss dialog again');
      const closing = 'Song lyric quoted in English class; spoke to the pupil';
      await dialog.getByTestId('close-reason').fill(closing);
      await dialog.getByTestId('close-confirm').check();
      await dialog.getByRole('button', { name: 'Dismiss severity 5 alert' }).click();
      await waitFor(async () => ((await statusOf(alertId)) === 'dismissed' ? true : undefined), { timeoutMs: 10_000, message: 'the alert dismissed' });
      expect(await one<{ note: string }>("select note from alert_events where alert_id = $1 and to_status = 'dismissed'", [alertId])).toEqual({
        note: closing,
      });

      await api.settled();
      // Before the reveal the DSL's browser got no text either; after it, the term.
      const revealAt = api.bodies.findIndex((answer) => answer.url.endsWith('/reveal'));
      expect(revealAt).toBeGreaterThan(0);
      for (const answer of api.bodies.slice(0, revealAt)) expect(answer.body, answer.url).not.toContain(term);
      expect(api.bodies[revealAt]?.body).toContain(term);
      expect(browser.incidents).toEqual([]);
      await context.close();
    },
  );
});
