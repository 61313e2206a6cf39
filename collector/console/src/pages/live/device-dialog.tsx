import type { JSX } from 'react';
import type { DeviceTile } from '@vigil/shared/console';
import { extraProfileEmail } from '../../components/device-kind.ts';
import { DeviceKindTag } from '../../components/device-kind-tag.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import type { FrameStore } from './frame-store.ts';
import { idleText, keyboardWarning, lockCountdownText, storageWarning, tileBadges } from './tile-status.ts';
import { useFrame } from './use-frame.ts';

export interface DeviceDialogProps {
  readonly device: DeviceTile;
  readonly frames: FrameStore;
  readonly now: number;
  readonly onClose: () => void;
  readonly onLock: () => void;
  readonly onUnlock: () => void;
  readonly onMessage: () => void;
}

/** The larger view of one PC: the focus stream (bigger, faster pictures) and its details. */
export function DeviceDialog(props: DeviceDialogProps): JSX.Element {
  const { device } = props;
  const frame = useFrame(props.frames, device.id);
  const countdown = lockCountdownText(device, props.now);
  const idle = idleText(device);
  const warning = keyboardWarning(device);
  const storage = storageWarning(device);
  const profileEmail = extraProfileEmail(device.osUser, device.profileEmail);

  return (
    <Dialog title={device.hostname} onClose={props.onClose} wide testId="device-dialog">
      <div className="device-view">
        <div className="device-screen">
          {frame !== undefined ? (
            <img src={frame.url} alt={`Screen of ${device.hostname}`} width={frame.width} height={frame.height} />
          ) : (
            <p className="tile-placeholder">{device.connection === 'online' ? 'Waiting for a picture…' : 'No picture (PC offline)'}</p>
          )}
        </div>
        <div className="device-side">
          <ul className="badges" aria-label="State">
            {tileBadges(device).map((badge) => (
              <li key={badge.key} className={`badge badge-${badge.tone}`}>
                {badge.label}
              </li>
            ))}
          </ul>
          {countdown !== undefined && <p className="tile-countdown">{countdown}</p>}
          {device.lock?.message != null && device.lock.message !== '' && (
            <p>
              <span className="label">Lock message:</span> {device.lock.message}
            </p>
          )}
          <dl className="facts">
            <dt>User</dt>
            <dd>{device.osUser ?? 'Nobody signed in'}</dd>
            {profileEmail !== undefined && (
              <>
                <dt>Browser profile</dt>
                <dd className="break-anywhere">{profileEmail}</dd>
              </>
            )}
            <dt>App</dt>
            <dd>{device.app ?? '—'}</dd>
            <dt>Window</dt>
            <dd className="break-anywhere">{device.title ?? '—'}</dd>
            <dt>System</dt>
            <dd>
              <DeviceKindTag device={device} />
              {device.browser === null ? '' : ` ${device.browser}`}
            </dd>
            {idle !== undefined && (
              <>
                <dt>Activity</dt>
                <dd>{idle}</dd>
              </>
            )}
            <dt>Last seen</dt>
            <dd>{device.lastSeenAt === null ? 'Never' : device.connection === 'online' ? 'Now' : <RelativeTime at={device.lastSeenAt} />}</dd>
          </dl>
          {warning !== undefined && <p className="tile-warning">{warning}: typed words are not checked on this PC.</p>}
          {storage !== undefined && <p className="tile-warning">{storage}. A lost record is counted; free space on this PC.</p>}
          <div className="button-stack">
            <button type="button" className="button button-danger" onClick={props.onLock}>
              Lock this computer
            </button>
            <button type="button" className="button button-secondary" onClick={props.onUnlock}>
              Unlock this computer
            </button>
            <button type="button" className="button button-secondary" onClick={props.onMessage}>
              Send a message to this computer
            </button>
          </div>
        </div>
      </div>
    </Dialog>
  );
}
