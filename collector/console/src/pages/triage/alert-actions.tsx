import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { AlertStatus, AlertSummary, UserRole, UserRow } from '@vigil/shared/console';
import { closePlan } from './closing-rules.ts';

export interface AlertActionsProps {
  readonly alert: AlertSummary;
  readonly myUserId: string;
  /** The signed-in user's role: buttons the server would refuse are not offered. */
  readonly myRole: UserRole;
  /** Staff who can be assigned (undefined while loading or when the list is not available). */
  readonly users: readonly UserRow[] | undefined;
  readonly busy: boolean;
  readonly onEscalate: () => void;
  readonly onDismiss: () => void;
  readonly onResolve: () => void;
  readonly onInReview: () => void;
  /** The status button for the status the alert already has was pressed. */
  readonly onAlready: (status: AlertStatus) => void;
  readonly onAssign: (userId: string | null) => void;
  readonly onNote: (note: string) => Promise<boolean>;
}

/** Status changes, assignment and notes for one alert. */
export function AlertActions(props: AlertActionsProps): JSX.Element {
  const { alert } = props;
  const id = useId();
  const [assignee, setAssignee] = useState(alert.assignee?.id ?? '');
  // Someone else (or a bulk action) may have changed it: show what the server says.
  const currentAssignee = alert.assignee?.id ?? '';
  useEffect(() => setAssignee(currentAssignee), [currentAssignee]);
  const [note, setNote] = useState('');
  const [noteProblem, setNoteProblem] = useState<string | undefined>();

  const submitNote = async (event: FormEvent) => {
    event.preventDefault();
    if (note.trim() === '') {
      setNoteProblem('Write the note first.');
      return;
    }
    setNoteProblem(undefined);
    if (await props.onNote(note.trim())) setNote('');
  };

  // The buttons stay in place whatever the status (aria-disabled, still focusable), so
  // focus is not lost when the alert changes under the button just pressed.
  const statusButton = (label: string, target: AlertStatus, className: string, action: () => void) => {
    const current = alert.status === target;
    return (
      <button
        type="button"
        className={className}
        aria-disabled={current || props.busy ? 'true' : undefined}
        data-current={current ? 'true' : undefined}
        onClick={() => {
          if (props.busy) return;
          if (current) props.onAlready(target);
          else action();
        }}
      >
        {label}
      </button>
    );
  };

  const assignable = (props.users ?? []).filter((user) => !user.disabled && user.role !== 'teacher' && user.role !== 'viewer');
  const closing = closePlan(alert, props.myRole);

  return (
    <div className="alert-actions">
      <div className="button-row" role="group" aria-label="Change status">
        {statusButton('Escalate to DSL', 'escalated', 'button button-danger', props.onEscalate)}
        {closing.allowed && statusButton('Dismiss as false positive', 'dismissed', 'button button-secondary', props.onDismiss)}
        {closing.allowed && statusButton('Resolve', 'resolved', 'button button-primary', props.onResolve)}
        {statusButton(alert.status === 'new' ? 'Mark in review' : 'Back to in review', 'in-review', 'button button-secondary', props.onInReview)}
      </div>
      {!closing.allowed && (
        <p className="field-help" data-testid="close-not-offered">
          {closing.whyNot}
        </p>
      )}
      {closing.allowed && closing.serious && (
        <p className="field-help" data-testid="close-needs-reason">
          Dismissing or resolving this alert needs a reason and a confirmation.
        </p>
      )}

      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onAssign(assignee === '' ? null : assignee);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-assignee`}>Assign to</label>
          <select id={`${id}-assignee`} value={assignee} onChange={(e) => setAssignee(e.target.value)} disabled={props.users === undefined}>
            <option value="">Nobody</option>
            {assignable.map((user) => (
              <option key={user.id} value={user.id}>
                {user.displayName} ({user.role})
              </option>
            ))}
            {alert.assignee !== null && !assignable.some((user) => user.id === alert.assignee?.id) && (
              <option value={alert.assignee.id}>{alert.assignee.displayName}</option>
            )}
          </select>
        </div>
        <button type="submit" className="button button-secondary" disabled={props.busy || props.users === undefined}>
          Assign
        </button>
        {alert.assignee?.id !== props.myUserId && (
          <button
            type="button"
            className="button button-secondary"
            disabled={props.busy}
            onClick={() => {
              setAssignee(props.myUserId);
              props.onAssign(props.myUserId);
            }}
          >
            Assign to me
          </button>
        )}
      </form>

      <form className="note-form" onSubmit={(event) => void submitNote(event)}>
        <div className="field">
          <label htmlFor={`${id}-note`}>Note</label>
          <textarea
            id={`${id}-note`}
            rows={3}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-invalid={noteProblem !== undefined}
            aria-describedby={noteProblem === undefined ? `${id}-note-help` : `${id}-note-problem`}
          />
          <p className="field-help" id={`${id}-note-help`}>
            Notes are kept with the alert's history. Record what you checked and what you did; for a safeguarding concern, also log it in the school's
            safeguarding system.
          </p>
          {noteProblem !== undefined && (
            <p className="field-error" id={`${id}-note-problem`} role="alert">
              {noteProblem}
            </p>
          )}
        </div>
        <button type="submit" className="button button-secondary" disabled={props.busy}>
          Add note
        </button>
      </form>
    </div>
  );
}
