import type { CommandResponse, LockRequest, MessageRequest, UnlockRequest } from '@vigil/shared/console';
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

/** The sentence the status line shows after a command: `Lock sent to 30 computers (28 connected now).` */
export function commandResultText(kind: CommandKind, response: CommandResponse): string {
  const total = response.deviceIds.length;
  const what = kind === 'lock' ? 'Lock' : kind === 'unlock' ? 'Unlock' : 'Message';
  if (total === 0) return `${what} not sent: no computers matched.`;
  const reach = response.delivered === total ? (total === 1 ? 'connected now' : 'all connected now') : `${response.delivered} connected now; the others get it when they reconnect`;
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
