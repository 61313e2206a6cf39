// The messages between the tray app's main process and its three pages, and the API each
// page's preload exposes as `window.vigil`. Imported by main, the preloads and the pages
// (types only there), so all three agree. Everything a page shows is rendered as text.

export const IPC = {
  /** main → lock page: LockScreenState. */
  lockState: 'vigil:lock-state',
  /** main → message page: MessageView. */
  message: 'vigil:message',
  /** message page → main: the person pressed OK. */
  messageDismiss: 'vigil:message:dismiss',
  /** main → AUP page: AupView. */
  aup: 'vigil:aup',
  /** AUP page → main (invoke): the person acknowledged the notice shown. */
  aupAcknowledge: 'vigil:aup:acknowledge',
} as const;

export interface LockScreenState {
  /** The teacher's message ('' when none). */
  message: string;
  /** Who locked ('' when not known). */
  by: string;
  /** Epoch ms at which a timed lock lifts; absent for a lock until the teacher lifts it. */
  until?: number;
}

export interface MessageView {
  title: string;
  body: string;
  /** Messages still waiting behind this one. */
  waiting: number;
}

export interface AupView {
  text: string;
  version: string;
}

/** `window.vigil` on the lock page. */
export interface LockPageApi {
  onLockState(callback: (state: LockScreenState) => void): void;
}

/** `window.vigil` on the message page. */
export interface MessagePageApi {
  onMessage(callback: (message: MessageView) => void): void;
  dismiss(): void;
}

/** `window.vigil` on the acceptable-use page. */
export interface AupPageApi {
  onAup(callback: (aup: AupView) => void): void;
  acknowledge(): Promise<void>;
}
