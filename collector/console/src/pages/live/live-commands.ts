import type { CommandResponse, LockRequest, MessageReceiptsResponse, MessageRequest, UnlockRequest } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import { computers } from '../../format.ts';

// Lock, unlock and message go over HTTP (audited, CSRF-protected); their effect comes
// back over the live socket as `device` messages.

export type CommandKind = 'lock' | 'unlock' | 'message';

/** Which devices: the selected ones, or (undefined) every device in the room. */
export type Targets = readonly string[] | undefined;

export function lockRoom(roomId: string, targets: Targets, message: string, minutes: number | undefined): Promise<CommandResponse> {
  const body: LockRequest = {};
  if (targets !== undefined) body.deviceIds = [...targets];
  if (message.trim() !== '') body.message = message.trim();
  if (minutes !== undefined) body.minutes = minutes;
  return api.post<CommandResponse>(`/api/rooms/${encodeURIComponent(roomId)}/lock`, body);
}

export function unlockRoom(roomId: string, targets: Targets): Promise<CommandResponse> {
  const body: UnlockRequest = targets === undefined ? {} : { deviceIds: [...targets] };
  return api.post<CommandResponse>(`/api/rooms/${encodeURIComponent(roomId)}/unlock`, body);
}

export function messageRoom(roomId: string, targets: Targets, text: string): Promise<CommandResponse> {
  const body: MessageRequest = { text: text.trim() };
  if (targets !== undefined) body.deviceIds = [...targets];
  return api.post<CommandResponse>(`/api/rooms/${encodeURIComponent(roomId)}/message`, body);
}

/** Which PCs put a message on screen (the agents' `message-shown` reports). */
export function messageReceipts(roomId: string, messageId: string): Promise<MessageReceiptsResponse> {
  return api.get<MessageReceiptsResponse>(`/api/rooms/${encodeURIComponent(roomId)}/messages/${encodeURIComponent(messageId)}`);
}

/**
 * The status line for a message: what reached a PC and what a PC says it put on screen — never "sent" for
 * something nobody saw. `Message delivered to 3 computers · shown on 2 (waiting for 1…)`.
 * `receipts` undefined: none asked for yet; `waiting`: still asking.
 */
export function messageResultText(response: CommandResponse, receipts: MessageReceiptsResponse | undefined, waiting: boolean): string {
  const total = response.deviceIds.length;
  if (total === 0) return 'Message not sent: no computers matched.';
  const offline = total - response.delivered;
  // Messages are not kept for later: a PC that is not connected now never gets this one.
  const missed = offline === 0 ? '' : ` · ${offline} not connected (they will not get it)`;
  if (response.delivered === 0) return `Message not delivered: ${total === 1 ? 'the computer is' : `none of the ${total} computers is`} connected.`;
  const delivered = response.delivered === total ? computers(total) : `${response.delivered} of ${computers(total)}`;
  const shown = receipts?.shown.filter((r) => r.via !== 'none').length ?? 0;
  const nowhere = receipts?.shown.filter((r) => r.via === 'none').length ?? 0;
  const unanswered = Math.max(0, response.delivered - shown - nowhere);
  let text = `Message delivered to ${delivered} · shown on ${shown}`;
  if (nowhere > 0) text += ` · ${nowhere} could not show it (no screen)`;
  if (unanswered > 0) text += waiting ? ` (waiting for ${unanswered}…)` : ` · ${unanswered} did not confirm it was shown`;
  return `${text}${missed}.`;
}

/**
 * Asks which PCs showed a message, every `intervalMs` until every delivered PC has answered or `attempts`
 * ran out, calling `onUpdate` each time. Returns a stop function.
 */
export function watchMessageReceipts(
  roomId: string,
  response: CommandResponse,
  onUpdate: (receipts: MessageReceiptsResponse | undefined, waiting: boolean) => void,
  opts: { intervalMs?: number; attempts?: number; fetch?: typeof messageReceipts } = {},
): () => void {
  const messageId = response.messageId;
  if (messageId === undefined || response.delivered === 0) {
    onUpdate(undefined, false);
    return () => {};
  }
  const fetch = opts.fetch ?? messageReceipts;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = opts.attempts ?? 30;
  let last: MessageReceiptsResponse | undefined;
  const tick = async (): Promise<void> => {
    left--;
    try {
      last = await fetch(roomId, messageId);
    } catch {
      // Asked again on the next tick; the last answer stays on screen.
    }
    if (stopped) return;
    const done = (last?.shown.length ?? 0) >= response.delivered || left <= 0;
    onUpdate(last, !done);
    if (!done) timer = setTimeout(() => void tick(), opts.intervalMs ?? 1_000);
  };
  onUpdate(undefined, true);
  timer = setTimeout(() => void tick(), opts.intervalMs ?? 1_000);
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}

/** The sentence the status line shows after a lock or unlock: `Lock sent to 30 computers (28 connected now).` */
export function commandResultText(kind: Exclude<CommandKind, 'message'>, response: CommandResponse): string {
  const total = response.deviceIds.length;
  const what = kind === 'lock' ? 'Lock' : 'Unlock';
  if (total === 0) return `${what} not sent: no computers matched.`;
  const reach =
    response.delivered === total
      ? total === 1
        ? 'connected now'
        : 'all connected now'
      : `${response.delivered} connected now; the others get it when they reconnect`;
  return `${what} sent to ${computers(total)} (${reach}).`;
}

/**
 * Minutes for a timed lock from the form's text: undefined for empty (no time limit),
 * a number 1..480, or an error sentence.
 */
export function parseLockMinutes(text: string): { ok: true; minutes: number | undefined } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, minutes: undefined };
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: 'Minutes must be a whole number.' };
  const minutes = Number(trimmed);
  if (minutes < 1 || minutes > 480) return { ok: false, problem: 'A timed lock lasts from 1 to 480 minutes (8 hours).' };
  return { ok: true, minutes };
}

/** "all 30 computers in ICT 1" / "3 selected computers" / "PC-07" for dialog titles. */
export function targetsPhrase(targets: Targets, total: number, roomName: string, hostnameOf: (id: string) => string | undefined): string {
  if (targets === undefined) return `all ${computers(total)} in ${roomName}`;
  if (targets.length === 1) return hostnameOf(targets[0] as string) ?? '1 computer';
  return `${targets.length} selected computers`;
}
