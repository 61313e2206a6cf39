// chrome.idle for activity (idle-state, spans end at the last input), the OS screen lock
// (matching pauses), and the policy's idle lock: a warning `idleWarningSeconds` before,
// then the lock unless there was input.
import type { Policy } from '@vigil/shared/protocol';
import { STORAGE } from '../common/keys.ts';
import type { ExtensionLogger } from './log.ts';

export const IDLE_ALARM = 'vigil-idle';
const REPORT_IDLE_AFTER_S = 60;

export interface IdleHooks {
  onState(state: `${chrome.idle.IdleState}`, idleSeconds: number): void;
  lock(): Promise<void>;
  log: ExtensionLogger;
}

export class IdleWatch {
  readonly #h: IdleHooks;
  #policy: Pick<Policy, 'idleLockMinutes' | 'idleWarningSeconds'> = { idleLockMinutes: 0, idleWarningSeconds: 30 };
  #state: `${chrome.idle.IdleState}` = 'active';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(hooks: IdleHooks) {
    this.#h = hooks;
  }

  get osLocked(): boolean {
    return this.#state === 'locked';
  }

  /** Registers chrome.idle's listener; must run synchronously at worker start. */
  listen(): void {
    chrome.idle.onStateChanged.addListener((state) => void this.#changed(state));
  }

  async start(): Promise<void> {
    this.#state = await chrome.idle.queryState(this.#interval());
    chrome.idle.setDetectionInterval(this.#interval());
  }

  setPolicy(policy: Pick<Policy, 'idleLockMinutes' | 'idleWarningSeconds'>): void {
    this.#policy = { idleLockMinutes: policy.idleLockMinutes, idleWarningSeconds: policy.idleWarningSeconds };
    chrome.idle.setDetectionInterval(this.#interval());
  }

  /** Alarm or timer: is it time to warn or to lock? */
  async check(): Promise<void> {
    const lockAfterS = this.#policy.idleLockMinutes * 60;
    if (lockAfterS === 0) return this.#clear();
    const warnAfterS = Math.max(15, lockAfterS - this.#policy.idleWarningSeconds);
    const atLock = await chrome.idle.queryState(Math.max(15, lockAfterS));
    if (atLock !== 'active') {
      await this.#clear();
      if (atLock === 'idle') await this.#h.lock();
      return;
    }
    const atWarn = await chrome.idle.queryState(warnAfterS);
    if (atWarn === 'active') return this.#clear();
    const lockAt = Date.now() + (lockAfterS - warnAfterS) * 1_000;
    await chrome.storage.local.set({ [STORAGE.idleWarning]: { lockAt } });
    this.#h.log.info({ lockInSeconds: lockAfterS - warnAfterS }, 'idle lock warning shown');
    this.#schedule(lockAt - Date.now() + 250);
  }

  #interval(): number {
    const lockAfterS = this.#policy.idleLockMinutes * 60;
    if (lockAfterS === 0) return REPORT_IDLE_AFTER_S;
    return Math.max(15, Math.min(REPORT_IDLE_AFTER_S, lockAfterS - this.#policy.idleWarningSeconds));
  }

  async #changed(state: `${chrome.idle.IdleState}`): Promise<void> {
    this.#state = state;
    this.#h.onState(state, this.#interval());
    if (state === 'active') return this.#clear();
    if (state === 'idle' && this.#policy.idleLockMinutes > 0) {
      const lockAfterS = this.#policy.idleLockMinutes * 60;
      const warnAfterS = Math.max(15, lockAfterS - this.#policy.idleWarningSeconds);
      this.#schedule((warnAfterS - this.#interval()) * 1_000);
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    const delay = Math.max(0, ms);
    this.#timer = setTimeout(() => void this.check(), delay);
    void chrome.alarms.create(IDLE_ALARM, { when: Date.now() + delay + 1_000 });
  }

  async #clear(): Promise<void> {
    clearTimeout(this.#timer);
    await chrome.alarms.clear(IDLE_ALARM);
    await chrome.storage.local.set({ [STORAGE.idleWarning]: null });
  }
}
