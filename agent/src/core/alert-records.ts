import { CONTEXT_MAX, redactContext, type FoldedTerm, type MatchHit } from '@vigil/shared/matcher';
import { MAX_ALERT_TERMS, MAX_SCREENSHOT_BYTES, makeEnvelope, sanitizeText, type AlertPayload } from '@vigil/shared/protocol';
import type { OutboxInput } from './outbox/index.ts';
import { binaryRecord, messageRecord } from './outbox-records.ts';
import type { ActiveWindow, CapturedImage } from './ports.ts';

export interface AlertFacts {
  /** ULID: the alert's primary key and its envelope id. */
  id: string;
  /** The phrase: its primary term, and with `terms` every term folded into it (FoldedHit). */
  hit: MatchHit & { readonly terms?: readonly FoldedTerm[] };
  /** The window the hit happened in (for typed text, the one focused while typing). */
  window: ActiveWindow | undefined;
  /** When the hit completed. */
  at: number;
  osUser: string;
  image?: CapturedImage;
  now: () => number;
}

/**
 * The outbox records for one hit (one phrase, overlapping terms folded): the alert (the only
 * place typed text appears, as at most 120 redacted characters around the match) and, when a
 * capture was taken, the evidence upload that follows it.
 */
export function alertRecords(facts: AlertFacts): OutboxInput[] {
  const { hit, window: win, image } = facts;
  const withImage = image !== undefined && image.bytes.byteLength > 0 && image.bytes.byteLength <= MAX_SCREENSHOT_BYTES;
  const payload: AlertPayload = {
    id: facts.id,
    ts: facts.at,
    source: hit.source,
    term: sanitizeText(hit.term, 200),
    category: hit.category,
    severity: hit.severity,
    context: sanitizeText(redactContext(hit.context, CONTEXT_MAX), CONTEXT_MAX),
    windowTitle: sanitizeText(win?.title ?? '', 1024),
    app: sanitizeText(win?.app ?? '', 256),
    osUser: sanitizeText(facts.osUser, 256),
  };
  // Every term of the phrase when there are several; the list is sorted most severe first.
  if (hit.terms !== undefined && hit.terms.length > 1) {
    payload.terms = hit.terms.slice(0, MAX_ALERT_TERMS).map((t) => ({ term: sanitizeText(t.term, 200), category: t.category, severity: t.severity }));
  }
  if (win?.url !== undefined && win.url !== '') payload.url = sanitizeText(win.url, 2048);
  if (withImage) payload.screenshot = { sha256: image.sha256, width: image.width, height: image.height, mime: image.mime, bytes: image.bytes.byteLength };
  const records = [messageRecord(makeEnvelope('alert', payload, { id: facts.id, now: facts.now }))];
  if (withImage) {
    const upload = makeEnvelope(
      'screenshot',
      { sha256: image.sha256, width: image.width, height: image.height, mime: image.mime, alertId: facts.id },
      { now: facts.now },
    );
    records.push(binaryRecord(upload, image.bytes));
  }
  return records;
}
