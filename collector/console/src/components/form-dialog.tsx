import { useId, type JSX, type ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { useFormAction } from './use-form-action.ts';

export interface FormDialogProps {
  readonly title: string;
  readonly testId: string;
  readonly onClose: () => void;
  /** A sentence when the fields are not right yet; it is shown and nothing is sent. */
  readonly check?: () => string | undefined;
  /** The work; the dialog closes when it succeeds and shows why when it fails. */
  readonly onSubmit: () => Promise<void>;
  readonly submitLabel: string;
  /** The button's text while the work runs (defaults to `submitLabel`). */
  readonly busyLabel?: string;
  /** A red button, for actions with consequences (lock, reveal). */
  readonly danger?: boolean;
  /** Skip the browser's own checks (the `check` sentence says it better). */
  readonly noValidate?: boolean;
  readonly formClassName?: string;
  /** Text above the problem line. */
  readonly intro?: ReactNode;
  /** The fields; a function gets the problem and its element's id, to wire aria-describedby. */
  readonly children: ReactNode | ((problem: { readonly text: string | undefined; readonly id: string }) => ReactNode);
}

/** A dialog holding one form: problem line at the top, fields, then the action and Cancel. */
export function FormDialog(props: FormDialogProps): JSX.Element {
  const problemId = `${useId()}-problem`;
  const { busy, problem, submit } = useFormAction({
    ...(props.check === undefined ? {} : { check: props.check }),
    act: async () => {
      await props.onSubmit();
      props.onClose();
    },
  });
  return (
    <Dialog title={props.title} onClose={props.onClose} testId={props.testId}>
      <form className={props.formClassName} onSubmit={submit} noValidate={props.noValidate}>
        {props.intro}
        {problem !== undefined && (
          <p className="banner banner-error" role="alert" id={problemId}>
            {problem}
          </p>
        )}
        {typeof props.children === 'function' ? props.children({ text: problem, id: problemId }) : props.children}
        <div className="button-row">
          <button type="submit" className={props.danger === true ? 'button button-danger' : 'button button-primary'} disabled={busy}>
            {busy ? (props.busyLabel ?? props.submitLabel) : props.submitLabel}
          </button>
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
