// The browser agent's service worker. Chrome may stop it whenever it is idle and start it
// again for an event, so every listener is registered synchronously here, before anything
// is awaited; state that must outlive the worker is in IndexedDB and chrome.storage.
import { KEY_PORT, STORAGE, type AgentStatus, type KeyBatch, type KeyMessage, type RuntimeRequest } from '../common/keys.ts';
import { ActiveTabWatch } from './active-tab.ts';
import { BrowserAgent } from './browser-agent.ts';
import type { KeyOrigin } from './detector.ts';
import { IDLE_ALARM, IdleWatch } from './idle-watch.ts';
import { UNLOCK_ALARM } from './lock-control.ts';
import { log, recentLogs } from './log.ts';
import { readManagedConfig } from './managed-config.ts';
import { noticeAccepted } from './notices.ts';

const KEEPALIVE_ALARM = 'vigil-keepalive';
const PENDING_KEYS_MAX = 4_096;

let status: AgentStatus = { phase: 'connecting', detail: 'Starting', updatedAt: Date.now() };
function publish(change: Partial<AgentStatus>): void {
  status = { ...status, ...change, updatedAt: Date.now() };
  void chrome.storage.local.set({ [STORAGE.status]: status }).catch(() => undefined);
}

const tabs = new ActiveTabWatch();
const idleWatch = new IdleWatch({
  onState: (state, seconds) => agent?.idleState(state, seconds),
  lock: async () => agent?.locks.idle(),
  log,
});
let agent: BrowserAgent | undefined;
let booting: Promise<void> | undefined;
/** Keys that arrive while the worker is still starting (the port woke it) wait here, in memory only. */
const pendingKeys: [string, KeyOrigin][] = [];

tabs.listen();
idleWatch.listen();

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== KEY_PORT) return;
  const tab = port.sender?.tab;
  if (tab?.id === undefined) return;
  const tabId = tab.id;
  const frameId = port.sender?.frameId ?? 0;
  const frameUrl = port.sender?.url ?? '';
  port.onMessage.addListener((message: KeyBatch) => {
    if (!Array.isArray(message.keys)) return;
    for (const item of message.keys) onKey(item, tabId, tab.windowId, frameId, frameUrl);
  });
});

function onKey(item: KeyMessage, tabId: number, windowId: number, frameId: number, frameUrl: string): void {
  if (typeof item.k !== 'string' || item.k.length === 0 || item.k.length > 16 || typeof item.f !== 'number') return;
  const info = tabs.tabInfo(tabId);
  const origin: KeyOrigin = { tabId, windowId, frameId, field: item.f, title: info?.title ?? '', url: info?.url ?? frameUrl, frameUrl };
  if (agent !== undefined) agent.key(item.k, origin);
  else if (booting !== undefined && pendingKeys.length < PENDING_KEYS_MAX) pendingKeys.push([item.k, origin]);
}

chrome.runtime.onMessage.addListener((request: RuntimeRequest | { t: 'diagnostics' }, _sender, respond) => {
  void handleRequest(request).then(respond, (err: unknown) => respond({ error: err instanceof Error ? err.message : String(err) }));
  return true;
});

async function handleRequest(request: RuntimeRequest | { t: 'diagnostics' }): Promise<unknown> {
  await booting;
  switch (request.t) {
    case 'notice-accepted':
      await noticeAccepted(request.version, log);
      return true;
    case 'idle-continue':
      await agent?.locks.continueFromIdle();
      return true;
    case 'lock-expired':
      await agent?.locks.expire();
      return true;
    case 'message-shown':
      return true;
    case 'diagnostics':
      return diagnostics();
  }
}

/** What the end-to-end tests and benchmarks read through the worker: counters, never typed text. */
export function diagnostics() {
  return { status, stats: agent?.detector.stats, outbox: agent?.outbox.stats(), logs: recentLogs() };
}
(globalThis as { vigilDiagnostics?: typeof diagnostics }).vigilDiagnostics = diagnostics;

chrome.alarms.onAlarm.addListener((alarm) => {
  void (async () => {
    await booting;
    if (alarm.name === UNLOCK_ALARM) await agent?.locks.expire();
    else if (alarm.name === IDLE_ALARM) await idleWatch.check();
    else if (alarm.name === KEEPALIVE_ALARM) agent?.tick();
  })();
});

chrome.tabs.onCreated.addListener((tab) => void agent?.locks.guardTab(tab));
chrome.tabs.onUpdated.addListener((_id, change, tab) => {
  if (change.url !== undefined) void agent?.locks.guardTab(tab);
});

chrome.storage.onChanged.addListener((_changes, area) => {
  if (area !== 'managed') return;
  log.info("the school's policy for this extension changed; restarting the agent");
  void restart();
});

chrome.runtime.onInstalled.addListener(() => void injectIntoOpenTabs());

async function injectIntoOpenTabs(): Promise<void> {
  // Tabs open before the extension was installed have no content script until they reload.
  for (const tab of await chrome.tabs.query({ url: ['http://*/*', 'https://*/*'] })) {
    if (tab.id === undefined) continue;
    await chrome.scripting.executeScript({ target: { tabId: tab.id, allFrames: true }, files: ['content.js'] }).catch(() => undefined);
  }
}

async function boot(): Promise<void> {
  await chrome.alarms.create(KEEPALIVE_ALARM, { periodInMinutes: 0.5 });
  const config = await readManagedConfig();
  if (!config.ok) {
    publish({ phase: 'unconfigured', detail: config.problem });
    log.warn({ problem: config.problem }, 'not configured: nothing is monitored or sent');
    pendingKeys.length = 0;
    return;
  }
  const next = new BrowserAgent(tabs, idleWatch, publish);
  try {
    await next.start(config.config);
  } catch (err) {
    log.error({ err }, 'the browser agent could not start');
    publish({ phase: 'offline', detail: `Could not start: ${err instanceof Error ? err.message : String(err)}` });
    return;
  }
  agent = next;
  for (const [key, origin] of pendingKeys.splice(0)) next.key(key, origin);
}

async function restart(): Promise<void> {
  await booting;
  const old = agent;
  agent = undefined;
  await old?.stop().catch((err: unknown) => log.warn({ err }, 'the old agent did not stop cleanly'));
  booting = boot();
}

booting = boot();
