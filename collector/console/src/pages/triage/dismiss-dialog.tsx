import { useId, useState, type JSX } from 'react';
import { Field } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';

export interface DismissDialogProps {
  /** The flagged term, offered as the allow-list entry. */
  readonly term: string;
  readonly onDismiss: (options: { note?: string; allow?: string }) => Promise<void>;
  readonly onClose: () => void;
}

/**
 * Dismiss as a false positive. The allow-list field is filled with the term, but nothing
 * is allow-listed unless the box is ticked (editing the field ticks it), because an
 * allow-list entry silences that phrase on every PC: dismissing "kill myself" as a false
 * positive must not silence it everywhere by default.
 */
export function DismissDialog(props: DismissDialogProps): JSX.Element {
  const [note, setNote] = useState('');
  const [allowOn, setAllowOn] = useState(false);
  const [allow, setAllow] = useState(props.term);
  const id = useId();

  return (
    <FormDialog
      title="Dismiss as false positive"
      testId="dismiss-dialog"
      onClose={props.onClose}
      check={() => (allowOn && allow.trim() === '' ? 'Write the word or phrase to allow, or untick “Stop it raising alerts on every computer”.' : undefined)}
      onSubmit={() => props.onDismiss({ note, ...(allowOn ? { allow } : {}) })}
      submitLabel="Dismiss alert"
      busyLabel="Dismissing…"
    >
      <Field id={`${id}-note`} label="Note (optional)">
        <textarea id={`${id}-note`} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <Field
        id={`${id}-allow`}
        label="Allow-list this word or phrase (optional)"
        help="Only for innocent words or phrases that contain a flagged one (“Scunthorpe”). Nothing is allow-listed unless the box is ticked."
      >
        <input
          id={`${id}-allow`}
          type="text"
          maxLength={200}
          value={allow}
          onChange={(e) => {
            setAllow(e.target.value);
            // Editing the entry says the user wants it; clearing it says they do not.
            setAllowOn(e.target.value.trim() !== '');
          }}
          aria-describedby={`${id}-allow-help`}
        />
        <label className="check-label">
          <input type="checkbox" checked={allowOn} onChange={(e) => setAllowOn(e.target.checked)} aria-describedby={`${id}-allow-help`} />
          Stop it raising alerts on every computer
        </label>
      </Field>
    </FormDialog>
  );
}
