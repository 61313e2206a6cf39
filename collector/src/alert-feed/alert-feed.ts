/**
 * What happened to alerts, told in-process to whoever needs to react at once: the
 * console's live triage queue (live/alert-queue push) and notifications. Facts only —
 * never the term, context, title, app, URL or OS user, so nothing restricted can leak
 * through a listener that forgets to redact.
 */
export interface NewAlertFacts {
  readonly id: string;
  readonly deviceId: string;
  readonly siteId: string;
  readonly roomId: string | null;
  readonly category: string;
  readonly severity: number;
  /** When the agent saw it (ISO 8601). */
  readonly ts: string;
}

export type AlertFeedEvent =
  /** Rows committed by ingest (replays that inserted nothing are not told). */
  | { readonly kind: 'created'; readonly alerts: readonly NewAlertFacts[] }
  /** Status, assignee, notes or reveals changed (a triage action succeeded). */
  | { readonly kind: 'changed'; readonly alertIds: readonly string[] };

export type AlertFeedListener = (event: AlertFeedEvent) => void;

interface Logger {
  error(object: object, message: string): void;
}

export class AlertFeed {
  readonly #listeners = new Set<AlertFeedListener>();
  readonly #log: Logger | undefined;

  constructor(options: { log?: Logger } = {}) {
    this.#log = options.log;
  }

  /** Returns the function that stops listening. */
  on(listener: AlertFeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener; one that throws is logged and does not stop the others (or the caller). */
  emit(event: AlertFeedEvent): void {
    if (event.kind === 'created' ? event.alerts.length === 0 : event.alertIds.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log?.error({ err: error, event: event.kind }, 'alert feed listener failed');
      }
    }
  }
}
