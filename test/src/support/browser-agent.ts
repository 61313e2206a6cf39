// The browser agent as a school runs it: the built extension loaded into Debian's Chromium
// (a persistent profile, so a restart keeps its IndexedDB outbox), configured through a real
// Chromium managed-policy file, as Google Admin console or GPO would push it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { buildExtension } from '@vigil/agent-extension/tools';
import { waitFor } from '@vigil/agent/testing';
import { thirdPartyPolicy, type ManagedConfig } from '@vigil/shared/protocol';
import { CHROMIUM_TEST_ARGS, chromiumPath } from './browser.ts';
import { createSystemDatabase, type SystemDatabase } from './database.ts';
import { CollectorProcess } from './system.ts';
import { serveTestPages, type TestPages } from './test-pages.ts';

export const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'vigil-e2e.json');

export interface Diagnostics {
  status: { phase: string; detail: string; deviceId?: string };
  stats?: { keys: number; keyNs: number; alerts: number; suppressed: number; paused: number };
  outbox?: { pending: number; pendingAlerts: number; bytes: number; droppedAlerts: number; droppedActivity: number };
  logs: { level: string; msg: string; [key: string]: unknown }[];
}

/** Writes the managed policy Chromium reads at start (root only: /etc/chromium is the machine's). */
export async function writeManagedPolicy(config: ManagedConfig | undefined): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`the browser-agent tests write Chromium's managed policy under ${POLICY_DIR} and must run as root (CI does)`);
  await mkdir(POLICY_DIR, { recursive: true });
  if (config === undefined) await rm(POLICY_FILE, { force: true });
  else await writeFile(POLICY_FILE, JSON.stringify(thirdPartyPolicy(config), null, 2));
}

export async function removeManagedPolicy(): Promise<void> {
  await rm(POLICY_FILE, { force: true });
}

export async function buildTestExtension(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-extension-'));
  await buildExtension(dir);
  return dir;
}

/** Every accessible name on the page, closed shadow roots included (what a screen reader would read). */
export async function accessibleText(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { name?: { value?: unknown } }[] };
    return nodes.map((n) => (typeof n.name?.value === 'string' ? n.name.value : '')).join('\n');
  } finally {
    await cdp.detach();
  }
}

export class BrowserAgentHarness {
  readonly extensionDir: string;
  readonly profileDir: string;
  #context: BrowserContext | undefined;
  #worker: Worker | undefined;

  private constructor(extensionDir: string, profileDir: string) {
    this.extensionDir = extensionDir;
    this.profileDir = profileDir;
  }

  static async create(extensionDir: string): Promise<BrowserAgentHarness> {
    if (!existsSync(chromiumPath))
      throw new Error(`Chromium is missing at ${chromiumPath}: run \`bash scripts/bootstrap.sh test\` (installs Debian's chromium) or set CHROMIUM_PATH`);
    return new BrowserAgentHarness(extensionDir, await mkdtemp(join(tmpdir(), 'vigil-browser-profile-')));
  }

  get context(): BrowserContext {
    if (this.#context === undefined) throw new Error('the browser is not running');
    return this.#context;
  }

  get worker(): Worker {
    if (this.#worker === undefined) throw new Error('the extension service worker is not running');
    return this.#worker;
  }

  /**
   * Starts Chromium on the same profile (a second start is a browser restart). With an X
   * `display` it runs headed there: headless Chromium reports no idle time to `chrome.idle`.
   */
  async launch(opts: { display?: string } = {}): Promise<void> {
    this.#context = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: chromiumPath,
      headless: opts.display === undefined,
      ...(opts.display === undefined ? {} : { env: { ...process.env, DISPLAY: opts.display } }),
      viewport: { width: 1280, height: 800 },
      args: [...CHROMIUM_TEST_ARGS, `--disable-extensions-except=${this.extensionDir}`, `--load-extension=${this.extensionDir}`],
    });
    this.#worker =
      this.#context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
      (await this.#context.waitForEvent('serviceworker', { timeout: 30_000 }));
  }

  async close(): Promise<void> {
    await this.#context?.close();
    this.#context = undefined;
    this.#worker = undefined;
  }

  async dispose(): Promise<void> {
    await this.close();
    await rm(this.profileDir, { recursive: true, force: true });
  }

  /** The worker's counters, status and recent log lines (never typed text). */
  async diagnostics(): Promise<Diagnostics> {
    // The worker may have been stopped and started again by Chrome: find the live one.
    const live = this.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    if (live !== undefined) this.#worker = live;
    return this.worker.evaluate(() => (globalThis as unknown as { vigilDiagnostics(): Diagnostics }).vigilDiagnostics());
  }

  async waitForLog(msg: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => (await this.diagnostics()).logs.some((l) => l.msg === msg), {
      timeoutMs,
      intervalMs: 100,
      message: `the extension to log "${msg}"`,
    });
  }

  async waitForPhase(phase: string, timeoutMs = 30_000): Promise<Diagnostics> {
    return waitFor(
      async () => {
        const d = await this.diagnostics();
        return d.status.phase === phase ? d : undefined;
      },
      { timeoutMs, intervalMs: 100, message: `the extension to be ${phase}` },
    );
  }

  async open(url: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(url);
    await page.bringToFront();
    return page;
  }
}

export interface BrowserAgentSystem {
  db: SystemDatabase;
  collector: CollectorProcess;
  pages: TestPages;
  browser: BrowserAgentHarness;
  /** Stops whatever was started, in reverse order, by PID, and removes the policy file. */
  dispose(): Promise<void>;
}

export interface BrowserAgentSystemOptions {
  /** Room policy overrides (e.g. no acceptable-use notice, an idle lock). */
  policy?: Record<string, unknown>;
  deviceLabel?: string;
  room?: string;
  /** Run Chromium headed on this X display. */
  display?: string;
}

/** A fresh database, the real collector with a room and token, the test pages, and the configured extension in Chromium, connected. */
export async function startBrowserAgentSystem(opts: BrowserAgentSystemOptions = {}): Promise<BrowserAgentSystem> {
  const started: Partial<Omit<BrowserAgentSystem, 'dispose'>> = {};
  const dispose = async () => {
    await started.browser?.dispose();
    await removeManagedPolicy();
    await started.pages?.close();
    await started.collector?.dispose();
    await started.db?.drop();
  };
  try {
    const db = (started.db = await createSystemDatabase());
    const collector = (started.collector = await CollectorProcess.create(db.url));
    await collector.start();
    const token = await collector.createEnrolmentToken();
    if (opts.policy !== undefined) await collector.admin(['set-policy', '--scope', 'room', '--id', 'ICT Suite', '--json', JSON.stringify(opts.policy)]);
    const pages = (started.pages = await serveTestPages());
    const config: ManagedConfig = { collectorUrl: `http://127.0.0.1:${collector.port}`, enrolmentToken: token };
    if (opts.deviceLabel !== undefined) config.deviceLabel = opts.deviceLabel;
    if (opts.room !== undefined) config.room = opts.room;
    await writeManagedPolicy(config);
    const browser = (started.browser = await BrowserAgentHarness.create(await buildTestExtension()));
    await browser.launch(opts.display === undefined ? {} : { display: opts.display });
    await browser.waitForPhase('connected');
    await browser.waitForLog('word list in force');
    return { db, collector, pages, browser, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
