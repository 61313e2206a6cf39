import { describe, expect, it } from 'vitest';
import { keepVisible, moveCursor, neighbour, positionText, recallQueue, rememberQueue, toggleAll, toggleSelected } from './queue-order.ts';
import type { KeyValueStore } from './keyboard-shortcuts.ts';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe('next / previous in the queue', () => {
  it('moves the highlighted row and stops at either end', () => {
    expect(moveCursor(3, 0, 'next')).toBe(1);
    expect(moveCursor(3, 2, 'next')).toBe(2);
    expect(moveCursor(3, 1, 'previous')).toBe(0);
    expect(moveCursor(3, 0, 'previous')).toBe(0);
  });

  it('starts at the top with j and the bottom with k when nothing is highlighted', () => {
    expect(moveCursor(3, undefined, 'next')).toBe(0);
    expect(moveCursor(3, undefined, 'previous')).toBe(2);
    expect(moveCursor(3, 7, 'next')).toBe(0);
  });

  it('has nowhere to go in an empty queue', () => {
    expect(moveCursor(0, undefined, 'next')).toBeUndefined();
    expect(moveCursor(0, 0, 'previous')).toBeUndefined();
  });

  it('finds the neighbouring alert by id', () => {
    const ids = ['A', 'B', 'C'];
    expect(neighbour(ids, 'B', 'next')).toBe('C');
    expect(neighbour(ids, 'B', 'previous')).toBe('A');
    expect(neighbour(ids, 'C', 'next')).toBeUndefined();
    expect(neighbour(ids, 'A', 'previous')).toBeUndefined();
    expect(neighbour(ids, 'Z', 'next')).toBeUndefined();
  });

  it('says where the alert sits in the queue', () => {
    expect(positionText(['A', 'B', 'C'], 'B')).toBe('2 of 3');
    expect(positionText(['A', 'B', 'C'], 'B', 40)).toBe('2 of 40');
    expect(positionText(['A'], 'Z')).toBeUndefined();
  });
});

describe('the remembered queue', () => {
  it('round-trips through storage', () => {
    const store = memoryStore();
    rememberQueue(store, { ids: ['A', 'B'], href: '/triage?severity=4', total: 9 });
    expect(recallQueue(store)).toEqual({ ids: ['A', 'B'], href: '/triage?severity=4', total: 9 });
  });

  it('treats tampered or foreign values as no queue', () => {
    const store = memoryStore();
    store.data.set('vigil.triage.queue', '{not json');
    expect(recallQueue(store)).toBeUndefined();
    store.data.set('vigil.triage.queue', JSON.stringify({ ids: ['A'], href: 'https://evil.example/' }));
    expect(recallQueue(store)).toBeUndefined();
    store.data.set('vigil.triage.queue', JSON.stringify({ ids: [1, 2], href: '/triage' }));
    expect(recallQueue(store)).toBeUndefined();
    expect(recallQueue(undefined)).toBeUndefined();
  });
});

describe('row selection', () => {
  it('toggles one row without changing the old set', () => {
    const before = new Set(['A']);
    const after = toggleSelected(before, 'B');
    expect([...after].sort()).toEqual(['A', 'B']);
    expect([...before]).toEqual(['A']);
    expect([...toggleSelected(after, 'A')]).toEqual(['B']);
  });

  it('selects every visible row, or clears them when all were selected', () => {
    expect([...toggleAll(new Set(['A']), ['A', 'B'])].sort()).toEqual(['A', 'B']);
    expect([...toggleAll(new Set(['A', 'B']), ['A', 'B'])]).toEqual([]);
    expect([...toggleAll(new Set(), [])]).toEqual([]);
  });

  it('forgets rows that are no longer shown', () => {
    expect([...keepVisible(new Set(['A', 'B']), ['B', 'C'])]).toEqual(['B']);
  });
});
