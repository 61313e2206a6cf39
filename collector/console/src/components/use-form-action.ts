import { useState, type FormEvent } from 'react';
import { describeError } from '../api/client.ts';

export interface FormAction {
  readonly busy: boolean;
  /** The sentence to show: a check that failed, or why the server refused. */
  readonly problem: string | undefined;
  /**
   * The form's onSubmit: runs `check` (a sentence stops it), then `act`, busy meanwhile.
   * A failure of `act` becomes the problem. The form stays busy after success when the
   * caller goes away then (a dialog that closes), so the button cannot be pressed twice.
   */
  readonly submit: (event: FormEvent) => void;
}

export interface FormActionOptions {
  /** A sentence when the fields are not right yet; nothing is sent. */
  readonly check?: () => string | undefined;
  readonly act: () => Promise<void>;
  /** True for forms that stay on screen after success (they are ready for the next entry). */
  readonly staysOpen?: boolean;
}

/** Busy state and problem line of a form whose submit calls the API. */
export function useFormAction(options: FormActionOptions): FormAction {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const invalid = options.check?.();
    if (invalid !== undefined) {
      setProblem(invalid);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    options.act().then(
      () => {
        if (options.staysOpen === true) setBusy(false);
      },
      (error: unknown) => {
        setProblem(describeError(error));
        setBusy(false);
      },
    );
  };
  return { busy, problem, submit };
}
