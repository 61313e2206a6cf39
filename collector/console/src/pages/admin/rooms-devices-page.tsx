import { useState, type JSX } from 'react';
import type { DeviceRow } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { hasRole, useSession } from '../../session.tsx';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { ConfirmDialog } from './admin-kit.tsx';
import { AddSiteForm } from './add-site-form.tsx';
import { adminApi } from './admin-api.ts';
import { DevicesTable } from './devices-table.tsx';
import { RoomsTable } from './rooms-table.tsx';

/** Rooms per site (create, rename, delete when empty) and every device (move, retire). */
export function RoomsDevicesPage(): JSX.Element {
  usePageTitle('Rooms & devices');
  const sites = useLoad(() => adminApi.sites(), 'sites');
  const rooms = useLoad(() => adminApi.rooms(), 'rooms');
  const devices = useLoad(() => adminApi.devices(), 'devices');
  const { message, announce, statusRef } = useAnnouncer();
  const { me } = useSession();
  const [retiring, setRetiring] = useState<DeviceRow | undefined>();

  const reloadAll = () => {
    rooms.reload();
    devices.reload();
  };

  const moveDevice = async (device: DeviceRow, roomId: string | null) => {
    try {
      await adminApi.updateDevice(device.id, { roomId });
      const room = rooms.data?.rooms.find((candidate) => candidate.id === roomId);
      announce(`${device.hostname} moved to ${room === undefined ? 'no room' : room.name}.`, { focus: true });
      reloadAll();
    } catch (error) {
      announce(`Could not move ${device.hostname}: ${describeError(error)}`);
    }
  };

  const reinstate = async (device: DeviceRow) => {
    try {
      await adminApi.updateDevice(device.id, { retired: false });
      announce(`${device.hostname} reinstated.`, { focus: true });
      reloadAll();
    } catch (error) {
      announce(`Could not reinstate ${device.hostname}: ${describeError(error)}`);
    }
  };

  const failure = sites.error ?? rooms.error;
  return (
    <section className="page" aria-labelledby="rooms-heading">
      <h1 id="rooms-heading">Rooms &amp; devices</h1>
      <StatusLine message={message} statusRef={statusRef} />
      {failure !== undefined && <LoadFailure error={failure} what="manage rooms" onRetry={reloadAll} />}
      {(sites.loading || rooms.loading) && (sites.data === undefined || rooms.data === undefined) && <Loading label="Loading rooms…" />}
      {sites.data !== undefined && hasRole(me, 'admin') && <AddSiteForm first={sites.data.sites.length === 0} announce={announce} onCreated={sites.reload} />}
      {sites.data !== undefined && rooms.data !== undefined && (
        <RoomsTable sites={sites.data.sites} rooms={rooms.data.rooms} announce={announce} onChanged={reloadAll} />
      )}

      <h2 id="devices-heading">Devices</h2>
      {devices.error !== undefined && <LoadFailure error={devices.error} what="see the devices" onRetry={devices.reload} />}
      {devices.loading && devices.data === undefined && <Loading label="Loading devices…" />}
      {devices.data !== undefined && (
        <DevicesTable
          devices={devices.data.devices}
          rooms={rooms.data?.rooms ?? []}
          sites={sites.data?.sites ?? []}
          onMove={(device, roomId) => void moveDevice(device, roomId)}
          onRetire={setRetiring}
          onReinstate={(device) => void reinstate(device)}
        />
      )}

      {retiring !== undefined && (
        <ConfirmDialog
          title={`Retire ${retiring.hostname}?`}
          confirmLabel="Retire computer"
          danger
          testId="retire-dialog"
          onClose={() => setRetiring(undefined)}
          onConfirm={async () => {
            await adminApi.updateDevice(retiring.id, { retired: true });
            announce(`${retiring.hostname} retired.`, { focus: true });
            reloadAll();
          }}
        >
          <p>A retired computer is taken off the room lists and its agent is no longer accepted. Its past alerts are kept. You can reinstate it later.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
