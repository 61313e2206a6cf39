import { describe, expect, it } from 'vitest';
import { AlertFeed, type AlertFeedEvent } from './alert-feed.ts';

const created: AlertFeedEvent = {
  kind: 'created',
  alerts: [{ id: 'a1', deviceId: 'd1', siteId: 's1', roomId: null, category: 'self-harm', severity: 5, ts: '2026-12-07T09:00:00.000Z' }],
};

describe('AlertFeed', () => {
  it('tells every listener, and a listener that throws neither stops the others nor the caller', () => {
    const errors: string[] = [];
    const feed = new AlertFeed({ log: { error: (_o, message) => errors.push(message) } });
    const seen: AlertFeedEvent[] = [];
    feed.on(() => {
      throw new Error('boom');
    });
    feed.on((event) => seen.push(event));
    feed.emit(created);
    expect(seen).toEqual([created]);
    expect(errors).toEqual(['alert feed listener failed']);
  });

  it('stops telling a listener that unsubscribed, and says nothing for empty events', () => {
    const feed = new AlertFeed();
    const seen: AlertFeedEvent[] = [];
    const off = feed.on((event) => seen.push(event));
    feed.emit({ kind: 'changed', alertIds: [] });
    off();
    feed.emit(created);
    expect(seen).toEqual([]);
  });
});
