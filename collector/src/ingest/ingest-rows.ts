import type { ActivityMessage, AlertMessage, IdleStateMessage, LockStateMessage } from '@vigil/shared';
import type { IdleLockKind } from '../db/schema/index.ts';

/** The agent messages that become rows. */
export type IngestMessage = AlertMessage | ActivityMessage | LockStateMessage | IdleStateMessage;

/**
 * The writer of the rows: taken from the authenticated socket, never from a payload,
 * so an agent can only ever write as itself.
 */
export interface IngestDevice {
  readonly id: string;
  readonly siteId: string;
  readonly roomId: string | null;
  /** The OS user from the latest `hello` (state changes carry none of their own). */
  readonly osUser: string | null;
}

export interface AlertRow {
  readonly id: string;
  readonly deviceId: string;
  readonly siteId: string;
  readonly roomId: string | null;
  readonly osUser: string | null;
  readonly ts: string;
  readonly source: string;
  readonly term: string;
  readonly category: string;
  readonly severity: number;
  /** JSON of every matched term (`alerts.terms`), or null when the agent sent one term. */
  readonly terms: string | null;
  readonly context: string;
  readonly windowTitle: string;
  readonly app: string;
  readonly url: string | null;
  readonly screenshotSha256: string | null;
}

export interface ActivityRow {
  readonly id: string;
  readonly deviceId: string;
  readonly osUser: string | null;
  readonly app: string;
  readonly title: string;
  readonly url: string | null;
  readonly startedAt: string;
  readonly endedAt: string;
}

export interface IdleLockRow {
  readonly id: string;
  readonly deviceId: string;
  readonly osUser: string | null;
  readonly kind: IdleLockKind;
  readonly cause: string | null;
  readonly at: string;
}

export type IngestRow =
  | { readonly table: 'alerts'; readonly row: AlertRow }
  | { readonly table: 'activity'; readonly row: ActivityRow }
  | { readonly table: 'idleLock'; readonly row: IdleLockRow };

// Times go to PostgreSQL as ISO strings inside text arrays (see ingest.repository.ts).
const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const orNull = (text: string | undefined): string | null => (text === undefined || text === '' ? null : text);

/** Whether a category is restricted in the word list in force (unknown ones are: fail closed). */
export type RestrictedCategory = (category: string) => boolean;

/**
 * The term an alert is filed under. An agent folds overlapping terms into one alert with
 * a restricted one as the primary whenever any is restricted; this holds the collector to
 * that even for an agent that did not, so every read path that looks at the alert's
 * category alone withholds its text.
 */
export function primaryTerm(p: AlertMessage['payload'], isRestricted: RestrictedCategory | undefined): { term: string; category: string } {
  if (isRestricted === undefined || p.terms === undefined || isRestricted(p.category)) return { term: p.term, category: p.category };
  const restricted = p.terms.filter((entry) => isRestricted(entry.category)).sort((a, b) => b.severity - a.severity)[0];
  return restricted === undefined ? { term: p.term, category: p.category } : { term: restricted.term, category: restricted.category };
}

export function toRow(device: IngestDevice, message: IngestMessage, isRestricted?: RestrictedCategory): IngestRow {
  switch (message.type) {
    case 'alert': {
      const p = message.payload;
      const primary = primaryTerm(p, isRestricted);
      return {
        table: 'alerts',
        row: {
          id: p.id,
          deviceId: device.id,
          siteId: device.siteId,
          roomId: device.roomId,
          osUser: orNull(p.osUser),
          ts: iso(p.ts),
          source: p.source,
          term: primary.term,
          category: primary.category,
          severity: Math.max(p.severity, ...(p.terms ?? []).map((entry) => entry.severity)),
          terms: p.terms === undefined ? null : JSON.stringify(p.terms.map(({ term, category, severity }) => ({ term, category, severity }))),
          context: p.context,
          windowTitle: p.windowTitle,
          app: p.app,
          url: orNull(p.url),
          screenshotSha256: p.screenshot?.sha256 ?? null,
        },
      };
    }
    case 'activity': {
      const p = message.payload;
      return {
        table: 'activity',
        row: {
          id: p.id,
          deviceId: device.id,
          osUser: orNull(p.osUser),
          app: p.app,
          title: p.title,
          url: orNull(p.url),
          startedAt: iso(p.start),
          endedAt: iso(p.end),
        },
      };
    }
    case 'lock-state': {
      const p = message.payload;
      return {
        table: 'idleLock',
        row: { id: p.id, deviceId: device.id, osUser: device.osUser, kind: p.locked ? 'locked' : 'unlocked', cause: p.reason, at: iso(p.at) },
      };
    }
    case 'idle-state': {
      const p = message.payload;
      return {
        table: 'idleLock',
        row: { id: p.id, deviceId: device.id, osUser: device.osUser, kind: p.idle ? 'idle' : 'active', cause: null, at: iso(p.at) },
      };
    }
  }
}
