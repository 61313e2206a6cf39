// The lock screen drawn over the page: a teacher's lock (message, who, live countdown) or the idle
// lock (with a Continue button). Opaque, above everything, blocking input, and put back if the
// page removes it. Only the top frame shows it; the content script decides that.
import { el, lockIcon } from './dom.ts';
import { formatCountdown, msToNextSecond, spokenDuration } from './format-countdown.ts';
import { GuardedHost } from './guarded-host.ts';
import { blockPage, registerZone } from './page-blocker.ts';
import { LOCK_BACKGROUND, LOCK_CSS, fullWindowHostStyle } from './ui-styles.ts';

export interface LockState {
  readonly kind: 'teacher' | 'idle';
  readonly message?: string;
  readonly by?: string;
  /** Epoch ms at which the lock ends; a countdown is shown when set. */
  readonly until?: number;
}

export interface LockOptions {
  readonly now?: () => number;
  /** Called once when the countdown reaches 0. */
  readonly onExpire?: () => void;
  /** The idle lock's Continue button. */
  readonly onContinue?: () => void;
}

export const LOCK_LAYER = 2;

interface LockView {
  readonly guard: GuardedHost;
  readonly screen: HTMLDivElement;
  release: () => void;
  readonly unzone: () => void;
  state: LockState;
  options: LockOptions;
  countdown: HTMLParagraphElement | null;
  announcer: HTMLParagraphElement | null;
  continueButton: HTMLButtonElement | null;
  lastSpoken: string;
  expired: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

let view: LockView | null = null;

/** Show the lock, or update it when already shown. */
export function showLock(state: LockState, options: LockOptions = {}): void {
  const fresh = view === null;
  const current = view ?? mount(state, options);
  // Expiry is reported once per end time: an onExpire that shows the same lock again cannot loop.
  if (current.state.until !== state.until) current.expired = false;
  current.state = { ...state };
  current.options = options;
  view = current;
  render(current);
  if (fresh) {
    current.release = blockPage({ host: current.guard.host, layer: LOCK_LAYER, focusHome: () => current.continueButton ?? current.screen });
  }
  tick(current);
}

export function hideLock(): void {
  if (view === null) return;
  const closing = view;
  view = null;
  clearTimeout(closing.timer);
  closing.release();
  closing.unzone();
  closing.guard.destroy();
}

export function isLockShown(): boolean {
  return view !== null;
}

function mount(state: LockState, options: LockOptions): LockView {
  const guard = new GuardedHost({
    tag: 'vigil-lock-screen',
    hostStyle: fullWindowHostStyle(LOCK_BACKGROUND),
    css: LOCK_CSS,
    topLayer: LOCK_LAYER,
  });
  const screen = el('div', {
    class: 'vigil screen',
    role: 'alertdialog',
    'aria-modal': 'true',
    'aria-labelledby': 'vigil-lock-title',
    tabindex: '-1',
  });
  guard.root.append(screen);
  // Tab stays on our one control (or on the screen itself): nothing else is reachable.
  screen.addEventListener('keydown', (event) => {
    if (event.key === 'Tab') event.preventDefault();
  });
  const created: LockView = {
    guard,
    screen,
    state,
    options,
    unzone: registerZone({ host: guard.host, root: guard.root }),
    release: () => undefined,
    countdown: null,
    announcer: null,
    continueButton: null,
    lastSpoken: '',
    expired: false,
    timer: undefined,
  };
  return created;
}

function render(current: LockView): void {
  const { state } = current;
  const idle = state.kind === 'idle';
  const card = el('div', { class: 'card' });
  card.append(lockIcon());
  card.append(el('h1', { id: 'vigil-lock-title' }, idle ? 'Locked after a period of inactivity' : 'This screen is locked by your teacher'));
  if (state.message !== undefined && state.message.trim() !== '') {
    card.append(el('p', { class: 'message text', id: 'vigil-lock-message', 'data-live': '' }, state.message));
    current.screen.setAttribute('aria-describedby', 'vigil-lock-message');
  } else {
    current.screen.removeAttribute('aria-describedby');
  }
  if (state.by !== undefined && state.by.trim() !== '') card.append(el('p', { class: 'by' }, `Locked by ${state.by}`));
  current.countdown = null;
  current.announcer = null;
  current.lastSpoken = '';
  if (state.until !== undefined) {
    // The visible countdown is a timer (not announced every second); a polite live region
    // tells screen-reader users the time left when the minute changes.
    current.countdown = el('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
    current.announcer = el('p', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
    card.append(current.countdown, current.announcer);
  }
  current.continueButton = null;
  if (idle) {
    card.append(el('p', { class: 'hint' }, 'Select Continue when you are ready to carry on.'));
    const button = el('button', { type: 'button', 'data-live': '' }, 'Continue');
    button.addEventListener('click', (event) => {
      if (event.isTrusted && view === current) current.options.onContinue?.();
    });
    card.append(button);
    current.continueButton = button;
  }
  current.screen.replaceChildren(card);
  (current.continueButton ?? current.screen).focus({ preventScroll: true });
}

function tick(current: LockView): void {
  clearTimeout(current.timer);
  current.timer = undefined;
  const { until } = current.state;
  if (view !== current || until === undefined || current.countdown === null) return;
  const left = until - (current.options.now ?? Date.now)();
  current.countdown.textContent = left > 0 ? `Unlocks in ${formatCountdown(left)}` : 'Unlocking…';
  const spoken = left > 0 ? `Unlocks in ${spokenDuration(left)}` : 'Unlocking';
  if (spoken !== current.lastSpoken && (current.lastSpoken === '' || left <= 0 || spoken.endsWith('minutes') || spoken.endsWith('minute'))) {
    current.lastSpoken = spoken;
    if (current.announcer !== null) current.announcer.textContent = spoken;
  }
  if (left <= 0) {
    if (!current.expired) {
      current.expired = true;
      current.options.onExpire?.();
    }
    return;
  }
  current.timer = setTimeout(() => tick(current), msToNextSecond(left));
}
