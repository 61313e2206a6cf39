// The keyboard hook runs here, in a child process forked by key-source.node.ts: libuiohook aborts the whole
// process when the X server has no RECORD extension (or there is no display), and that must not take the agent
// down. It forwards keycodes and modifier flags over IPC and nothing else; keys are never written anywhere.
//
// Plain JavaScript on purpose: a .ts file would make Node load its type-stripping compiler (~20 MiB) into a
// process that only forwards keycodes. The messages are `HookMessage` (key-hook.protocol.ts), which the parent
// decodes with its schema; the tests in key-source.node.test.ts run this file for real.
import { uIOhook, UiohookKey } from 'uiohook-napi';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('key-hook.child.mjs must be started by key-source.node.ts (needs an IPC channel)\n');
  process.exit(2);
}

/** @param {import('./key-hook.protocol.ts').HookMessage} msg */
const post = (msg) => send(msg);

// The parent went away: stop hooking at once.
process.on('disconnect', () => process.exit(0));

/**
 * @param {import('uiohook-napi').UiohookKeyboardEvent} e
 * @param {boolean} down
 * @returns {import('./key-hook.protocol.ts').HookMessage}
 */
const keyMessage = (e, down) => ({ type: 'key', down, code: e.keycode, shift: e.shiftKey, ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });

uIOhook.on('keydown', (e) => post(keyMessage(e, true)));
uIOhook.on('keyup', (e) => {
  if (e.keycode === UiohookKey.AltRight) post(keyMessage(e, false));
});
if (process.argv.includes('--clicks')) {
  uIOhook.on('mousedown', (e) => post({ type: 'click', button: Number(e.button) }));
}
uIOhook.start();
post({ type: 'ready' });
