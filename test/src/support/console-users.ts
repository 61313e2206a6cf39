// Console users for the real-browser tests: created with the collector's CLI (as an
// admin would), signed in through the real form, with TOTP enrolled on first sign-in and
// a fresh code for every later one (the collector refuses a replayed code).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '@vigil/agent/testing';
import { totp } from './browser.ts';
import type { CollectorProcess } from './system.ts';

export const screenshotsDir = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

export class ConsoleUsers {
  readonly password = 'correct horse battery staple';
  readonly #collector: CollectorProcess;
  readonly #authenticators = new Map<string, { secret: string; lastStep: number }>();

  constructor(collector: CollectorProcess) {
    this.#collector = collector;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#collector.port}`;
  }

  /** `rooms`: comma-separated room names (a teacher's). */
  async create(username: string, role: string, rooms?: string): Promise<void> {
    const args = ['create-user', '--username', username, '--role', role, '--display-name', `${role} ${username}`];
    if (rooms !== undefined) args.push('--rooms', rooms);
    await this.#collector.admin(args, { VIGIL_NEW_PASSWORD: this.password });
  }

  /** A code for a step not used before (RFC 6238 §5.2: a code is accepted once). */
  async freshCode(username: string): Promise<string> {
    const app = this.#authenticators.get(username);
    if (app === undefined) throw new Error(`${username} has no authenticator yet`);
    const step = await waitFor(() => (Math.floor(Date.now() / 30_000) > app.lastStep ? Math.floor(Date.now() / 30_000) : undefined), {
      timeoutMs: 31_000,
      intervalMs: 250,
      message: 'the next TOTP time step',
    });
    app.lastStep = step;
    return totp(app.secret);
  }

  /** Signs in through the form: enrols TOTP on the first sign-in of a role that requires it, then uses it. */
  async signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${this.baseUrl}/signin`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(this.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const signedIn = page.getByRole('navigation', { name: 'Main' });
    const enrol = page.getByTestId('totp-secret');
    const challenge = page.getByLabel('Authenticator code');
    await expectVisible(signedIn.or(enrol).or(challenge), `${username} signed in, or asked for a TOTP code or enrolment`);
    if (await enrol.isVisible()) {
      const secret = (await enrol.innerText()).replace(/\s+/g, '');
      this.#authenticators.set(username, { secret, lastStep: 0 });
      await page.getByLabel(/code/i).fill(await this.freshCode(username));
      await page.getByRole('button', { name: 'Confirm code' }).click();
    } else if (await challenge.isVisible()) {
      await challenge.fill(await this.freshCode(username));
      await page.getByRole('button', { name: 'Verify code' }).click();
    }
    await expectVisible(signedIn, `${username} signed in`);
  }
}

export async function expectVisible(locator: Locator, what: string, timeout = 15_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    throw new Error(`not visible: ${what} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

/** Saves the page to docs/screenshots/console-<name>.png. */
export async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `console-${name}.png`), fullPage: false });
}
