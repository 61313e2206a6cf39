import { z } from 'zod';

// ── The triage socket: WS /console/alerts (session cookie; Origin must match) ─────────
//
// Server → console only: new and changed alerts in the signed-in user's scope, so open
// triage pages update within a second and the console can show an unread badge and a
// browser notification. Like e-mail and webhook notifications it carries NO alert
// content — no term, context, title, app, URL or OS user — only what a notification
// may say: category, severity, room and time, and the alert's id to fetch it through
// the (redacting) API. The console sends nothing; any message it sends closes the socket.

export const alertNoticeSchema = z.object({
  id: z.string(),
  severity: z.number().int(),
  category: z.string(),
  categoryLabel: z.string(),
  restricted: z.boolean(),
  roomName: z.string().nullable(),
  /** When the agent saw it (ISO 8601). */
  ts: z.string(),
});
export type AlertNotice = z.infer<typeof alertNoticeSchema>;

export const alertFeedServerMessageSchema = z.discriminatedUnion('type', [
  /** On connect: how many alerts in scope are still `new` (the badge). */
  z.object({ type: z.literal('hello'), open: z.number().int() }),
  /** Something changed: new alerts (newest last), ids of changed ones, and the badge again. */
  z.object({ type: z.literal('alerts'), created: z.array(alertNoticeSchema), changed: z.array(z.string()), open: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AlertFeedServerMessage = z.infer<typeof alertFeedServerMessageSchema>;
