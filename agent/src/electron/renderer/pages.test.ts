// The tray app's three pages, built as for Electron and rendered in real Chromium with a stub
// `window.vigil` in place of each preload: text from the collector shows as text, the CSP holds
// (and is seen to hold), and the screenshots in docs/screenshots come from here.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectronShell } from '../build.ts';
import type { AupView, LockScreenState, MessageView } from '../ipc-channels.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'screenshots');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> & "quotes"';
const NOW = Date.UTC(2025, 2, 10, 10, 15, 0);

let outDir: string;
let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  outDir = await mkdtemp(join(tmpdir(), 'vigil-pages-'));
  profile = await mkdtemp(join(tmpdir(), 'vigil-pages-chromium-'));
  await buildElectronShell({ outDir, parts: 'renderer' });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const dir of [outDir, profile]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** What the preload would give the page: the data it is sent, and a record of what the page calls. */
function stubPreload(data: LockScreenState | MessageView | AupView): string {
  return `
    window.__csp = [];
    window.__calls = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    const data = ${JSON.stringify(data)};
    window.vigil = Object.freeze({
      onLockState: (cb) => cb(data),
      onMessage: (cb) => cb(data),
      onAup: (cb) => cb(data),
      dismiss: () => void window.__calls.push('dismiss'),
      acknowledge: () => { window.__calls.push('acknowledge'); return Promise.resolve(); },
    });`;
}

interface Opened {
  page: Page;
  problems: string[];
}

async function open(name: 'lock' | 'message' | 'aup', data: LockScreenState | MessageView | AupView): Promise<Opened> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.text().includes('Content Security Policy')) problems.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.clock.install({ time: NOW });
  await page.addInitScript({ content: stubPreload(data) });
  await page.goto(pathToFileURL(join(outDir, 'renderer', `${name}.html`)).href);
  await page.waitForFunction("document.body.dataset.state !== 'waiting'");
  return { page, problems };
}

async function expectCleanAndSafe({ page, problems }: Opened): Promise<void> {
  expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toBe(CSP);
  expect(await page.evaluate('window.__pwned')).toBeUndefined();
  expect(await page.locator('img[src="x"], body script:not([src])').count()).toBe(0);
  expect(await page.evaluate('window.__csp')).toEqual([]);
  expect(problems).toEqual([]);
}

async function screenshot(page: Page, file: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, file) });
}

describe('lock page', () => {
  it('shows the message, who locked and a countdown that runs down', async () => {
    const opened = await open('lock', { message: 'Eyes on the board, please.\nWe carry on in five minutes.', by: 'Ms Patel', until: NOW + 5 * 60_000 });
    const { page } = opened;
    expect(await page.textContent('h1')).toBe('This screen is locked');
    expect(await page.textContent('#message')).toBe('Eyes on the board, please.\nWe carry on in five minutes.');
    expect(await page.textContent('#by')).toBe('Locked by Ms Patel');
    expect(await page.textContent('#countdown')).toBe('Unlocks in 5:00');
    await screenshot(page, 'agent-lock.png');
    await page.clock.runFor(61_000);
    expect(await page.textContent('#countdown')).toBe('Unlocks in 3:59');
    await page.clock.runFor(4 * 60_000);
    expect(await page.textContent('#countdown')).toBe('Unlocking…');
    await expectCleanAndSafe(opened);
    await page.close();
  });

  it('shows hostile text literally and runs none of it', async () => {
    const opened = await open('lock', { message: HOSTILE, by: HOSTILE });
    expect(await opened.page.textContent('#message')).toBe(HOSTILE);
    expect(await opened.page.textContent('#by')).toBe(`Locked by ${HOSTILE}`);
    expect(await opened.page.isHidden('#countdown')).toBe(true);
    await expectCleanAndSafe(opened);
    await opened.page.close();
  });

  it('has a CSP that really blocks inline script (so "no violations" means something)', async () => {
    const opened = await open('lock', { message: 'm', by: '' });
    await opened.page.evaluate("const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s)");
    expect(await opened.page.evaluate('window.__inline')).toBeUndefined();
    await expect.poll(() => opened.page.evaluate('window.__csp')).toEqual(['script-src-elem inline']);
    await opened.page.close();
  });
});

describe('message page', () => {
  it('shows the teacher message as text, says how many wait, and OK dismisses it', async () => {
    const opened = await open('message', { title: 'Message from Mr Jones', body: 'Save your work now — we finish in 5 minutes.\n\nThen log off.', waiting: 2 });
    const { page } = opened;
    expect(await page.textContent('#title')).toBe('Message from Mr Jones');
    expect(await page.textContent('#body')).toBe('Save your work now — we finish in 5 minutes.\n\nThen log off.');
    expect(await page.textContent('#waiting')).toBe('2 more messages');
    await screenshot(page, 'agent-message.png');
    await page.click('#ok');
    expect(await page.evaluate('window.__calls')).toEqual(['dismiss']);
    await expectCleanAndSafe(opened);
    await page.close();
  });

  it('shows hostile text literally and runs none of it', async () => {
    const opened = await open('message', { title: HOSTILE, body: HOSTILE, waiting: 0 });
    expect(await opened.page.textContent('#title')).toBe(HOSTILE);
    expect(await opened.page.textContent('#body')).toBe(HOSTILE);
    expect(await opened.page.isHidden('#waiting')).toBe(true);
    await expectCleanAndSafe(opened);
    await opened.page.close();
  });
});

describe('acceptable use page', () => {
  it('shows the policy text and version, and "I understand" acknowledges it once', async () => {
    const text = [
      'This computer is monitored.',
      'The school records the programs and websites you use and checks what you type for words that suggest you or someone else may be at risk. When something is flagged, a screenshot may be taken and a member of staff will review it.',
      'Use school computers for school work, keep your password to yourself, and lock the screen when you leave. Ask your teacher if you have questions.',
    ].join('\n\n');
    const opened = await open('aup', { text, version: '2025-09' });
    const { page } = opened;
    expect(await page.textContent('h1')).toBe('This computer is monitored');
    expect(await page.textContent('#text')).toBe(text);
    expect(await page.textContent('#version')).toBe('Policy version 2025-09');
    await screenshot(page, 'agent-aup.png');
    await page.click('#ok');
    await page.waitForFunction("document.body.dataset.state === 'acknowledged'");
    expect(await page.isDisabled('#ok')).toBe(true);
    expect(await page.evaluate('window.__calls')).toEqual(['acknowledge']);
    await expectCleanAndSafe(opened);
    await page.close();
  });

  it('shows hostile policy text literally', async () => {
    const opened = await open('aup', { text: HOSTILE, version: HOSTILE });
    expect(await opened.page.textContent('#text')).toBe(HOSTILE);
    await expectCleanAndSafe(opened);
    await opened.page.close();
  });
});
