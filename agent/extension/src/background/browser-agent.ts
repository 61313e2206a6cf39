// One configured browser agent: the outbox, the policy and word list, the detector, activity,
// locks, idle, live view and the connection, wired together. service-worker.ts creates it
// once the managed configuration is valid.
import type { Logger } from 'pino';
import { LiveService } from '@vigil/agent/live-service';
import type { CollectorMessage, ManagedConfig } from '@vigil/shared/protocol';
import type { AgentStatus } from '../common/keys.ts';
import type { ActiveTabWatch } from './active-tab.ts';
import { type ActiveTab } from './active-tab.ts';
import { ActivityTracker } from './activity.ts';
import type { QueuedRecord } from './alert-records.ts';
import { captureVisibleTab } from './capture.ts';
import { browserClock } from './clock.ts';
import { CollectorConnection, type DeviceCredentials } from './connection.ts';
import { BrowserDetector, type KeyOrigin } from './detector.ts';
import { helloFacts, readEnvironment, type Environment } from './environment.ts';
import type { IdleWatch } from './idle-watch.ts';
import { kvGet, kvSet } from './kv-store.ts';
import { LockControl } from './lock-control.ts';
import { log } from './log.ts';
import { agentSocketUrl } from './managed-config.ts';
import { applyNoticePolicy, showTeacherMessage } from './notices.ts';
import { IdbOutbox } from './outbox/idb-outbox.ts';
import { PolicyHolder } from './policy-holder.ts';

export class BrowserAgent {
  readonly startedAt = Date.now();
  readonly tabs: ActiveTabWatch;
  readonly idleWatch: IdleWatch;
  policy!: PolicyHolder;
  outbox!: IdbOutbox;
  detector!: BrowserDetector;
  activity!: ActivityTracker;
  locks!: LockControl;
  live!: LiveService;
  connection!: CollectorConnection;
  env!: Environment;
  #idleSeconds = 0;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #publish: (status: Partial<AgentStatus>) => void;

  constructor(tabs: ActiveTabWatch, idleWatch: IdleWatch, publish: (status: Partial<AgentStatus>) => void) {
    this.tabs = tabs;
    this.idleWatch = idleWatch;
    this.#publish = publish;
  }

  async start(config: ManagedConfig): Promise<void> {
    this.env = await readEnvironment(config.deviceLabel);
    this.policy = new PolicyHolder(log);
    await this.policy.loadCached();
    this.outbox = await IdbOutbox.open({ logger: log });
    const enqueue = (record: QueuedRecord) => this.outbox.enqueue(record);
    const app = () => this.env.browser.name;
    const user = () => this.env.profileEmail;
    this.locks = new LockControl({ enqueue, log });
    this.detector = new BrowserDetector({
      policy: this.policy,
      enqueue,
      capture: (windowId) => captureVisibleTab(windowId, { maxWidth: 1280, quality: 70 }),
      app,
      user,
      locked: () => this.locks.locked || this.idleWatch.osLocked,
      log,
    });
    this.activity = new ActivityTracker({ enqueue, app, user, log });
    this.live = new LiveService({
      capture: { capture: (opts) => captureVisibleTab(this.tabs.current?.windowId, opts) },
      clock: browserClock,
      send: (frame) => this.connection.sendBinary(frame),
      log: log as unknown as Logger,
      quality: 60,
      currentWindow: () => (this.tabs.current === undefined ? undefined : { app: app(), title: this.tabs.current.title }),
    });
    this.locks.onChange((locked) => {
      if (locked) this.detector.forget();
    });
    this.#unsubscribe.push(
      this.policy.onPolicy((policy) => {
        this.idleWatch.setPolicy(policy);
        void applyNoticePolicy(policy, log);
      }),
    );
    this.idleWatch.setPolicy(this.policy.policy);
    await this.locks.restore();
    await this.activity.restore();
    this.#unsubscribe.push(this.tabs.onChange((tab) => this.#tabChanged(tab)));

