import { useState, type JSX } from 'react';
import { Field } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';
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
  const parsed = parseLockMinutes(minutes);

  return (
    <FormDialog
      title={`Lock ${props.targetsText}`}
      testId="lock-dialog"
      onClose={props.onClose}
      check={() => (parsed.ok ? undefined : parsed.problem)}
      onSubmit={() => props.onLock(message, parsed.ok ? parsed.minutes : undefined)}
      submitLabel="Lock now"
      busyLabel="Locking…"
      danger
    >
      <Field id="lock-message" label="Message on the lock screen (optional)">
        <textarea
          id="lock-message"
          rows={3}
          maxLength={500}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="Eyes on the board, please."
        />
      </Field>
      <Field
        id="lock-minutes"
        label="Unlock automatically after (minutes, optional)"
        className="field-narrow"
        help="Leave empty to keep the screens locked until you unlock them."
      >
        <input
          id="lock-minutes"
          type="number"
          inputMode="numeric"
          min={1}
          max={480}
          step={1}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          aria-describedby="lock-minutes-help"
        />
      </Field>
    </FormDialog>
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

  return (
    <FormDialog
      title={`Send a message to ${props.targetsText}`}
      testId="message-dialog"
      onClose={props.onClose}
      check={() => (text.trim() === '' ? 'Write the message first.' : undefined)}
      onSubmit={() => props.onSend(text)}
      submitLabel="Send"
      busyLabel="Sending…"
    >
      <Field id="message-text" label="Message">
        <textarea id="message-text" rows={4} maxLength={2000} required value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
    </FormDialog>
  );
}
