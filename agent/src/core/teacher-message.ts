import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { makeEnvelope, type MessagePayload } from '@vigil/shared/protocol';
import type { Outbox } from './outbox/index.ts';
import { messageRecord } from './outbox-records.ts';
import type { Clock, Notifier } from './ports.ts';

export interface TeacherMessageDeps {
  notifier: Notifier;
  clock: Clock;
  outbox: Pick<Outbox, 'enqueue'>;
  log: Logger;
}

const nextId = monotonicFactory();

/**
 * A teacher's `message`: shown through the Notifier, then — when the collector asked for it — a
 * `message-shown` saying where it went (a notification, the agent's own window, or nowhere), queued in the
 * outbox so it reaches the collector even across a reconnect. A notifier that cannot tell where the message
 * went reports nothing: the console then says "delivered", never "shown".
 */
export async function showTeacherMessage(deps: TeacherMessageDeps, msg: MessagePayload): Promise<void> {
  const via = await deps.notifier.notify(`Message from ${msg.from === '' ? 'your teacher' : msg.from}`, msg.text);
  deps.log.info({ messageId: msg.id, via: via ?? 'unknown' }, 'teacher message handled');
  if (via === undefined || msg.reportShown !== true) return;
  const at = deps.clock.now();
  const id = nextId(at);
  await deps.outbox.enqueue(messageRecord(makeEnvelope('message-shown', { id, messageId: msg.id, via, at }, { id, now: () => at })));
}