    const credentials = await kvGet<DeviceCredentials>('device');
    const previous = await kvGet<string>('run');
    await kvSet('run', 'running');
    this.connection = new CollectorConnection({
      url: agentSocketUrl(config.collectorUrl),
      enrolmentToken: config.enrolmentToken,
      credentials,
      // Chrome stops and starts a service worker as it likes, and a closed browser says no
      // goodbye: neither is a tamper signal here (a force-installed extension cannot be removed
      // by the pupil), so a browser agent never reports an unclean exit.
      hello: helloFacts(this.env, chrome.runtime.getManifest().version, previous === undefined ? 'first-run' : 'clean'),
      outbox: this.outbox,
      log,
      hooks: {
        saveCredentials: (creds) => kvSet('device', creds),
        onWelcome: async (welcome) => {
          await this.policy.applyPolicy(welcome.policy);
          this.#publish({ deviceId: welcome.deviceId, lastConnectedAt: Date.now() });
        },
        onMessage: (msg) => this.#onMessage(msg),
        onPhase: (phase, detail) => {
          if (phase !== 'connected') this.live.stop();
          this.#publish({ phase, detail, ...this.#outboxStatus() });
        },
        heartbeat: () => this.#heartbeat(),
        heartbeatSeconds: () => this.policy.policy.heartbeatSeconds,
        wordlistVersion: () => this.policy.wordlistVersion,
      },
    });
    this.#publish({
      collector: config.collectorUrl,
      room: config.room,
      deviceLabel: this.env.label,
      profileEmail: this.env.profileEmail,
      deviceId: credentials?.deviceId,
    });
    this.connection.start();
    await this.idleWatch.start();
    await this.tabs.refresh();
  }

  /** The school's policy for the extension changed: this agent goes, a new one starts. */
  async stop(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.live.stop();
    this.detector.forget();
    await this.detector.drain();
    await this.activity.flush();
    await this.connection.stop();
    await this.outbox.close();
  }

  key(key: string, origin: KeyOrigin): void {
    this.detector.key(key, origin);
  }

  idleState(state: `${chrome.idle.IdleState}`, idleSeconds: number): void {
    this.#idleSeconds = state === 'active' ? 0 : idleSeconds;
    if (state === 'locked') this.detector.forget();
    this.activity.idle(state, idleSeconds, this.tabs.current);
  }

  tick(): void {
    this.connection.nudge();
    this.activity.tick(this.tabs.current);
    this.#publish(this.#outboxStatus());
  }

  #tabChanged(tab: ActiveTab | undefined): void {
    const previous = this.#lastTab;
    this.#lastTab = tab;
    // What was typed belongs to the tab it was typed in: finish that line there.
    this.detector.endLine();
    this.activity.tab(tab);
    if (tab !== undefined) this.detector.scanTab(tab, previous);
  }

  #lastTab: ActiveTab | undefined;

  async #onMessage(msg: CollectorMessage): Promise<void> {
    switch (msg.type) {
      case 'policy':
        log.info('new policy from the collector');
        return this.policy.applyPolicy(msg.payload);
      case 'wordlist':
        return this.policy.applyWordlist(msg.payload);
      case 'lock':
        return this.locks.teacher(msg.payload);
      case 'message':
        await showTeacherMessage(msg.payload, this.tabs.current?.tabId, log);
        return;
      case 'live':
        return this.live.handle(msg.payload);
      case 'screenshot-request':
        return this.live.screenshot(msg.payload);
      default:
        return;
    }
  }

  #heartbeat() {
    const stats = this.outbox.stats();
    return {
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1_000),
      locked: this.locks.locked || this.idleWatch.osLocked,
      idleSeconds: this.#idleSeconds,
      keyboard: this.policy.matcher === undefined ? ('unavailable' as const) : this.locks.locked ? ('paused' as const) : ('ok' as const),
      outbox: {
        pending: stats.pending,
        bytes: stats.bytes,
        droppedActivity: stats.droppedActivity,
        droppedAlerts: stats.droppedAlerts,
        rejected: stats.rejected,
      },
    };
  }

  #outboxStatus(): Partial<AgentStatus> {
    const stats = this.outbox.stats();
    return { pending: stats.pending, droppedAlerts: stats.droppedAlerts };
  }
}
