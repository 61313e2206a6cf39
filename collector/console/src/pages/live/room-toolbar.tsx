import { useEffect, useRef, type JSX } from 'react';

export interface RoomToolbarProps {
  readonly total: number;
  readonly selectedCount: number;
  readonly onSelectAll: (on: boolean) => void;
  readonly onLockSelected: () => void;
  readonly onLockAll: () => void;
  readonly onUnlock: () => void;
  readonly onMessage: () => void;
}

/**
 * The room's actions. "Lock selected" and "Lock all" say their scope in their names;
 * "Unlock" and "Send message" act on the selection, or on the whole room when nothing
 * is selected, and the line under the buttons says which.
 */
export function RoomToolbar(props: RoomToolbarProps): JSX.Element {
  const selectAll = useRef<HTMLInputElement>(null);
  const all = props.total > 0 && props.selectedCount === props.total;
  const some = props.selectedCount > 0 && !all;

  useEffect(() => {
    if (selectAll.current !== null) selectAll.current.indeterminate = some;
  }, [some]);

  const scope =
    props.selectedCount === 0
      ? 'Unlock and Send message act on every computer in the room. Tick computers to act on some of them.'
      : `Unlock and Send message act on the ${props.selectedCount} selected ${props.selectedCount === 1 ? 'computer' : 'computers'}.`;

  return (
    <div className="room-toolbar">
      <div className="toolbar-row">
        <label className="check-label">
          <input ref={selectAll} type="checkbox" checked={all} onChange={(e) => props.onSelectAll(e.target.checked)} disabled={props.total === 0} />
          Select all
        </label>
        <span className="selected-count" data-testid="selected-count">
          {props.selectedCount} selected
        </span>
        <div className="button-row">
          <button type="button" className="button button-danger" onClick={props.onLockSelected} disabled={props.selectedCount === 0}>
            Lock selected
          </button>
          <button type="button" className="button button-danger" onClick={props.onLockAll} disabled={props.total === 0}>
            Lock all
          </button>
          <button type="button" className="button button-secondary" onClick={props.onUnlock} disabled={props.total === 0} aria-describedby="toolbar-scope">
            Unlock
          </button>
          <button type="button" className="button button-secondary" onClick={props.onMessage} disabled={props.total === 0} aria-describedby="toolbar-scope">
            Send message
          </button>
        </div>
      </div>
      <p className="toolbar-scope" id="toolbar-scope">
        {scope}
      </p>
    </div>
  );
}
