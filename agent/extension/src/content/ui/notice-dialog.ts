// A modal notice the pupil must accept: the acceptable-use notice ("This computer is monitored" +
// the school's policy, paragraphs split on blank lines, scrollable) and the idle-lock warning.
// It blocks the page like the lock until its button is pressed; a teacher's lock sits above it.
import { el } from './dom.ts';
import { GuardedHost } from './guarded-host.ts';
import { blockPage, registerZone } from './page-blocker.ts';
import { NOTICE_BACKGROUND, NOTICE_CSS, fullWindowHostStyle } from './ui-styles.ts';

export interface Notice {
  readonly title: string;
  /** Plain text; a blank line starts a new paragraph. */
  readonly body: string;
  readonly buttonLabel: string;
}

export const NOTICE_LAYER = 1;

interface NoticeView {
  readonly guard: GuardedHost;
  readonly screen: HTMLDivElement;
  release: () => void;
  readonly unzone: () => void;
  button: HTMLButtonElement | null;
}

let view: NoticeView | null = null;

/** Show the notice (replacing one already shown); onAccept runs once, after the notice is gone. */
export function showNotice(notice: Notice, onAccept: () => void): void {
  const current = view ?? mount();
  const titleId = 'vigil-notice-title';
  const bodyId = 'vigil-notice-body';
  const card = el('div', { class: 'card' });
  card.append(el('h1', { id: titleId }, notice.title));
  const body = el('div', { class: 'body', id: bodyId, tabindex: '0', 'data-live': '' });
  for (const paragraph of splitParagraphs(notice.body)) body.append(el('p', { class: 'text' }, paragraph));
  card.append(body);
  const actions = el('div', { class: 'actions' });
  const button = el('button', { type: 'button', 'data-live': '' }, notice.buttonLabel);
  let accepted = false;
  button.addEventListener('click', (event) => {
    if (!event.isTrusted || accepted || view !== current || current.button !== button) return;
    accepted = true;
    hideNotice();
    onAccept();
  });
  actions.append(button);
  card.append(actions);
  current.screen.replaceChildren(card);
  current.screen.setAttribute('aria-labelledby', titleId);
  current.screen.setAttribute('aria-describedby', bodyId);
  current.button = button;
  view = current;
  button.focus({ preventScroll: true });
}

export function hideNotice(): void {
  if (view === null) return;
  const closing = view;
  view = null;
  closing.release();
  closing.unzone();
  closing.guard.destroy();
}

export function isNoticeShown(): boolean {
  return view !== null;
}

/** Paragraphs of plain text: split on blank lines, trimmed, empty ones dropped. */
export function splitParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function mount(): NoticeView {
  const guard = new GuardedHost({
    tag: 'vigil-notice',
    hostStyle: fullWindowHostStyle(NOTICE_BACKGROUND),
    css: NOTICE_CSS,
    topLayer: NOTICE_LAYER,
  });
  const screen = el('div', { class: 'vigil screen', role: 'alertdialog', 'aria-modal': 'true', tabindex: '-1' });
  guard.root.append(screen);
  const focusables = (): HTMLElement[] => [...screen.querySelectorAll<HTMLElement>('[data-live]')].filter((e) => e.tabIndex >= 0);
  // Tab cycles between the policy text (for keyboard scrolling) and the button, never into the page.
  screen.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    event.preventDefault();
    const items = focusables();
    if (items.length === 0) return;
    const at = items.indexOf(guard.root.activeElement as HTMLElement);
    const next = (at + (event.shiftKey ? -1 : 1) + items.length) % items.length;
    items[next]?.focus();
  });
  const unzone = registerZone({ host: guard.host, root: guard.root });
  const created: NoticeView = { guard, screen, unzone, button: null, release: () => undefined };
  created.release = blockPage({ host: guard.host, layer: NOTICE_LAYER, focusHome: () => created.button ?? screen });
  return created;
}
