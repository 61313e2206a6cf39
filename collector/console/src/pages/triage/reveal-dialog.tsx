import { useId, useState, type JSX } from 'react';
import { Field, problemWiring } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';
import { revealReasonProblem } from './alert-format.ts';

/** The DSL's reveal of a blurred capture: a reason is required and goes in the audit log. */
export function RevealDialog(props: { readonly onReveal: (reason: string) => Promise<void>; readonly onClose: () => void }): JSX.Element {
  const [reason, setReason] = useState('');
  const id = useId();

  return (
    <FormDialog
      title="Reveal the blurred screenshot"
      testId="reveal-dialog"
      onClose={props.onClose}
      check={() => revealReasonProblem(reason)}
      onSubmit={() => props.onReveal(reason)}
      submitLabel="Reveal screenshot"
      busyLabel="Revealing…"
      danger
      noValidate
      intro={
        <p>
          This capture is in a restricted category. Revealing it is recorded in the audit log with your name and reason. If it may be indecent imagery of a
          child, do not copy, save, print or share it.
        </p>
      }
    >
      {(problem) => (
        <Field id={`${id}-reason`} label="Reason for revealing (at least 10 characters)">
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
