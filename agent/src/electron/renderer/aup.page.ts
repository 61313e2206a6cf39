import type { AupPageApi } from '../ipc-channels.ts';
import { element, pageApi, setText } from './dom.page.ts';

const api = pageApi<AupPageApi>();
api?.onAup((aup) => {
  setText('text', aup.text);
  setText('version', `Policy version ${aup.version}`);
  document.body.dataset.state = 'shown';
});
const button = element('ok');
if (!(button instanceof HTMLButtonElement)) throw new Error('#ok must be a button');
button.addEventListener('click', () => {
  if (api === undefined) return;
  button.disabled = true;
  api.acknowledge().then(
    () => {
      document.body.dataset.state = 'acknowledged';
    },
    () => {
      button.disabled = false;
    },
  );
});
