// Small DOM helpers for the pages. Text from the collector (a teacher's message, a name, the
// policy text) only ever goes into textContent: it is shown, never parsed as HTML.

export function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`page is missing #${id}`);
  return found;
}

export function setText(id: string, text: string): void {
  const target = element(id);
  target.textContent = text;
  target.hidden = text === '';
}

/** The preload's API, or a note on the page when it is missing (opened outside the app). */
export function pageApi<T>(): T | undefined {
  const api = (window as Window & { vigil?: T }).vigil;
  if (api === undefined) document.body.dataset.state = 'no-api';
  return api;
}
