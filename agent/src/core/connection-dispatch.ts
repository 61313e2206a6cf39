import type { Logger } from 'pino';
import type { CollectorMessage, LivePayload, LockPayload, MessagePayload, ScreenshotRequestPayload } from '@vigil/shared/protocol';
import type { OutboxSender } from './outbox/index.ts';
import type { PolicyState } from './policy-state.ts';
import type { WordlistState } from './wordlist-state.ts';

// What the agent does with each collector message once a welcome has passed the transport
// checks (ConnectionService never calls this earlier).

export interface CommandHandlers {
  lock(cmd: LockPayload): Promise<void>;
  message(msg: MessagePayload): Promise<void>;
  live(live: LivePayload): void;
  screenshotRequest(req: ScreenshotRequestPayload): Promise<void>;
}

/** `error` codes meaning the collector will never accept the record named by `refId`. */
export const PERMANENT_REFUSALS: ReadonlySet<string> = new Set(['ingest-rejected', 'sha256-mismatch']);

export interface DispatchTarget {
  sender: Pick<OutboxSender, 'ack' | 'reject'>;
  handlers: CommandHandlers;
  policy: PolicyState;
  wordlist: WordlistState;
  log: Logger;
}

/** Commands that may take a while (a locker starting, a capture) must not hold up acks behind them. */
function background(log: Logger, type: string, work: Promise<void>): void {
  work.catch((err: unknown) => log.error({ err, type }, 'handling a collector command failed'));
}

export async function obeyCollector(msg: Exclude<CollectorMessage, { type: 'welcome' }>, t: DispatchTarget): Promise<void> {
  const h = t.handlers;
  switch (msg.type) {
    case 'error': {
      const { code, message, refId } = msg.payload;
      if (refId !== undefined && PERMANENT_REFUSALS.has(code)) {
        // Re-sending a record the collector refuses for good would go on forever: drop it (counted, logged).
        t.log.error({ code, message, refId }, 'the collector refused a record for good; dropped it from the outbox');
        await t.sender.reject([refId], code);
        return;
      }
      t.log.warn({ code, message, refId }, 'the collector reported an error');
      return;
    }
    case 'ack':
      return t.sender.ack(msg.payload.ids);
    case 'policy':
      t.log.info('new policy from the collector');
      return t.policy.apply(msg.payload);
    case 'wordlist':
      return t.wordlist.apply(msg.payload);
    case 'lock':
      return background(t.log, msg.type, h.lock(msg.payload));
    case 'message':
      return background(t.log, msg.type, h.message(msg.payload));
    case 'live':
      return h.live(msg.payload);
    case 'screenshot-request':
      return background(t.log, msg.type, h.screenshotRequest(msg.payload));
  }
}
