import type { Logger } from 'pino';
import type { Policy } from '@vigil/shared/protocol';
import type { AupAckStore } from './aup-ack.store.ts';
import type { Clock, Notifier } from './ports.ts';

export const AUP_NOTICE_TITLE = 'Acceptable use of this computer';

export interface AupNoticeServiceOptions {
  notifier: Notifier;
  store: Pick<AupAckStore, 'acknowledged' | 'record'>;
  /** The policy in force now. */
  policy: () => Readonly<Pick<Policy, 'aupText' | 'aupVersion' | 'showAupOnLogin'>>;
  /** The person signed in now ('' when nobody is). */
  osUser: () => string;
  clock: Clock;
  log: Logger;
}

/** What one check did. */
export type AupCheck = 'off' | 'nobody' | 'seen' | 'shown' | 'not-shown';

/**
 * The acceptable-use notice for the headless agent (the Electron tray app has its own window,
 * electron/aup-notice.ts): shown to each OS user once per notice version when the policy asks for it
 * (`showAupOnLogin`), at the first sign-in the agent serves and again when the school publishes a new
 * version. It goes to the agent's own box in the middle of the screen, which stays until "I understand"
 * is pressed; once it is on screen the (user, version) is recorded in the state folder (`aup/`), so it
 * is not shown at every start. When nothing could show it (no display), nothing is recorded and it is
 * tried again at the next sign-in or policy. Checks run one at a time.
 */
export class AupNoticeService {
  readonly #o: AupNoticeServiceOptions;
  /** (user, version) shown in this run: not shown twice even when the state folder cannot record it. */
  readonly #shownThisRun = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: AupNoticeServiceOptions) {
    this.#o = opts;
  }

  /** Checks now (at start, when the policy changes, when a new session is served). */
  check(): Promise<AupCheck> {
    const next = this.#queue.then(() => this.#check());
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #check(): Promise<AupCheck> {
    const policy = this.#o.policy();
    if (!policy.showAupOnLogin) return 'off';
    const user = this.#o.osUser();
    if (user === '') return 'nobody';
    const key = `${user}\u0000${policy.aupVersion}`;
    if (this.#shownThisRun.has(key)) return 'seen';
    let seen = false;
    try {
      seen = await this.#o.store.acknowledged(user, policy.aupVersion);
    } catch (err) {
      this.#o.log.warn({ err }, 'cannot read which notice this user has seen; showing it');
    }
    if (seen) return 'seen';
    let via;
    try {
      via = await this.#o.notifier.notify(AUP_NOTICE_TITLE, policy.aupText, { notice: true });
    } catch (err) {
      this.#o.log.warn({ err }, 'could not show the acceptable-use notice');
      return 'not-shown';
    }
    if (via === 'none') {
      this.#o.log.warn({ version: policy.aupVersion }, 'the acceptable-use notice could not be shown (no display); trying again at the next sign-in');
      return 'not-shown';
    }
    this.#shownThisRun.add(key);
    // Recorded before it is reported, so "shown" in the log means it is also on disk (when the disk allows).
    try {
      await this.#o.store.record(user, policy.aupVersion, this.#o.clock.now());
    } catch (err) {
      this.#o.log.warn({ err }, 'could not record that the notice was shown; it shows again after a restart');
    }
    this.#o.log.info({ version: policy.aupVersion, via: via ?? 'unknown' }, 'acceptable-use notice shown');
    return 'shown';
  }
}
