import { useId, useState, type JSX, type ReactNode } from 'react';
import { Field, problemWiring } from './field.tsx';
import { useFormAction } from './use-form-action.ts';

export interface SingleFieldFormProps {
  readonly heading: string;
  /** The text field's label, e.g. "Site name". */
  readonly label: string;
  readonly submitLabel: string;
  /** Shown when the field is left empty. */
  readonly emptyProblem: string;
  readonly maxLength: number;
  /** Gets the trimmed text; the field empties when it succeeds. */
  readonly onSubmit: (text: string) => Promise<void>;
  /** Fields before the text field (e.g. which site a room belongs to). */
  readonly children?: ReactNode;
}

/** A card with one text field and a button, for adding one named thing (a site, a room). */
export function SingleFieldForm(props: SingleFieldFormProps): JSX.Element {
  const id = useId();
  const [text, setText] = useState('');
  const { busy, problem, submit } = useFormAction({
    check: () => (text.trim() === '' ? props.emptyProblem : undefined),
    act: async () => {
      await props.onSubmit(text.trim());
      setText('');
    },
    staysOpen: true,
  });
  return (
    <form className="inline-form card" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="form-heading">
        {props.heading}
      </h2>
      {props.children}
      <Field id={`${id}-text`} label={props.label}>
        <input
          id={`${id}-text`}
          type="text"
          maxLength={props.maxLength}
          value={text}
          onChange={(e) => setText(e.target.value)}
          {...problemWiring(problem, `${id}-problem`)}
        />
      </Field>
      <button type="submit" className="button button-primary" disabled={busy}>
        {props.submitLabel}
      </button>
      {problem !== undefined && (
        <p className="field-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
