import { useId, useState, type JSX } from 'react';
import { Field, problemWiring } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';
import { revealReasonProblem } from './alert-format.ts';

/**
 * The DSL's reveal of a restricted alert: the blurred capture and the withheld text
 * (term, context, window title, program, address, computer user) together, for 30
 * minutes. A reason of at least 10 visible characters is required and goes in the audit log.
 */
export function RevealDialog(props: {
  readonly onReveal: (reason: string) => Promise<void>;
  readonly onClose: () => void;
  /** "Reveal screenshot" by the capture, "Reveal alert" where there is none. */
  readonly submitLabel?: string;
}): JSX.Element {
  const [reason, setReason] = useState('');
  const id = useId();

  return (
    <FormDialog
      title="Reveal the restricted alert"
      testId="reveal-dialog"
      onClose={props.onClose}
      check={() => revealReasonProblem(reason)}
      onSubmit={() => props.onReveal(reason)}
      submitLabel={props.submitLabel ?? 'Reveal screenshot'}
      busyLabel="Revealing…"
      danger
      noValidate
      intro={
        <p>
          This alert is in a restricted category. Revealing it shows you the screenshot unblurred and the flagged text for 30 minutes, and is recorded in the
          audit log with your name and reason. If it may be indecent imagery of a child, do not copy, save, print or share it.
        </p>
      }
    >
      {(problem) => (
        <Field id={`${id}-reason`} label="Reason for revealing (at least 10 visible characters)">
          <textarea
            id={`${id}-reason`}
            rows={3}
            maxLength={500}
            required
            minLength={10}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            {...problemWiring(problem.text, problem.id)}
          />
        </Field>
      )}
    </FormDialog>
  );
}
