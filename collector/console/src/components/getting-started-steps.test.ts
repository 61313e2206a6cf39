import { describe, expect, it } from 'vitest';
import type { GettingStartedResponse } from '@vigil/shared/console';
import { checklistItems, hiddenKey, isHidden, progressText, rememberHidden, showsGettingStarted, type KeyValueStore } from './getting-started-steps.ts';

const progress = (done: readonly string[], extra: Partial<GettingStartedResponse> = {}): GettingStartedResponse => ({
  steps: (['site', 'room', 'token', 'device', 'alert'] as const).map((id) => ({ id, done: done.includes(id) })),
  complete: done.length === 5,
  testPhrase: 'unblocked games',
  testCategory: 'Filter circumvention',
  liveRoomId: null,
  ...extra,
});

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('the getting-started checklist', () => {
  it('is for admins only', () => {
    expect(showsGettingStarted('admin')).toBe(true);
    for (const role of ['teacher', 'technician', 'dsl', 'viewer'] as const) expect(showsGettingStarted(role)).toBe(false);
  });

  it('lists the five steps in order, each linking to where it is done', () => {
    const items = checklistItems(progress(['site']));
    expect(items.map((item) => [item.id, item.done, item.href])).toEqual([
      ['site', true, '/admin/rooms'],
      ['room', false, '/admin/rooms'],
      ['token', false, '/admin/enrolment'],
      ['device', false, '/admin/enrolment'],
      ['alert', false, '/triage'],
    ]);
    expect(progressText(items)).toBe('1 of 5 done');
  });

  it('sends a connected PC to its room and tells the test phrase', () => {
    const items = checklistItems(progress(['site', 'room', 'token', 'device'], { liveRoomId: 'R 1' }));
    expect(items.find((item) => item.id === 'device')).toMatchObject({ title: 'Watch your first PC live', href: '/live/R%201' });
    expect(items.find((item) => item.id === 'alert')?.help).toBe(
      'On that PC, type “unblocked games” in any window: it raises a harmless “Filter circumvention” alert in Triage. Dismiss it afterwards.',
    );
    expect(checklistItems(progress([], { testPhrase: null, testCategory: null })).find((item) => item.id === 'alert')?.help).toMatch(
      /^Type a word from your word lists/,
    );
  });

  it('remembers "hide" per user in the browser, and survives a store that refuses', () => {
    const store = new MemoryStore();
    expect(isHidden(store, 'U1')).toBe(false);
    rememberHidden(store, 'U1');
    expect(isHidden(store, 'U1')).toBe(true);
    expect(isHidden(store, 'U2')).toBe(false);
    expect(store.items.get(hiddenKey('U1'))).toBe('true');
    const refusing: KeyValueStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(isHidden(refusing, 'U1')).toBe(false);
    expect(() => rememberHidden(refusing, 'U1')).not.toThrow();
    expect(isHidden(undefined, 'U1')).toBe(false);
  });
});
