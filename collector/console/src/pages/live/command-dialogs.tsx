import { useState, type FormEvent, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { Dialog } from '../../components/dialog.tsx';
import { parseLockMinutes } from './live-commands.ts';

export interface LockDialogProps {
  /** e.g. "all 30 computers in ICT 1", "3 selected computers", "PC-07". */
  readonly targetsText: string;
  readonly onLock: (message: string, minutes: number | undefined) => Promise<void>;
  readonly onClose: () => void;
}

/** Lock with an optional message on the lock screen and an optional time limit. */
export function LockDialog(props: LockDialogProps): JSX.Element {
  const [message, setMessage] = useState('');
  const [minutes, setMinutes] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseLockMinutes(minutes);
    if (!parsed.ok) {
      setProblem(parsed.problem);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await props.onLock(message, parsed.minutes);
      props.onClose();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Lock ${props.targetsText}`} onClose={props.onClose} testId="lock-dialog">
      <form onSubmit={(event) => void submit(event)}>
        {problem !== undefined && (
          <p className="banner banner-error" role="alert">
            {problem}
          </p>
        )}
        <div className="field">
          <label htmlFor="lock-message">Message on the lock screen (optional)</label>
          <textarea id="lock-message" rows={3} maxLength={500} value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Eyes on the board, please." />
        </div>
        <div className="field field-narrow">
          <label htmlFor="lock-minutes">Unlock automatically after (minutes, optional)</label>
          <input id="lock-minutes" type="number" inputMode="numeric" min={1} max={480} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} aria-describedby="lock-minutes-help" />
          <p className="field-help" id="lock-minutes-help">
            Leave empty to keep the screens locked until you unlock them.
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="button button-danger" disabled={busy}>
            {busy ? 'Locking…' : 'Lock now'}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export interface MessageDialogProps {
  readonly targetsText: string;
  readonly onSend: (text: string) => Promise<void>;
  readonly onClose: () => void;
}

/** A message shown on the PCs (as a notification; it does not lock). */
export function MessageDialog(props: MessageDialogProps): JSX.Element {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') {
      setProblem('Write the message first.');
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await props.onSend(text);
      props.onClose();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Send a message to ${props.targetsText}`} onClose={props.onClose} testId="message-dialog">
      <form onSubmit={(event) => void submit(event)}>
        {problem !== undefined && (
          <p className="banner banner-error" role="alert">
            {problem}
          </p>
        )}
        <div className="field">
          <label htmlFor="message-text">Message</label>
          <textarea id="message-text" rows={4} maxLength={2000} required value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
