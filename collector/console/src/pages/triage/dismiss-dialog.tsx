import { useId, useState, type JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { Field, problemWiring } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';
import { reasonProblem } from './alert-format.ts';
import { isSerious, seriousnessText, type CloseMode } from './closing-rules.ts';

export interface CloseDialogProps {
  readonly alert: AlertSummary;
  readonly mode: CloseMode;
  /** `allow` only when dismissing. */
  readonly onSubmit: (options: { note?: string; allow?: string }) => Promise<void>;
  readonly onClose: () => void;
}

const TITLES: Readonly<Record<CloseMode, string>> = { dismiss: 'Dismiss as false positive', resolve: 'Resolve alert' };

/**
 * Dismiss (a false positive) or resolve one alert. A serious alert — severity 4–5,
 * restricted or escalated — needs a reason of at least 10 visible characters AND a ticked
 * confirmation naming what it is, so no key pressed in passing (`d`, then Enter) closes it.
 *
 * When dismissing, the allow-list field is filled with the term, but nothing is
 * allow-listed unless the box is ticked (editing the field ticks it), because an
 * allow-list entry silences that phrase on every PC: dismissing "kill myself" as a false
 * positive must not silence it everywhere by default.
 */
export function CloseDialog(props: CloseDialogProps): JSX.Element {
  const { alert, mode } = props;
  const serious = isSerious(alert);
  const [note, setNote] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [allowOn, setAllowOn] = useState(false);
  const [allow, setAllow] = useState(alert.term ?? '');
  const id = useId();
  const what = mode === 'dismiss' ? 'dismiss' : 'resolve';

  const check = (): string | undefined => {
    if (serious) {
      const problem = reasonProblem(note, 2000);
      if (problem !== undefined) return problem;
      if (!confirmed) return `Tick the box to confirm you mean to ${what} this ${seriousnessText(alert)} alert.`;
    }
    if (mode === 'dismiss' && allowOn && allow.trim() === '') return 'Write the word or phrase to allow, or untick “Stop it raising alerts on every computer”.';
    return undefined;
  };

  return (
    <FormDialog
      title={TITLES[mode]}
      testId={mode === 'dismiss' ? 'dismiss-dialog' : 'resolve-dialog'}
      onClose={props.onClose}
      check={check}
      onSubmit={() => props.onSubmit({ note, ...(mode === 'dismiss' && allowOn ? { allow } : {}) })}
      submitLabel={
        serious ? `${mode === 'dismiss' ? 'Dismiss' : 'Resolve'} severity ${alert.severity} alert` : mode === 'dismiss' ? 'Dismiss alert' : 'Resolve alert'
      }
      busyLabel={mode === 'dismiss' ? 'Dismissing…' : 'Resolving…'}
      danger={serious}
      noValidate
      intro={
        serious ? (
          <p data-testid="close-serious">
            This is a {seriousnessText(alert)} alert. Closing it takes it out of every queue: say why, in words a colleague or an inspector can follow later.
          </p>
        ) : undefined
      }
    >
      {(problem) => (
        <>
          <Field id={`${id}-note`} label={serious ? 'Reason (required, at least 10 visible characters)' : 'Note (optional)'}>
            <textarea
              id={`${id}-note`}
              rows={3}
              maxLength={2000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-testid="close-reason"
              {...(serious ? problemWiring(problem.text, problem.id) : {})}
            />
          </Field>
          {serious && (
            <div className="field">
              <label className="check-label">
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="close-confirm" />
                {`I confirm: ${what} this ${seriousnessText(alert)} alert`}
              </label>
            </div>
          )}
          {mode === 'dismiss' && (
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
          )}
        </>
      )}
    </FormDialog>
  );
}
