// A teacher's message as a card at the top of the page: "Message from <from>", the text, Close.
// Several stack (newest at the top, at most MAX_SHOWN); each goes after durationMs. It does not
// block the page. Under a lock or notice it waits underneath until they go.
import { el } from './dom.ts';
import { GuardedHost } from './guarded-host.ts';
import { registerZone } from './page-blocker.ts';
import { TOAST_CSS, edgeHostStyle } from './ui-styles.ts';

export interface TeacherMessage {
  readonly text: string;
  readonly from: string;
}

export interface MessageOptions {
  /** How long the message stays up; 15 s by default. */
  readonly durationMs?: number;
}

export const DEFAULT_MESSAGE_MS = 15_000;
const MAX_SHOWN = 4;

interface ToastStack {
  readonly guard: GuardedHost;
  readonly stack: HTMLDivElement;
  readonly unzone: () => void;
  readonly timers: Map<HTMLElement, ReturnType<typeof setTimeout>>;
}

let toasts: ToastStack | null = null;
let nextId = 0;

export function showMessage(message: TeacherMessage, options: MessageOptions = {}): void {
  const current = toasts ?? mount();
  toasts = current;
  const id = `vigil-message-${++nextId}`;
  const toast = el('section', { class: 'vigil toast', role: 'alert', 'aria-labelledby': `${id}-from` });
  const content = el('div', { class: 'content' });
  content.append(el('h2', { class: 'from', id: `${id}-from` }, `Message from ${message.from}`), el('p', { class: 'body text', 'data-live': '' }, message.text));
  const close = el('button', { type: 'button', 'data-live': '', 'aria-label': `Close message from ${message.from}` }, 'Close');
  close.addEventListener('click', () => dismiss(current, toast));
  toast.append(content, close);
  current.stack.prepend(toast);
  const duration = options.durationMs ?? DEFAULT_MESSAGE_MS;
  current.timers.set(
    toast,
    setTimeout(() => dismiss(current, toast), Math.max(0, duration)),
  );
  while (current.stack.children.length > MAX_SHOWN) {
    const oldest = current.stack.lastElementChild;
    if (oldest instanceof HTMLElement) dismiss(current, oldest);
  }
}

/** Remove every message now. */
export function hideMessages(): void {
  if (toasts === null) return;
  for (const timer of toasts.timers.values()) clearTimeout(timer);
  toasts.unzone();
  toasts.guard.destroy();
  toasts = null;
}

function mount(): ToastStack {
  const guard = new GuardedHost({ tag: 'vigil-messages', hostStyle: edgeHostStyle('top'), css: TOAST_CSS });
  const stack = el('div', { class: 'vigil stack' });
  guard.root.append(stack);
  return { guard, stack, unzone: registerZone({ host: guard.host, root: guard.root }), timers: new Map() };
}

function dismiss(stack: ToastStack, toast: HTMLElement): void {
  clearTimeout(stack.timers.get(toast));
  stack.timers.delete(toast);
  toast.remove();
  if (toasts === stack && stack.stack.children.length === 0) hideMessages();
}
