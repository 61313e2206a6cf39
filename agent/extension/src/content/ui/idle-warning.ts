// A calm banner at the bottom of the page before the idle lock: "This browser will lock in 30 s
// without activity", counting down. It does not block anything and lets clicks through; the
// extension hides it when the pupil is active again.
import { el } from './dom.ts';
import { formatCountdown, msToNextSecond, spokenDuration } from './format-countdown.ts';
import { GuardedHost } from './guarded-host.ts';
import { BANNER_CSS, edgeHostStyle } from './ui-styles.ts';

interface WarningView {
  readonly guard: GuardedHost;
  readonly visible: HTMLParagraphElement;
  readonly announcer: HTMLParagraphElement;
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

let view: WarningView | null = null;

/** Show (or reset) the warning with this many seconds left. */
export function showIdleWarning(secondsLeft: number): void {
  const current = view ?? mount();
  view = current;
  const ms = Math.max(0, Number.isFinite(secondsLeft) ? secondsLeft : 0) * 1_000;
  current.deadline = Date.now() + ms;
  current.announcer.textContent = `This browser will lock in ${spokenDuration(ms)} without activity.`;
  tick(current);
}

export function hideIdleWarning(): void {
  if (view === null) return;
  clearTimeout(view.timer);
  view.guard.destroy();
  view = null;
}

/** "30 s" under a minute, "2:30" above. */
export function idleWarningText(msLeft: number): string {
  if (msLeft <= 0) return 'This browser is locking now';
  const seconds = Math.ceil(msLeft / 1_000);
  const left = seconds < 60 ? `${seconds} s` : formatCountdown(msLeft);
  return `This browser will lock in ${left} without activity`;
}

function mount(): WarningView {
  const guard = new GuardedHost({ tag: 'vigil-idle-warning', hostStyle: edgeHostStyle('bottom'), css: BANNER_CSS });
  const banner = el('div', { class: 'vigil banner' });
  const visible = el('p', { 'aria-hidden': 'true' });
  const announcer = el('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  banner.append(visible, announcer);
  guard.root.append(banner);
  return { guard, visible, announcer, deadline: 0, timer: undefined };
}

function tick(current: WarningView): void {
  clearTimeout(current.timer);
  current.timer = undefined;
  if (view !== current) return;
  const left = current.deadline - Date.now();
  current.visible.textContent = idleWarningText(left);
  if (left > 0) current.timer = setTimeout(() => tick(current), msToNextSecond(left));
}
