import { useId, useState, type FormEvent, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { revealReasonProblem } from './alert-format.ts';

/** The DSL's reveal of a blurred capture: a reason is required and goes in the audit log. */
export function RevealDialog(props: { readonly onReveal: (reason: string) => Promise<void>; readonly onClose: () => void }): JSX.Element {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = revealReasonProblem(reason);
    if (invalid !== undefined) {
      setProblem(invalid);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await props.onReveal(reason);
      props.onClose();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Reveal the blurred screenshot" onClose={props.onClose} testId="reveal-dialog">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <p>
          This capture is in a restricted category. Revealing it is recorded in the audit log with your name and reason. If it may be indecent imagery of a
          child, do not copy, save, print or share it.
        </p>
        {problem !== undefined && (
          <p className="banner banner-error" role="alert" id={`${id}-problem`}>
            {problem}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason for revealing (at least 10 characters)</label>
          <textarea
            id={`${id}-reason`}
            rows={3}
            maxLength={500}
            required
            minLength={10}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={problem !== undefined}
            aria-describedby={problem !== undefined ? `${id}-problem` : undefined}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button-danger" disabled={busy}>
            {busy ? 'Revealing…' : 'Reveal screenshot'}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
