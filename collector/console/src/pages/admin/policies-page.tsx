import { useId, useState, type JSX } from 'react';
import { Field } from '../../components/field.tsx';
import { Loading } from '../../components/loading.tsx';
import { Options } from '../../components/options.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { triageApi } from '../triage/triage-api.ts';
import { roomsOfSite } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { PolicyScope } from './admin-types.ts';
import { PolicyEditor } from './policy-editor.tsx';

const SCOPE_LABELS: Readonly<Record<PolicyScope, string>> = { site: 'The whole site', room: 'One room', device: 'One computer' };

/** Policies: pick a site, room or computer, then edit the settings overridden there. */
export function PoliciesPage(): JSX.Element {
  usePageTitle('Policies');
  const id = useId();
  const sites = useLoad(() => adminApi.sites(), 'sites');
  const rooms = useLoad(() => adminApi.rooms(), 'rooms');
  const devices = useLoad(() => adminApi.devices(), 'devices');
  const categories = useLoad(() => triageApi.categories(), 'categories');
  const { message, announce, statusRef } = useAnnouncer();

  const [siteChoice, setSiteChoice] = useState('');
  const [scope, setScope] = useState<PolicyScope>('site');
  const [roomId, setRoomId] = useState('');
  const [deviceId, setDeviceId] = useState('');

  const siteId = siteChoice !== '' ? siteChoice : (sites.data?.sites[0]?.id ?? '');
  const siteRooms = roomsOfSite(rooms.data?.rooms ?? [], siteId);
  const siteDevices = (devices.data?.devices ?? [])
    .filter((device) => device.siteId === siteId && !device.retired)
    .sort((a, b) => a.hostname.localeCompare(b.hostname, 'en-GB', { numeric: true }));
  const scopeId = scope === 'site' ? siteId : scope === 'room' ? roomId : deviceId;

  const scopeName =
    scope === 'site'
      ? (sites.data?.sites.find((site) => site.id === siteId)?.name ?? 'this site')
      : scope === 'room'
        ? `room ${siteRooms.find((room) => room.id === roomId)?.name ?? ''}`
        : (siteDevices.find((device) => device.id === deviceId)?.hostname ?? 'this computer');

  return (
    <section className="page" aria-labelledby="policies-heading">
      <h1 id="policies-heading">Policies</h1>
      <p>
        Settings are layered: a computer gets its site’s policy, changed by its room’s, changed by its own. Only the settings you override at a level are stored
        there; the rest are inherited.
      </p>
      <StatusLine message={message} statusRef={statusRef} />
      {sites.error !== undefined && <LoadFailure error={sites.error} what="edit policies" onRetry={sites.reload} />}
      {sites.loading && sites.data === undefined && <Loading label="Loading sites…" />}

      {sites.data !== undefined && (
        <form className="card form-grid" onSubmit={(event) => event.preventDefault()} aria-labelledby={`${id}-scope-heading`}>
          <h2 id={`${id}-scope-heading`} className="form-heading">
            Which computers
          </h2>
          <Field id={`${id}-site`} label="Site">
            <select
              id={`${id}-site`}
              value={siteId}
              onChange={(e) => {
                setSiteChoice(e.target.value);
                setRoomId('');
                setDeviceId('');
              }}
            >
              <Options items={sites.data.sites} label={(site) => site.name} />
            </select>
          </Field>
          <fieldset className="field">
            <legend>Apply to</legend>
            {(['site', 'room', 'device'] as const).map((value) => (
              <label key={value} className="check-label">
                <input type="radio" name={`${id}-scope`} value={value} checked={scope === value} onChange={() => setScope(value)} />
                {SCOPE_LABELS[value]}
              </label>
            ))}
          </fieldset>
          {scope === 'room' && (
            <Field id={`${id}-room`} label="Room">
              <select id={`${id}-room`} value={roomId} onChange={(e) => setRoomId(e.target.value)}>
                <option value="">Choose a room</option>
                <Options items={siteRooms} label={(room) => room.name} />
              </select>
            </Field>
          )}
          {scope === 'device' && (
            <Field id={`${id}-device`} label="Computer">
              <select id={`${id}-device`} value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
                <option value="">Choose a computer</option>
                {siteDevices.map((device) => (
                  <option key={device.id} value={device.id}>
                    {device.hostname}
                    {device.roomName === null ? '' : ` (${device.roomName})`}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </form>
      )}

      {scopeId !== '' && (
        <PolicyEditor
          key={`${scope}:${scopeId}`}
          scope={scope}
          scopeId={scopeId}
          scopeName={scopeName}
          categories={categories.data?.categories ?? []}
          announce={announce}
        />
      )}
    </section>
  );
}
