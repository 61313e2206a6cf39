import { useCallback, useSyncExternalStore } from 'react';
import type { Frame, FrameStore } from './frame-store.ts';

/** The newest picture of one device; re-renders only when that device's picture changes. */
export function useFrame(store: FrameStore, deviceId: string): Frame | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribe(deviceId, listener), [store, deviceId]);
  const snapshot = useCallback(() => store.get(deviceId), [store, deviceId]);
  return useSyncExternalStore(subscribe, snapshot);
}
