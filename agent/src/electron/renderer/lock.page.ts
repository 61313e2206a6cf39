import type { LockPageApi, LockScreenState } from '../ipc-channels.ts';
import { countdownText } from './countdown.ts';
import { pageApi, setText } from './dom.page.ts';

let state: LockScreenState | undefined;

function render(): void {
  if (state === undefined) return;
  setText('message', state.message);
  setText('by', state.by === '' ? '' : `Locked by ${state.by}`);
  setText('countdown', countdownText(state.until, Date.now()));
}

pageApi<LockPageApi>()?.onLockState((next) => {
  state = next;
  document.body.dataset.state = 'locked';
  render();
});
// The countdown moves on its own; main removes the overlay when the time is up.
setInterval(render, 250);
