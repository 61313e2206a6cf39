import { describe, expect, it } from 'vitest';
import type { LiveFrameHeader } from '@vigil/shared/console';
import { FrameStore } from './frame-store.ts';

function store() {
  const live = new Set<string>();
  const blobs: Blob[] = [];
  let next = 0;
  const frames = new FrameStore({
    create: (blob) => {
      blobs.push(blob);
      const url = `blob:test/${(next += 1)}`;
      live.add(url);
      return url;
    },
    revoke: (url) => {
      if (!live.delete(url)) throw new Error(`revoked twice or unknown: ${url}`);
    },
  });
  return { frames, live, blobs };
}

const header = (deviceId: string, seq = 1): LiveFrameHeader => ({ deviceId, seq, width: 320, height: 200, mime: 'image/webp', receivedAt: 0 });

describe('FrameStore', () => {
  it('keeps one URL per device, revoking the one before', () => {
    const { frames, live } = store();
    frames.put(header('a', 1), new Uint8Array([1]));
    frames.put(header('a', 2), new Uint8Array([2]));
    frames.put(header('b', 1), new Uint8Array([3]));
    expect(frames.get('a')).toMatchObject({ url: 'blob:test/2', seq: 2, width: 320 });
    expect([...live].sort()).toEqual(['blob:test/2', 'blob:test/3']);
  });

  it('makes a blob of the frame type from a copy of the bytes', async () => {
    const { frames, blobs } = store();
    const buffer = new Uint8Array([0, 1, 2, 3, 4]);
    frames.put(header('a'), buffer.subarray(2));
    buffer.fill(9);
    expect(blobs[0]?.type).toBe('image/webp');
    expect([...new Uint8Array(await blobs[0]!.arrayBuffer())]).toEqual([2, 3, 4]);
  });

  it('tells only the listeners of the device that changed', () => {
    const { frames } = store();
    const heard: string[] = [];
    const stopA = frames.subscribe('a', () => heard.push('a'));
    frames.subscribe('b', () => heard.push('b'));
    frames.put(header('a'), new Uint8Array([1]));
    stopA();
    frames.put(header('a', 2), new Uint8Array([1]));
    frames.put(header('b'), new Uint8Array([1]));
    expect(heard).toEqual(['a', 'b']);
  });

  it('forgets devices that left and revokes everything on clear', () => {
    const { frames, live } = store();
    frames.put(header('a'), new Uint8Array([1]));
    frames.put(header('b'), new Uint8Array([1]));
    frames.put(header('c'), new Uint8Array([1]));
    frames.retain(new Set(['a', 'c']));
    expect(frames.get('b')).toBeUndefined();
    expect(frames.size).toBe(2);
    frames.clear();
    expect(live.size).toBe(0);
    expect(frames.size).toBe(0);
  });
});
