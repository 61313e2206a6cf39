import { useCallback, useEffect, useRef, useState, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { useNow } from '../../components/use-now.ts';
import { usePageTitle } from '../../components/use-page-title.ts';
import { computers } from '../../format.ts';
import { Link } from '../../router.tsx';
import { LockDialog, MessageDialog } from './command-dialogs.tsx';
import { DeviceDialog } from './device-dialog.tsx';
import { DeviceTileView } from './device-tile.tsx';
import { commandResultText, lockRoom, messageResultText, messageRoom, targetsPhrase, unlockRoom, watchMessageReceipts, type Targets } from './live-commands.ts';
import { pruneSelection, roomCounts, type ConnectionState } from './live-state.ts';
import { RoomToolbar } from './room-toolbar.tsx';
import { useLiveRoom } from './use-live-room.ts';

type OpenDialog = { readonly kind: 'lock' | 'message'; readonly targets: Targets } | undefined;

const connectionText: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost, reconnecting…',
  closed: 'Disconnected',
};

/** One room's screens: the teacher's main page. Mount with `key={roomId}`. */
export function RoomPage(props: { readonly roomId: string }): JSX.Element {
  const { state, frames, setFocus } = useLiveRoom(props.roomId);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openDevice, setOpenDevice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(undefined);
  const [status, setStatus] = useState<{ text: string; error: boolean } | undefined>();
  const now = useNow(1000);
  const roomName = state.room?.name ?? 'Room';
  usePageTitle(`Live: ${roomName}`);

  useEffect(() => setSelected((previous) => pruneSelection(previous, state.devices)), [state.devices]);

  // After a message: which PCs said they put it on screen (polled until each has answered).
  const stopWatching = useRef<() => void>(() => {});
  useEffect(() => () => stopWatching.current(), []);
  const sendMessage = async (targets: Targets, text: string) => {
    stopWatching.current();
    const response = await messageRoom(props.roomId, targets, text);
    stopWatching.current = watchMessageReceipts(props.roomId, response, (receipts, waiting) =>
      setStatus({ text: messageResultText(response, receipts, waiting), error: false }),
    );
  };

  const select = useCallback((deviceId: string, on: boolean) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(deviceId);
      else next.delete(deviceId);
      return next;
    });
  }, []);

  const open = useCallback(
    (deviceId: string | null) => {
      setOpenDevice(deviceId);
      setFocus(deviceId);
    },
    [setFocus],
  );

  const hostnameOf = (id: string) => state.devices.find((d) => d.id === id)?.hostname;
  const phrase = (targets: Targets) => targetsPhrase(targets, state.devices.length, roomName, hostnameOf);
  const selectedTargets = (): Targets => (selected.size === 0 ? undefined : [...selected]);

  const unlock = async (targets: Targets) => {
    setStatus(undefined);
    try {
      setStatus({ text: commandResultText('unlock', await unlockRoom(props.roomId, targets)), error: false });
    } catch (error) {
      setStatus({ text: `Unlock failed: ${describeError(error)}`, error: true });
    }
  };

  const device = openDevice === null ? undefined : state.devices.find((d) => d.id === openDevice);
  const counts = roomCounts(state.devices);
  const forbidden = state.problem !== undefined && state.room === undefined;

  return (
    <section className="page page-live" aria-labelledby="room-heading">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/live">All rooms</Link> <span aria-hidden="true">›</span> <span aria-current="page">{roomName}</span>
      </nav>
      <div className="page-header">
        <h1 id="room-heading">{roomName}</h1>
        <p className={`connection connection-${state.connection}`} data-testid="live-connection" role="status">
          <span className="connection-dot" aria-hidden="true" />
          {connectionText[state.connection]}
        </p>
      </div>

      {state.problem !== undefined && <ErrorBanner error={new Error(state.problem.message)} title={forbidden ? 'This room cannot be shown.' : undefined} />}

      {state.room === undefined && !forbidden && <Loading label="Connecting to the room…" />}

      {state.room !== undefined && (
        <>
          <p className="room-summary" aria-live="polite" aria-atomic="true" data-testid="room-summary">
            {computers(counts.total)} · {counts.online} online · {counts.locked} locked · {counts.idle} idle
          </p>
          <RoomToolbar
            total={state.devices.length}
            selectedCount={selected.size}
            onSelectAll={(on) => setSelected(on ? new Set(state.devices.map((d) => d.id)) : new Set())}
            onLockSelected={() => setDialog({ kind: 'lock', targets: [...selected] })}
            onLockAll={() => setDialog({ kind: 'lock', targets: undefined })}
            onUnlock={() => void unlock(selectedTargets())}
            onMessage={() => setDialog({ kind: 'message', targets: selectedTargets() })}
          />
          <p className={status?.error === true ? 'command-status command-status-error' : 'command-status'} role="status" data-testid="live-status">
            {status?.text ?? ''}
          </p>
          {state.devices.length === 0 ? (
            <p className="empty">No computers are in this room yet. An administrator adds them by enrolling PCs with a token for this room.</p>
          ) : (
            <div className="tile-grid" data-testid="tile-grid">
              {state.devices.map((d) => (
                <DeviceTileView
                  key={d.id}
                  device={d}
                  frames={frames}
                  selected={selected.has(d.id)}
                  now={d.lock?.until != null ? now : 0}
                  onSelect={select}
                  onOpen={open}
                />
              ))}
            </div>
          )}
        </>
      )}

      {device !== undefined && (
        <DeviceDialog
          device={device}
          frames={frames}
          now={now}
          onClose={() => open(null)}
          onLock={() => setDialog({ kind: 'lock', targets: [device.id] })}
          onUnlock={() => void unlock([device.id])}
          onMessage={() => setDialog({ kind: 'message', targets: [device.id] })}
        />
      )}

      {dialog?.kind === 'lock' && (
        <LockDialog
          targetsText={phrase(dialog.targets)}
          onClose={() => setDialog(undefined)}
          onLock={async (message, minutes) =>
            setStatus({ text: commandResultText('lock', await lockRoom(props.roomId, dialog.targets, message, minutes)), error: false })
          }
        />
      )}
      {dialog?.kind === 'message' && (
        <MessageDialog targetsText={phrase(dialog.targets)} onClose={() => setDialog(undefined)} onSend={(text) => sendMessage(dialog.targets, text)} />
      )}
    </section>
  );
}
