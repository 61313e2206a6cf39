import { useEffect, useId, useRef, useState, type FormEvent, type JSX } from 'react';
import type { RoomSummary } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Field } from '../../components/field.tsx';
import { Options } from '../../components/options.tsx';
import { SingleFieldForm } from '../../components/single-field-form.tsx';
import { ConfirmDialog, RowButton, roomsOfSite } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { Site } from './admin-types.ts';
import type { Announce } from '../triage/page-kit.tsx';

export interface RoomsTableProps {
  readonly sites: readonly Site[];
  readonly rooms: readonly RoomSummary[];
  readonly announce: Announce;
  readonly onChanged: () => void;
}

/** The rooms of each site, with create, rename and delete (only while empty). */
export function RoomsTable(props: RoomsTableProps): JSX.Element {
  const [renaming, setRenaming] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<RoomSummary | undefined>();
  // After "Cancel" on a rename, focus goes back to that room's Rename button.
  const [refocus, setRefocus] = useState<string | undefined>();
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (refocus === undefined) return;
    [...(container.current?.querySelectorAll<HTMLButtonElement>('button[data-rename-room]') ?? [])]
      .find((button) => button.dataset['renameRoom'] === refocus)
      ?.focus();
    setRefocus(undefined);
  }, [refocus]);

  return (
    <div ref={container}>
      <CreateRoomForm sites={props.sites} announce={props.announce} onCreated={props.onChanged} />
      {props.sites.length === 0 && <p>There are no sites yet. An administrator creates sites first.</p>}
      {props.sites.map((site) => {
        const rooms = roomsOfSite(props.rooms, site.id);
        return (
          <div key={site.id} className="site-block">
            <h2>{site.name}</h2>
            {rooms.length === 0 ? (
              <p>No rooms at this site yet.</p>
            ) : (
              <DataTable
                testId={`rooms-table-${site.id}`}
                caption={`Rooms at ${site.name}`}
                columns={['Room', 'Computers', 'Online now', 'Actions']}
                wrap={false}
              >
                {rooms.map((room) => (
                  <tr key={room.id} data-testid={`room-row-${room.id}`}>
                    <th scope="row">
                      {renaming === room.id ? (
                        <RenameRoomForm
                          room={room}
                          onDone={(renamed) => {
                            setRenaming(undefined);
                            if (renamed === undefined) setRefocus(room.id);
                            else {
                              props.announce(`Room renamed to ${renamed}.`, { focus: true });
                              props.onChanged();
                            }
                          }}
                        />
                      ) : (
                        room.name
                      )}
                    </th>
                    <td>{room.deviceCount}</td>
                    <td>{room.onlineCount}</td>
                    <td className="cell-actions">
                      {renaming !== room.id && (
                        <RowButton hiddenText={room.name} onClick={() => setRenaming(room.id)} data-rename-room={room.id}>
                          Rename
                        </RowButton>
                      )}
                      {room.deviceCount === 0 ? (
                        <RowButton hiddenText={room.name} danger onClick={() => setDeleting(room)}>
                          Delete
                        </RowButton>
                      ) : (
                        <span className="field-help">Move its computers out to delete it</span>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </div>
        );
      })}
      {deleting !== undefined && (
        <ConfirmDialog
          title={`Delete room ${deleting.name}?`}
          confirmLabel="Delete room"
          danger
          testId="delete-room-dialog"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await adminApi.deleteRoom(deleting.id);
            props.announce(`Room ${deleting.name} deleted.`, { focus: true });
            props.onChanged();
          }}
        >
          <p>The room has no computers. Teachers assigned to it lose it from their live view.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function CreateRoomForm(props: { readonly sites: readonly Site[]; readonly announce: Announce; readonly onCreated: () => void }): JSX.Element | null {
  const id = useId();
  const [siteId, setSiteId] = useState('');
  const chosenSite = siteId !== '' ? siteId : (props.sites[0]?.id ?? '');
  if (props.sites.length === 0) return null;

  return (
    <SingleFieldForm
      heading="Add a room"
      label="Room name"
      submitLabel="Create room"
      emptyProblem="Give the room a name."
      maxLength={100}
      onSubmit={async (name) => {
        await adminApi.createRoom(chosenSite, name);
        props.announce(`Room ${name} created.`);
        props.onCreated();
      }}
    >
      {props.sites.length > 1 && (
        <Field id={`${id}-site`} label="Site">
          <select id={`${id}-site`} value={chosenSite} onChange={(e) => setSiteId(e.target.value)}>
            <Options items={props.sites} label={(site) => site.name} />
          </select>
        </Field>
      )}
    </SingleFieldForm>
  );
}

function RenameRoomForm(props: { readonly room: RoomSummary; readonly onDone: (renamedTo: string | undefined) => void }): JSX.Element {
  const id = useId();
  const [name, setName] = useState(props.room.name);
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setProblem('Give the room a name.');
      return;
    }
    setBusy(true);
    try {
      await adminApi.renameRoom(props.room.id, trimmed);
      props.onDone(trimmed);
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-name`} className="visually-hidden">
        New name for {props.room.name}
      </label>
      {/* Focus goes to the field the user asked to edit. */}
      <input
        id={`${id}-name`}
        type="text"
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onDone(undefined);
        }}
        autoFocus
      />
      <button type="submit" className="button button-primary button-small" disabled={busy}>
        Save name
      </button>
      <button type="button" className="button button-secondary button-small" onClick={() => props.onDone(undefined)}>
        Cancel
      </button>
      {problem !== undefined && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
