import type { JSX } from 'react';
import type { RoomSummary } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import { useApiData } from '../../api/use-api.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { Link } from '../../router.tsx';

/** Rooms grouped by site, each sorted by name (natural order: "Room 2" before "Room 10"). */
export function groupRoomsBySite(rooms: readonly RoomSummary[]): { siteName: string; rooms: RoomSummary[] }[] {
  const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });
  const sites = new Map<string, RoomSummary[]>();
  for (const room of rooms) {
    const list = sites.get(room.siteName) ?? [];
    list.push(room);
    sites.set(room.siteName, list);
  }
  return [...sites.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([siteName, list]) => ({ siteName, rooms: list.sort((a, b) => collator.compare(a.name, b.name)) }));
}

/** The room picker: the rooms this user may watch (a teacher: their own). */
export function RoomsPage(): JSX.Element {
  usePageTitle('Live');
  const rooms = useApiData(() => api.get<{ rooms: RoomSummary[] }>('/api/rooms'), []);
  const groups = rooms.data === undefined ? [] : groupRoomsBySite(rooms.data.rooms);
  const manySites = groups.length > 1;

  return (
    <section className="page" aria-labelledby="rooms-heading">
      <h1 id="rooms-heading">Live view</h1>
      <p className="lede">Choose a room to see its screens, lock them or send a message.</p>
      {rooms.error !== undefined && <ErrorBanner error={rooms.error} onRetry={rooms.reload} />}
      {rooms.loading && rooms.data === undefined && <Loading label="Loading rooms…" />}
      {rooms.data !== undefined && rooms.data.rooms.length === 0 && (
        <p className="empty">You have no rooms yet. Ask your Vigil administrator to assign your classroom to you.</p>
      )}
      {groups.map((group) => (
        <div key={group.siteName} className="room-group">
          {manySites && <h2>{group.siteName}</h2>}
          <ul className="room-list">
            {group.rooms.map((room) => (
              <li key={room.id}>
                <Link to={`/live/${encodeURIComponent(room.id)}`} className="room-card" data-testid={`room-${room.id}`}>
                  <span className="room-name">{room.name}</span>
                  <span className="room-meta">
                    {room.onlineCount} of {room.deviceCount} online
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
