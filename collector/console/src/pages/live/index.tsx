import type { JSX } from 'react';
import { matchPath } from '../../router.tsx';
import { NotFound } from '../../components/not-allowed.tsx';
import { RoomPage } from './room-page.tsx';
import { RoomsPage } from './rooms-page.tsx';

/** `/live` (room picker) and `/live/:roomId` (the room's screens). */
export function LiveRoutes(props: { readonly path: string; readonly home: string }): JSX.Element {
  if (matchPath('/live', props.path) !== undefined) return <RoomsPage />;
  const room = matchPath('/live/:roomId', props.path);
  if (room?.['roomId'] !== undefined) return <RoomPage key={room['roomId']} roomId={room['roomId']} />;
  return <NotFound home={props.home} />;
}
