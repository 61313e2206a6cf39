// The keyboard hook runs here, in a child process forked by key-source.node.ts: libuiohook aborts the whole
// process when the X server has no RECORD extension (or there is no display), and that must not take the agent
// down. It forwards keycodes and modifier flags over IPC and nothing else; keys are never written anywhere.
import { uIOhook, UiohookKey, type UiohookKeyboardEvent } from 'uiohook-napi';
import type { HookMessage } from './key-hook.protocol.ts';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('key-hook.child.ts must be started by key-source.node.ts (needs an IPC channel)\n');
  process.exit(2);
}
const post = (msg: HookMessage) => send(msg);

// The parent went away: stop hooking at once.
process.on('disconnect', () => process.exit(0));

const keyMessage = (e: UiohookKeyboardEvent, down: boolean): HookMessage => ({
  type: 'key',
  down,
  code: e.keycode,
  shift: e.shiftKey,
  ctrl: e.ctrlKey,
  alt: e.altKey,
  meta: e.metaKey,
});

uIOhook.on('keydown', (e) => post(keyMessage(e, true)));
uIOhook.on('keyup', (e) => {
  if (e.keycode === UiohookKey.AltRight) post(keyMessage(e, false));
});
if (process.argv.includes('--clicks')) {
  uIOhook.on('mousedown', (e) => post({ type: 'click', button: Number(e.button) }));
}
uIOhook.start();
post({ type: 'ready' });
