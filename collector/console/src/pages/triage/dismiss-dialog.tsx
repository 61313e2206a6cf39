import { useId, useState, type FormEvent, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';

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
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (allowOn && allow.trim() === '') {
      setProblem('Write the word or phrase to allow, or untick “Stop it raising alerts on every computer”.');
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await props.onDismiss({ note, ...(allowOn ? { allow } : {}) });
      props.onClose();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Dismiss as false positive" onClose={props.onClose} testId="dismiss-dialog">
      <form onSubmit={(event) => void submit(event)}>
        {problem !== undefined && (
          <p className="banner banner-error" role="alert">
            {problem}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <textarea id={`${id}-note`} rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-allow`}>Allow-list this word or phrase (optional)</label>
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
          <p className="field-help" id={`${id}-allow-help`}>
            Only for innocent words or phrases that contain a flagged one (“Scunthorpe”). Nothing is allow-listed unless the box is ticked.
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Dismissing…' : 'Dismiss alert'}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
