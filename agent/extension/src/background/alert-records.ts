// The outbox records for one hit, as the desktop agent makes them (agent/src/core/alert-records.ts):
// the alert (typed text appears only as ≤ 120 redacted characters around the match) and,
// when a capture was taken, the evidence frame — kept as bytes in IndexedDB, not base64.
import { CONTEXT_MAX, redactContext, type FoldedHit, type MatchHit } from '@vigil/shared/matcher';
import {
  MAX_ALERT_TERMS,
  MAX_SCREENSHOT_BYTES,
  agentMessageSchema,
  encode,
  encodeBinary,
  makeEnvelope,
  sanitizeText,
  type AlertPayload,
  type AgentMessage,
} from '@vigil/shared/protocol';
import type { CapturedImage } from './capture.ts';

export interface QueuedRecord {
  id: string;
  kind: 'alert' | 'state' | 'activity';
  body: string;
  bytes?: Uint8Array;
}

export interface HitPlace {
  title: string;
  url: string;
  app: string;
  user: string;
}

type Queued = Extract<AgentMessage, { type: 'alert' | 'activity' | 'lock-state' | 'idle-state' }>;
const KIND: Record<Queued['type'], QueuedRecord['kind']> = { alert: 'alert', 'lock-state': 'state', 'idle-state': 'state', activity: 'activity' };

/** Checked against the protocol schema first: a record the collector would refuse must never head the outbox. */
export function messageRecord(message: Queued): QueuedRecord {
  const checked = agentMessageSchema.safeParse(message);
  if (!checked.success)
    throw new Error(`refusing to queue an invalid ${message.type}: ${checked.error.issues[0]?.path.join('.') ?? ''} ${checked.error.issues[0]?.message ?? ''}`);
  return { id: message.id, kind: KIND[message.type], body: encode(message) };
}

export function alertRecords(
  id: string,
  hit: MatchHit & Partial<Pick<FoldedHit, 'terms'>>,
  place: HitPlace,
  at: number,
  image: CapturedImage | undefined,
): QueuedRecord[] {
  const withImage = image !== undefined && image.bytes.byteLength > 0 && image.bytes.byteLength <= MAX_SCREENSHOT_BYTES;
  const payload: AlertPayload = {
    id,
    ts: at,
    source: hit.source,
    term: sanitizeText(hit.term, 200),
    category: hit.category,
    severity: hit.severity,
    context: sanitizeText(redactContext(hit.context, CONTEXT_MAX), CONTEXT_MAX),
    windowTitle: sanitizeText(place.title, 1024),
    app: sanitizeText(place.app, 256),
    osUser: sanitizeText(place.user, 256),
  };
  // Every term of the phrase when several folded into this alert (most severe first).
  if (hit.terms !== undefined && hit.terms.length > 1) {
    payload.terms = hit.terms.slice(0, MAX_ALERT_TERMS).map((t) => ({ term: sanitizeText(t.term, 200), category: t.category, severity: t.severity }));
  }
  if (place.url !== '') payload.url = sanitizeText(place.url, 2048);
  if (withImage) payload.screenshot = { sha256: image.sha256, width: image.width, height: image.height, mime: image.mime, bytes: image.bytes.byteLength };
  const records = [messageRecord(makeEnvelope('alert', payload, { id }))];
  if (withImage) {
    const upload = makeEnvelope('screenshot', { sha256: image.sha256, width: image.width, height: image.height, mime: image.mime, alertId: id });
    records.push({ id: upload.id, kind: 'state', body: '', bytes: encodeBinary(upload, image.bytes) });
  }
  return records;
}
