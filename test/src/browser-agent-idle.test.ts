// The browser agent's idle lock, for real: headed Chromium on an Xvfb display (headless
// Chromium never reports idle), a policy with a one-minute idle lock, no input at all — the
// warning comes, then the lock over the page, reported to the collector; the pupil's
// "Continue" lifts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { startBrowserAgentSystem, type BrowserAgentHarness, type BrowserAgentSystem } from './support/browser-agent.ts';
import type { SystemDatabase } from './support/database.ts';
import type { TestPages } from './support/test-pages.ts';

let system: BrowserAgentSystem;
let db: SystemDatabase;
let x: Xvfb;
let pages: TestPages;
let browser: BrowserAgentHarness;

beforeAll(async () => {
  x = await startXvfb();
  system = await startBrowserAgentSystem({ policy: { showAupOnLogin: false, idleLockMinutes: 1, idleWarningSeconds: 20 }, display: x.display });
  ({ db, pages, browser } = system);
}, 180_000);

afterAll(async () => {
  await system?.dispose();
  await x?.stop();
});

describe('the browser agent idle lock under X', () => {
  it('warns, locks the page after a minute without input, tells the collector, and lifts on Continue', { timeout: 180_000 }, async () => {
    const page = await browser.open(`${pages.origin}/homework`);
    await browser.waitForLog('idle lock warning shown', 75_000);
    await waitFor(async () => (await page.locator('vigil-idle-warning').count()) === 1, { timeoutMs: 10_000, message: 'the idle warning on the page' });
    await browser.waitForLog('browser locked after inactivity', 45_000);
    await waitFor(async () => (await page.locator('vigil-lock-screen').count()) === 1, { timeoutMs: 10_000, message: 'the idle lock over the page' });
    await waitFor(async () => (await db.pool.query("select 1 from idle_lock_events where kind = 'locked' and cause = 'idle'")).rowCount === 1, {
      timeoutMs: 15_000,
      message: 'the idle lock row',
    });
    // The Continue button has focus in the overlay's closed shadow root: Enter presses it, as a pupil would.
    await page.keyboard.press('Enter');
    await browser.waitForLog('the pupil came back after an idle lock', 10_000);
    await waitFor(async () => (await page.locator('vigil-lock-screen').count()) === 0, { timeoutMs: 10_000, message: 'the overlay gone' });
    expect(await page.locator('vigil-idle-warning').count()).toBe(0);
  });
});
