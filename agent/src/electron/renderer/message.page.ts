import type { MessagePageApi } from '../ipc-channels.ts';
import { element, pageApi, setText } from './dom.page.ts';

const api = pageApi<MessagePageApi>();
api?.onMessage((message) => {
  document.title = message.title;
  setText('title', message.title);
  setText('body', message.body);
  setText('waiting', message.waiting === 0 ? '' : message.waiting === 1 ? '1 more message' : `${message.waiting} more messages`);
  document.body.dataset.state = 'shown';
  element('ok').focus();
});
element('ok').addEventListener('click', () => api?.dismiss());
