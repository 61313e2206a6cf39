import { useState, type ComponentPropsWithoutRef, type JSX, type ReactNode } from 'react';
import type { RoomSummary } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import type { Site } from './admin-types.ts';

// Pieces the administration pages share.

/** Text only screen readers hear, e.g. the computer a row's "Retire" button acts on. */
export function Hidden(props: { readonly children: ReactNode }): JSX.Element {
  return <span className="visually-hidden">{props.children}</span>;
}

export interface RowButtonProps extends Omit<ComponentPropsWithoutRef<'button'>, 'type' | 'className'> {
  /** What the button acts on, for screen readers only (the row shows it), e.g. the host name. */
  readonly hiddenText: string;
  /** Red, for removing or disabling something. */
  readonly danger?: boolean;
}

/** A small button in a table row; its accessible name says which row, e.g. "Retire PC-07". */
export function RowButton(props: RowButtonProps): JSX.Element {
  const { hiddenText, danger, children, ...rest } = props;
  return (
    <button type="button" className={danger === true ? 'button button-danger button-small' : 'button button-secondary button-small'} {...rest}>
      {children}
      <Hidden> {hiddenText}</Hidden>
    </button>
  );
}

export function siteName(sites: readonly Site[], siteId: string | null): string {
  if (siteId === null) return 'All sites';
  return sites.find((site) => site.id === siteId)?.name ?? siteId;
}

export function roomsOfSite(rooms: readonly RoomSummary[], siteId: string): RoomSummary[] {
  return rooms.filter((room) => room.siteId === siteId).sort((a, b) => a.name.localeCompare(b.name, 'en-GB', { numeric: true }));
}

export interface ConfirmDialogProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly onConfirm: () => Promise<void>;
  readonly onClose: () => void;
  readonly testId?: string;
}

/** "Are you sure?" for actions that are hard to undo; keeps the dialog open with the error if it fails. */
export function ConfirmDialog(props: ConfirmDialogProps): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <Dialog title={props.title} onClose={props.onClose} {...(props.testId === undefined ? {} : { testId: props.testId })}>
      {problem !== undefined && (
        <p className="banner banner-error" role="alert">
          {problem}
        </p>
      )}
      {props.children}
      <div className="button-row">
        <button
          type="button"
          className={props.danger === true ? 'button button-danger' : 'button button-primary'}
          disabled={busy}
          data-autofocus
          onClick={() => {
            setBusy(true);
            setProblem(undefined);
            props.onConfirm().then(props.onClose, (error: unknown) => {
              setProblem(describeError(error));
              setBusy(false);
            });
          }}
        >
          {props.confirmLabel}
        </button>
        <button type="button" className="button button-secondary" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/** A list of form problems announced as soon as it appears. */
export function FormProblems(props: { readonly problems: readonly string[]; readonly id?: string }): JSX.Element | null {
  if (props.problems.length === 0) return null;
  return (
    <div className="banner banner-error" role="alert" id={props.id}>
      <ul>
        {props.problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}
