import { useId, useMemo, useState, type JSX } from 'react';
import type { DeviceRow, RoomSummary } from '@vigil/shared/console';
import { DataTable } from '../../components/data-table.tsx';
import { extraProfileEmail } from '../../components/device-kind.ts';
import { DeviceKindTag } from '../../components/device-kind-tag.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { Hidden, RowButton, siteName } from './admin-kit.tsx';
import type { Site } from './admin-types.ts';
import { DEVICE_STATUS_LABELS, previousExitText } from './device-status.ts';

export interface DevicesTableProps {
  readonly devices: readonly DeviceRow[];
  readonly rooms: readonly RoomSummary[];
  readonly sites: readonly Site[];
  readonly onMove: (device: DeviceRow, roomId: string | null) => void;
  readonly onRetire: (device: DeviceRow) => void;
  readonly onReinstate: (device: DeviceRow) => void;
}

const UNASSIGNED = '__none__';

/** Every enrolled computer: health, last seen, previous exit, and its room (moved with "Move"). */
export function DevicesTable(props: DevicesTableProps): JSX.Element {
  const id = useId();
  const [roomFilter, setRoomFilter] = useState('');
  const [text, setText] = useState('');
  const [showRetired, setShowRetired] = useState(false);
  // The room picked in each row's select, until "Move" sends it.
  const [picked, setPicked] = useState<Readonly<Record<string, string>>>({});

  const shown = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase('en-GB');
    return props.devices
      .filter((device) => showRetired || !device.retired)
      .filter((device) => roomFilter === '' || (roomFilter === UNASSIGNED ? device.roomId === null : device.roomId === roomFilter))
      .filter(
        (device) =>
          needle === '' || [device.hostname, device.lastOsUser, device.profileEmail].some((text) => (text ?? '').toLocaleLowerCase('en-GB').includes(needle)),
      )
      .sort((a, b) => a.hostname.localeCompare(b.hostname, 'en-GB', { numeric: true, sensitivity: 'base' }));
  }, [props.devices, roomFilter, text, showRetired]);

  return (
    <>
      <div className="inline-form" role="search" aria-label="Filter devices">
        <div className="field">
          <label htmlFor={`${id}-room`}>Show computers in</label>
          <select id={`${id}-room`} value={roomFilter} onChange={(e) => setRoomFilter(e.target.value)}>
            <option value="">All rooms</option>
            <option value={UNASSIGNED}>No room yet</option>
            {props.rooms.map((room) => (
              <option key={room.id} value={room.id}>
                {room.siteName} · {room.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Computer or user name</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <label className="check-label">
          <input type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} />
          Show retired computers
        </label>
      </div>
      <p>
        {shown.length} of {props.devices.length} computers shown.
      </p>
      {shown.length > 0 && (
        <DataTable
          testId="devices-table"
          caption="Computers"
          columns={['Computer', 'Status', 'Last seen', 'Last user', 'Previous exit', 'System', 'Room', 'Actions']}
        >
          {shown.map((device) => {
            const current = device.roomId ?? UNASSIGNED;
            const choice = picked[device.id] ?? current;
            const siteRooms = props.rooms.filter((room) => room.siteId === device.siteId);
            const profileEmail = extraProfileEmail(device.lastOsUser, device.profileEmail);
            return (
              <tr key={device.id} data-testid={`device-row-${device.id}`} data-status={device.status}>
                <th scope="row">
                  {device.hostname}
                  {device.retired && <span className="tag">Retired</span>}
                </th>
                <td>
                  <span className={`device-status device-status-${device.status}`}>{DEVICE_STATUS_LABELS[device.status]}</span>
                </td>
                <td>{device.lastSeenAt === null ? 'Never' : <RelativeTime at={device.lastSeenAt} />}</td>
                <td>
                  {device.lastOsUser ?? '—'}
                  {profileEmail !== undefined && <span className="field-help">Profile: {profileEmail}</span>}
                </td>
                <td className={device.previousExit === 'silent' ? 'text-warning' : undefined}>{previousExitText(device.previousExit)}</td>
                <td>
                  <DeviceKindTag device={device} testId={`device-kind-${device.id}`} /> {device.os}
                  {device.osVersion === null ? '' : ` ${device.osVersion}`}
                  {device.browser === null ? '' : ` · ${device.browser}`}
                  {device.agentVersion === null ? '' : ` · agent ${device.agentVersion}`}
                </td>
                <td>
                  <div className="inline-form">
                    <label htmlFor={`${id}-move-${device.id}`} className="visually-hidden">
                      Room for {device.hostname}
                    </label>
                    <select
                      id={`${id}-move-${device.id}`}
                      value={choice}
                      disabled={device.retired}
                      onChange={(e) => setPicked((previous) => ({ ...previous, [device.id]: e.target.value }))}
                      data-testid={`device-room-${device.id}`}
                    >
                      <option value={UNASSIGNED}>No room</option>
                      {siteRooms.map((room) => (
                        <option key={room.id} value={room.id}>
                          {room.name}
                        </option>
                      ))}
                    </select>
                    {choice !== current && (
                      <button
                        type="button"
                        className="button button-primary button-small"
                        onClick={() => {
                          setPicked((previous) => {
                            const next = { ...previous };
                            delete next[device.id];
                            return next;
                          });
                          props.onMove(device, choice === UNASSIGNED ? null : choice);
                        }}
                      >
                        Move<Hidden> {device.hostname}</Hidden>
                      </button>
                    )}
                  </div>
                  {props.sites.length > 1 && <span className="field-help">{siteName(props.sites, device.siteId)}</span>}
                </td>
                <td className="cell-actions">
                  {device.retired ? (
                    <RowButton hiddenText={device.hostname} onClick={() => props.onReinstate(device)}>
                      Reinstate
                    </RowButton>
                  ) : (
                    <RowButton hiddenText={device.hostname} danger onClick={() => props.onRetire(device)}>
                      Retire
                    </RowButton>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </>
  );
}
