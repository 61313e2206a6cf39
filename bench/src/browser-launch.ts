// Debian's Chromium with the built extension and a managed policy, for the browser-agent bench.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { waitFor } from '@vigil/agent/testing';
import { buildExtension } from '@vigil/agent-extension/tools';
import { thirdPartyPolicy } from '@vigil/shared/protocol';

const POLICY_FILE = '/etc/chromium/policies/managed/vigil-bench.json';

export interface Diagnostics {
  status: { phase: string };
  stats: { keys: number; keyNs: number };
  logs: { msg: string }[];
}

export interface ExtensionBrowser {
  context: BrowserContext;
  profileDir: string;
  version: string;
  diagnostics(): Promise<Diagnostics>;
  waitForPhase(phase: string): Promise<void>;
  waitForLog(msg: string): Promise<void>;
  close(): Promise<void>;
}

/** With a collector URL and token: the extension, configured by policy. Without: no extension at all. */
export async function launchExtensionBrowser(collectorUrl: string | undefined, token: string | undefined): Promise<ExtensionBrowser> {
  if (process.getuid?.() !== 0) throw new Error('the browser-agent bench writes a Chromium managed policy under /etc/chromium and must run as root');
  const profileDir = await mkdtemp(join(tmpdir(), 'vigil-bench-browser-'));
  const extensionDir = await mkdtemp(join(tmpdir(), 'vigil-bench-ext-'));
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (collectorUrl !== undefined && token !== undefined) {
    await buildExtension(extensionDir);
    await mkdir('/etc/chromium/policies/managed', { recursive: true });
    await writeFile(POLICY_FILE, JSON.stringify(thirdPartyPolicy({ collectorUrl, enrolmentToken: token })));
    args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args,
  });
  let worker: Worker | undefined;
  const live = async (): Promise<Worker> => {
    worker =
      context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
      worker ??
      (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    return worker;
  };
  const diagnostics = async () => (await live()).evaluate(() => (globalThis as unknown as { vigilDiagnostics(): Diagnostics }).vigilDiagnostics());
  const page = await context.newPage();
  const version = await page.evaluate(() => /Chrom(?:e|ium)\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? '?');
  await page.close();
  return {
    context,
    profileDir,
    version,
    diagnostics,
    async waitForPhase(phase) {
      await waitFor(async () => (await diagnostics()).status.phase === phase, { timeoutMs: 30_000, intervalMs: 100, message: `the extension to be ${phase}` });
    },
    async waitForLog(msg) {
      await waitFor(async () => (await diagnostics()).logs.some((l) => l.msg === msg), {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: `the extension to log ${msg}`,
      });
    },
    async close() {
      await context.close();
      await rm(POLICY_FILE, { force: true });
      await rm(profileDir, { recursive: true, force: true });
      await rm(extensionDir, { recursive: true, force: true });
    },
  };
}

/** One page with a textarea, on loopback. */
export async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Bench notes</title><textarea id="text" rows="10" cols="80"></textarea>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
