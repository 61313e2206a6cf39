// Turns what a page's editable fields receive into KeyStream keys: characters inserted
// (typed, pasted, dropped, committed by an input method or an on-screen keyboard),
// Backspace exactly as many characters as were deleted, Enter/Tab and caret moves. Password
// fields and one-time-code fields are never read. Listens on the window in the capture
// phase from document_start, so page scripts cannot hide events from it.

export type KeySink = (key: string, field: number) => void;

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', '']);
const SECRET_AUTOCOMPLETE = /(^|\s)(current-password|new-password|one-time-code|cc-number|cc-csc)(\s|$)/i;
const CARET_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown', 'Escape']);
const MAX_DELETE = 512;

/** Elements ever seen as a password field stay secret (a "show password" toggle makes them type=text). */
const secret = new WeakSet<Element>();
const fieldIds = new WeakMap<Element, number>();
let nextField = 1;

function fieldId(el: Element): number {
  let id = fieldIds.get(el);
  if (id === undefined) {
    id = nextField++;
    fieldIds.set(el, id);
  }
  return id;
}

/** The editable element an event is really about (inside open shadow roots too). */
export function editableTarget(event: Event): HTMLElement | undefined {
  const first = event.composedPath()[0];
  if (!(first instanceof HTMLElement)) return undefined;
  if (first instanceof HTMLInputElement || first instanceof HTMLTextAreaElement) return first;
  if (first.isContentEditable) {
    let host: HTMLElement = first;
    while (host.parentElement !== null && host.parentElement.isContentEditable) host = host.parentElement;
    return host;
  }
  return undefined;
}

/** True for fields whose text must never be read. */
export function isSecretField(el: HTMLElement): boolean {
  if (secret.has(el)) return true;
  if (el instanceof HTMLInputElement) {
    const type = el.type.toLowerCase();
    if (type === 'password' || SECRET_AUTOCOMPLETE.test(el.autocomplete) || SECRET_AUTOCOMPLETE.test(el.getAttribute('autocomplete') ?? '')) {
      secret.add(el);
      return true;
    }
    return !TEXT_INPUT_TYPES.has(type);
  }
  return SECRET_AUTOCOMPLETE.test(el.getAttribute('autocomplete') ?? '');
}

function* codePoints(text: string): Generator<string> {
  for (const ch of text) yield ch === '\r' ? '' : ch === '\n' ? 'Enter' : ch === '\t' ? 'Tab' : ch;
}

/** How many characters a deletion removes, for inputs and textareas (contenteditable uses target ranges). */
function deletedLength(el: HTMLElement, event: InputEvent): number {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    const start = el.selectionStart ?? 0;
    const end = el.selectionEnd ?? start;
    if (end > start) return end - start;
    if (event.inputType === 'deleteContentBackward') return start > 0 ? 1 : 0;
    const before = el.value.slice(0, start);
    if (event.inputType === 'deleteWordBackward') return before.length - before.replace(/\S*\s*$/u, '').length;
    if (event.inputType === 'deleteSoftLineBackward' || event.inputType === 'deleteHardLineBackward')
      return before.length - before.replace(/[^\n]*$/u, '').length;
    return 0;
  }
  let total = 0;
  for (const range of event.getTargetRanges()) {
    if (range.startContainer === range.endContainer) total += range.endOffset - range.startOffset;
    else total += 1;
  }
  return event.inputType === 'deleteContentBackward' ? Math.max(1, total) : total;
}

export function startKeyCapture(sink: KeySink, target: Window = window): () => void {
  let composing = false;

  const onBeforeInput = (event: Event) => {
    const e = event as InputEvent;
    const el = editableTarget(e);
    if (el === undefined || isSecretField(el)) return;
    const field = fieldId(el);
    const type = e.inputType;
    if (type === 'insertCompositionText' || e.isComposing) return;
    if (type === 'insertText' || type === 'insertReplacementText' || type === 'insertFromPaste' || type === 'insertFromDrop' || type === 'insertFromYank') {
      const text = e.data ?? e.dataTransfer?.getData('text/plain') ?? '';
      for (const key of codePoints(text)) if (key !== '') sink(key, field);
    } else if (type === 'insertLineBreak' || type === 'insertParagraph') {
      sink('Enter', field);
    } else if (type.startsWith('delete') && type.endsWith('Backward')) {
      const n = Math.min(MAX_DELETE, deletedLength(el, e));
      for (let i = 0; i < n; i++) sink('Backspace', field);
    }
  };

  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = (event: Event) => {
    composing = false;
    const e = event as CompositionEvent;
    const el = editableTarget(e);
    if (el === undefined || isSecretField(el)) return;
    const field = fieldId(el);
    for (const key of codePoints(e.data)) if (key !== '') sink(key, field);
  };

  const onKeyDown = (event: Event) => {
    const e = event as KeyboardEvent;
    if (composing || e.isComposing) return;
    const el = editableTarget(e);
    if (el === undefined || isSecretField(el)) return;
    // A single-line input has no line break to insert: Enter submits, so it ends the line here.
    if (e.key === 'Enter' && el instanceof HTMLInputElement) sink('Enter', fieldId(el));
    else if (e.key === 'Tab') sink('Tab', fieldId(el));
    else if (CARET_KEYS.has(e.key)) sink(e.key, fieldId(el));
  };

  const onPointerDown = (event: Event) => {
    const el = editableTarget(event);
    if (el !== undefined && !isSecretField(el)) sink('Click', fieldId(el));
  };

  const options = { capture: true, passive: true } as const;
  target.addEventListener('beforeinput', onBeforeInput, options);
  target.addEventListener('compositionstart', onCompositionStart, options);
  target.addEventListener('compositionend', onCompositionEnd, options);
  target.addEventListener('keydown', onKeyDown, options);
  target.addEventListener('mousedown', onPointerDown, options);
  return () => {
    target.removeEventListener('beforeinput', onBeforeInput, options);
    target.removeEventListener('compositionstart', onCompositionStart, options);
    target.removeEventListener('compositionend', onCompositionEnd, options);
    target.removeEventListener('keydown', onKeyDown, options);
    target.removeEventListener('mousedown', onPointerDown, options);
  };
}
