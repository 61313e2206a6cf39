import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { api } from '../../api/client.ts';
import { FrameStore } from './frame-store.ts';
import { LiveConnection, liveSocketUrl } from './live-socket.ts';
import { initialLiveState, liveReducer, type LiveState } from './live-state.ts';

export interface LiveRoom {
  readonly state: LiveState;
  readonly frames: FrameStore;
  /** The enlarged device (null: back to the grid). */
  readonly setFocus: (deviceId: string | null) => void;
}

/**
 * Watches one room over WS /console/live while the page is shown: the state through
 * liveReducer, the pictures in a FrameStore, visibility from the document. Mount the
 * page with `key={roomId}` so another room starts afresh.
 */
export function useLiveRoom(roomId: string): LiveRoom {
  const [state, dispatch] = useReducer(liveReducer, roomId, initialLiveState);
  const frames = useMemo(() => new FrameStore(), []);
  const connection = useRef<LiveConnection | undefined>(undefined);

  useEffect(() => {
    const live = new LiveConnection({
      url: liveSocketUrl(window.location),
      onMessage: (message) => dispatch({ type: 'message', message }),
      onFrame: (header, bytes) => frames.put(header, bytes),
      onState: (next) => dispatch({ type: 'connection', state: next }),
      onDropped: (_code, attempt) => {
        // A socket closed because the session ended would retry for ever; asking /me
        // lets a 401 take the user to the sign-in page (the api client's onSignedOut).
        if (attempt === 0) api.get('/api/auth/me').catch(() => undefined);
      },
    });
    const visibility = () => live.setVisible(document.visibilityState === 'visible');
    visibility();
    live.watch(roomId);
    live.start();
    connection.current = live;
    document.addEventListener('visibilitychange', visibility);
    return () => {
      document.removeEventListener('visibilitychange', visibility);
      live.stop();
      connection.current = undefined;
      frames.clear();
    };
  }, [roomId, frames]);

  // A device that left the room takes its picture with it.
  useEffect(() => {
    frames.retain(new Set(state.devices.map((device) => device.id)));
  }, [state.devices, frames]);

  const setFocus = useCallback((deviceId: string | null) => connection.current?.setFocus(deviceId), []);
  return { state, frames, setFocus };
}
