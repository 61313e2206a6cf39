// The content-script UI in real Chromium: the module is bundled with esbuild and injected into a
// plain page (text, an input, a button). The UI's shadow roots are closed, so the page is given a
// spy on attachShadow (test-only, in the page's own world) to read what the pupil sees.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as VigilUI from './index.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror=alert(1)>';
const PAGE = `<!doctype html><html><head><title>Page</title></head><body style="margin:0">
  <p>Some text the pupil could read.</p>
  <input id="field"> <button id="btn" onclick="window.clicks++">Press</button>
  <div style="height:3000px"></div>
  <script>window.clicks = 0; window.calls = [];</script></body></html>`;
/** Records every shadow root so the test can look inside closed ones. */
const SPY = `window.roots = new Map(); const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const r = attach.call(this, init); window.roots.set(this.localName, r); return r; };`;

declare global {
  interface Window {
    VigilUI: typeof VigilUI;
    clicks: number;
    calls: string[];
    roots: Map<string, ShadowRoot>;
  }
}

let browser: Browser;
let bundle: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: run \`bash scripts/bootstrap.sh test\``);
  const built = await build({
    entryPoints: [join(import.meta.dirname, 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'VigilUI',
    platform: 'browser',
  });
  bundle = built.outputFiles[0]!.text;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A fresh page with the UI loaded; `incidents` collects dialogs (an XSS would show up here). */
async function open(): Promise<{ page: Page; incidents: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const incidents: string[] = [];
  page.on('dialog', (d) => {
    incidents.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => incidents.push(e.message));
  await page.setContent(PAGE);
  await page.addScriptTag({ content: SPY });
  await page.addScriptTag({ content: bundle });
  return { page, incidents };
}

const shadowText = (page: Page, tag: string): Promise<string | null> => page.evaluate((t) => window.roots.get(t)?.textContent ?? null, tag);

/** The centre of an element inside one of our shadow roots, for a real (trusted) mouse click. */
async function centreOf(page: Page, tag: string, selector: string): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([t, s]) => {
      const r = window.roots.get(t!)!.querySelector(s!)!.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    },
    [tag, selector],
  );
}

async function clickPageButton(page: Page): Promise<void> {
  const box = (await page.locator('#btn').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

describe('lock overlay', () => {
  it('covers the page and swallows typing, clicks and scrolling', async () => {
    const { page } = await open();
    await page.click('#field');
    await page.keyboard.type('ab');
    await clickPageButton(page);
    await page.evaluate(() => window.VigilUI.showLock({ kind: 'teacher', message: 'Eyes on the board', by: 'Ms Smith' }));
    expect(await page.evaluate(() => document.elementFromPoint(640, 400)?.localName)).toBe('vigil-lock-screen');
    expect(await page.evaluate(() => document.querySelector('vigil-lock-screen')!.shadowRoot)).toBeNull();
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('This screen is locked by your teacher');
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('Eyes on the boardLocked by Ms Smith');
    await page.keyboard.type('xyz');
    await page.evaluate(() => document.getElementById('field')!.focus());
    await page.keyboard.type('xyz');
    await clickPageButton(page);
    await page.mouse.wheel(0, 500);
    expect(await page.inputValue('#field')).toBe('ab');
    expect(await page.evaluate(() => [window.clicks, window.scrollY, document.documentElement.style.overflow])).toEqual([1, 0, 'hidden']);
    expect(await page.evaluate(() => window.VigilUI.isLockShown())).toBe(true);
    await page.close();
  });

  it('comes back when the page removes or restyles it', async () => {
    const { page } = await open();
    await page.evaluate(() => window.VigilUI.showLock({ kind: 'teacher' }));
    await page.evaluate(() => document.documentElement.removeChild(document.querySelector('vigil-lock-screen')!));
    await page.waitForFunction(() => document.querySelector('vigil-lock-screen')?.isConnected === true);
    await page.evaluate(() => document.querySelector('vigil-lock-screen')!.remove());
    await page.waitForFunction(() => document.querySelector('vigil-lock-screen')?.isConnected === true);
    await page.evaluate(() => {
      const host = document.querySelector<HTMLElement>('vigil-lock-screen')!;
      host.style.display = 'none';
      host.setAttribute('hidden', '');
      const cover = document.createElement('div');
      cover.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:white';
      document.documentElement.append(cover);
    });
    await page.waitForFunction(() => {
      const host = document.querySelector('vigil-lock-screen')!;
      return !host.hasAttribute('hidden') && host.getAttribute('style')!.includes('display: block') && document.elementFromPoint(640, 400) === host;
    });
    await page.keyboard.type('q');
    expect(await page.inputValue('#field')).toBe('');
    await page.close();
  });

  it('counts down, calls onExpire, and hideLock gives the page back', async () => {
    const { page } = await open();
    await page.evaluate(() => window.VigilUI.showLock({ kind: 'teacher', until: Date.now() + 272_000 }));
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('Unlocks in 4:32');
    await page.evaluate(() =>
      window.VigilUI.showLock(
        { kind: 'teacher', by: 'Mr Jones', until: Date.now() + 2_500 },
        {
          onExpire: () => window.calls.push('expire'),
        },
      ),
    );
    expect(await page.evaluate(() => document.querySelectorAll('vigil-lock-screen').length)).toBe(1);
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('Unlocks in 0:03');
    await page.waitForFunction(() => window.roots.get('vigil-lock-screen')!.textContent!.includes('Unlocks in 0:02'));
    await page.waitForFunction(() => window.roots.get('vigil-lock-screen')!.textContent!.includes('Unlocks in 0:01'));
    await page.waitForFunction(() => window.calls.includes('expire'));
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('Unlocking…');
    expect(await page.evaluate(() => window.calls)).toEqual(['expire']);
    await page.evaluate(() => window.VigilUI.hideLock());
    expect(
      await page.evaluate(() => [window.VigilUI.isLockShown(), document.querySelector('vigil-lock-screen'), document.documentElement.style.overflow]),
    ).toEqual([false, null, '']);
    await page.click('#field');
    await page.keyboard.type('free');
    await clickPageButton(page);
    expect(await page.inputValue('#field')).toBe('free');
    expect(await page.evaluate(() => window.clicks)).toBe(1);
    await page.close();
  });

  it('idle lock: Continue calls back for a real click or Enter, not for a script', async () => {
    const { page } = await open();
    await page.evaluate(() => window.VigilUI.showLock({ kind: 'idle' }, { onContinue: () => window.calls.push('continue') }));
    expect(await shadowText(page, 'vigil-lock-screen')).toContain('Locked after a period of inactivity');
    await page.evaluate(() => document.querySelector('vigil-lock-screen')!.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    const { x, y } = await centreOf(page, 'vigil-lock-screen', 'button');
    await page.mouse.click(x, y);
    await page.waitForFunction(() => window.calls.length === 1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.calls.length === 2);
    await page.keyboard.type('typed');
    expect(await page.inputValue('#field')).toBe('');
    expect(await page.evaluate(() => window.calls)).toEqual(['continue', 'continue']);
    await page.close();
  });

  it('is up before <body> exists when shown at document_start', async () => {
    const page = await browser.newPage();
    await page.addInitScript({ content: `${bundle}\nVigilUI.showLock({ kind: 'teacher' });` });
    await page.route('http://school.test/', (route) => route.fulfill({ contentType: 'text/html', body: PAGE }));
    await page.goto('http://school.test/');
    expect(await page.evaluate(() => document.documentElement.lastElementChild?.localName)).toBe('vigil-lock-screen');
    expect(await page.evaluate(() => document.elementFromPoint(640, 300)?.localName)).toBe('vigil-lock-screen');
    await clickPageButton(page);
    expect(await page.evaluate(() => window.clicks)).toBe(0);
    await page.close();
  });
});

describe('text from the collector', () => {
  it('is shown as text, never markup', async () => {
    const { page, incidents } = await open();
    await page.evaluate((h) => {
      window.VigilUI.showLock({ kind: 'teacher', message: h, by: h });
      window.VigilUI.showMessage({ text: h, from: h });
      window.VigilUI.showNotice({ title: h, body: h, buttonLabel: h }, () => undefined);
    }, HOSTILE);
    for (const tag of ['vigil-lock-screen', 'vigil-messages', 'vigil-notice']) {
      expect(await shadowText(page, tag)).toContain(HOSTILE);
      expect(await page.evaluate((t) => window.roots.get(t)!.querySelectorAll('img').length, tag)).toBe(0);
    }
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(incidents).toEqual([]);
    await page.close();
  });
});

describe('messages', () => {
  it('stack at the top, leave after durationMs or on Close, and do not block the page', async () => {
    const { page } = await open();
    await page.evaluate(() => {
      window.VigilUI.showMessage({ text: 'Long one', from: 'Ms Smith' });
      window.VigilUI.showMessage({ text: 'Quick one', from: 'Mr Jones' }, { durationMs: 300 });
    });
    expect(await page.evaluate(() => window.roots.get('vigil-messages')!.querySelectorAll('.toast').length)).toBe(2);
    expect(await shadowText(page, 'vigil-messages')).toContain('Message from Mr JonesQuick one');
    await page.waitForFunction(() => window.roots.get('vigil-messages')!.querySelectorAll('.toast').length === 1);
    await clickPageButton(page);
    expect(await page.evaluate(() => window.clicks)).toBe(1);
    const { x, y } = await centreOf(page, 'vigil-messages', 'button');
    await page.mouse.click(x, y);
    await page.waitForFunction(() => document.querySelector('vigil-messages') === null);
    await page.close();
  });
});

describe('notice and idle warning', () => {
  it('the notice blocks the page until accepted, then calls back', async () => {
    const { page } = await open();
    await page.evaluate(() => window.VigilUI.showLock({ kind: 'teacher' })); // a notice arriving under a lock waits
    await page.evaluate(() =>
      window.VigilUI.showNotice(
        { title: 'This computer is monitored', body: 'Be kind online.\n\nTell a teacher if\nsomething worries you.', buttonLabel: 'I understand' },
        () => window.calls.push('accepted'),
      ),
    );
    expect(await page.evaluate(() => [...window.roots.get('vigil-notice')!.querySelectorAll('.body p')].map((p) => p.textContent))).toEqual([
      'Be kind online.',
      'Tell a teacher if\nsomething worries you.',
    ]);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => [document.elementFromPoint(640, 400)?.localName, window.calls.length])).toEqual(['vigil-lock-screen', 0]);
    await page.evaluate(() => window.VigilUI.hideLock());
    await page.evaluate(() => document.getElementById('field')!.focus());
    await page.keyboard.type('no');
    await clickPageButton(page);
    expect([await page.inputValue('#field'), await page.evaluate(() => window.clicks)]).toEqual(['', 0]);
    const { x, y } = await centreOf(page, 'vigil-notice', 'button');
    await page.mouse.click(x, y);
    await page.waitForFunction(() => window.calls.includes('accepted'));
    expect(await page.evaluate(() => [window.VigilUI.isNoticeShown(), document.querySelector('vigil-notice')])).toEqual([false, null]);
    await clickPageButton(page);
    expect(await page.evaluate(() => window.clicks)).toBe(1);
    await page.close();
  });

  it('the idle warning counts down without blocking', async () => {
    const { page } = await open();
    await page.evaluate(() => window.VigilUI.showIdleWarning(3));
    expect(await shadowText(page, 'vigil-idle-warning')).toContain('This browser will lock in 3 s without activity');
    await page.waitForFunction(() => window.roots.get('vigil-idle-warning')!.textContent!.includes('lock in 2 s'));
    await page.click('#field');
    await page.keyboard.type('ok');
    expect(await page.inputValue('#field')).toBe('ok');
    await page.evaluate(() => window.VigilUI.hideIdleWarning());
    expect(await page.evaluate(() => document.querySelector('vigil-idle-warning'))).toBeNull();
    await page.close();
  });
});
