import { memo, type JSX, type MouseEvent } from 'react';
import type { DeviceTile } from '@vigil/shared/console';
import { extraProfileEmail } from '../../components/device-kind.ts';
import { DeviceKindTag } from '../../components/device-kind-tag.tsx';
import type { FrameStore } from './frame-store.ts';
import { keyboardWarning, lockCountdownText, storageWarning, tileBadges } from './tile-status.ts';
import { useFrame } from './use-frame.ts';
import { isLocked } from './live-state.ts';
import { pupilLabel } from '../pupils/pupil-format.ts';

export interface DeviceTileProps {
  readonly device: DeviceTile;
  readonly frames: FrameStore;
  readonly selected: boolean;
  readonly now: number;
  readonly onSelect: (deviceId: string, selected: boolean) => void;
  readonly onOpen: (deviceId: string) => void;
}

/**
 * One computer of the room (a PC, or a browser agent on a Chromebook or in Chrome/Edge). Everything from the PC (host name, user, app, window title) is
 * rendered as text by React; nothing here interprets it as HTML.
 */
export const DeviceTileView = memo(function DeviceTileView(props: DeviceTileProps): JSX.Element {
  const { device } = props;
  const frame = useFrame(props.frames, device.id);
  const nameId = `tile-name-${device.id}`;
  const countdown = lockCountdownText(device, props.now);
  const warning = keyboardWarning(device);
  const storage = storageWarning(device);
  const locked = isLocked(device);
  const profileEmail = extraProfileEmail(device.osUser, device.profileEmail);

  // The whole tile opens the larger view on a pointer click; keyboard users have the
  // picture's button (one tab stop per action, no nested interactive elements).
  const clickTile = (event: MouseEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, button, a, label') !== null) return;
    props.onOpen(device.id);
  };

  return (
    <article
      className={`tile tile-${device.connection}${locked ? ' tile-locked' : ''}${props.selected ? ' tile-selected' : ''}`}
      data-testid={`tile-${device.id}`}
      data-connection={device.connection}
      data-agent-gone={device.agentGone === true ? 'true' : undefined}
      data-locked={locked ? 'true' : 'false'}
      aria-labelledby={nameId}
      onClick={clickTile}
    >
      <button type="button" className="tile-screen" onClick={() => props.onOpen(device.id)} aria-label={`Enlarge ${device.hostname}`}>
        {frame !== undefined ? (
          <img src={frame.url} alt="" width={frame.width} height={frame.height} draggable={false} />
        ) : (
          <span className="tile-placeholder">{device.connection === 'online' ? 'Waiting for a picture…' : 'No picture (PC offline)'}</span>
        )}
      </button>
      <div className="tile-body">
        <div className="tile-heading">
          <input
            type="checkbox"
            className="tile-check"
            checked={props.selected}
            onChange={(e) => props.onSelect(device.id, e.target.checked)}
            aria-label={`Select ${device.hostname}`}
          />
          <h3 id={nameId} className="tile-name" title={device.hostname}>
            {device.hostname}
          </h3>
        </div>
        <p className="tile-kind">
          <DeviceKindTag device={device} testId="tile-kind" />
        </p>
        <ul className="badges" aria-label={`State of ${device.hostname}`}>
          {tileBadges(device).map((badge) => (
            <li key={badge.key} className={`badge badge-${badge.tone}`} data-testid={`tile-${badge.key}`} data-tone={badge.tone} title={badge.help}>
              {badge.label}
            </li>
          ))}
        </ul>
        {countdown !== undefined && (
          <p className="tile-countdown" data-testid="tile-countdown">
            {countdown}
          </p>
        )}
        <dl className="tile-facts">
          <dt>User</dt>
          <dd title={device.osUser ?? undefined}>{device.osUser ?? 'Nobody signed in'}</dd>
          {device.pupil !== undefined && device.pupil !== null && (
            <>
              <dt>Pupil</dt>
              <dd title={pupilLabel(device.pupil)} data-testid="tile-pupil">
                {pupilLabel(device.pupil)}
              </dd>
            </>
          )}
          {profileEmail !== undefined && (
            <>
              <dt>Profile</dt>
              <dd title={profileEmail} data-testid="tile-profile-email">
                {profileEmail}
              </dd>
            </>
          )}
          <dt>App</dt>
          <dd title={device.app ?? undefined}>{device.app ?? '—'}</dd>
          <dt>Window</dt>
          <dd className="tile-title" title={device.title ?? undefined}>
            {device.title ?? '—'}
          </dd>
        </dl>
        {warning !== undefined && (
          <p className="tile-warning" data-testid="tile-keyboard-warning">
            <span aria-hidden="true">⚠ </span>
            {warning}
          </p>
        )}
        {storage !== undefined && (
          <p className="tile-warning" data-testid="tile-storage-warning">
            <span aria-hidden="true">⚠ </span>
            {storage}
          </p>
        )}
      </div>
    </article>
  );
});
