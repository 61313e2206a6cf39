// What the content script, the pages and the service worker say to one another. Typed text
// travels only inside the browser (content script → service worker over a runtime port);
// it is matched there and never stored or sent.

/** The runtime port name content scripts stream keys over. */
export const KEY_PORT = 'vigil-keys';

/**
 * One key from a page: `k` is a printable character or a KeyStream named key ('Backspace',
 * 'Enter', 'Tab', 'Escape', arrows, 'Click'); `f` identifies the field within the frame, so
 * text typed into two fields is never read as one line.
 */
export interface KeyMessage {
  k: string;
  f: number;
}

/** A batch of keys (a paste or an IME commit arrives as one message). */
export interface KeyBatch {
  keys: KeyMessage[];
}

/** chrome.storage.local keys the service worker writes and the pages read. Nothing secret. */
export const STORAGE = {
  lock: 'vigil.lock',
  notice: 'vigil.notice',
  idleWarning: 'vigil.idleWarning',
  status: 'vigil.status',
} as const;

export interface LockState {
  kind: 'teacher' | 'idle';
  lockId?: string;
  message?: string;
  by?: string;
  until?: number;
}

export interface NoticeState {
  version: string;
  text: string;
}

export interface IdleWarningState {
  /** The idle lock comes at this instant unless there is input. */
  lockAt: number;
}

export type AgentPhase = 'unconfigured' | 'connecting' | 'connected' | 'offline' | 'refused';

/** What the extension's page shows: never a secret, never typed text. */
export interface AgentStatus {
  phase: AgentPhase;
  /** One sentence for the person reading the page (what is wrong, what to do). */
  detail: string;
  collector?: string;
  room?: string;
  deviceLabel?: string;
  deviceId?: string;
  profileEmail?: string;
  lastConnectedAt?: number;
  pending?: number;
  droppedAlerts?: number;
  updatedAt: number;
}

/** One-off requests from pages and content scripts to the service worker. */
export type RuntimeRequest =
  { t: 'notice-accepted'; version: string } | { t: 'idle-continue' } | { t: 'lock-expired'; lockId?: string } | { t: 'message-shown'; id: string };
