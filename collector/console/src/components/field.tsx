import type { JSX, ReactNode } from 'react';

export interface FieldProps {
  /** The control's id: the label points at it, and the help line is `${id}-help`. */
  readonly id: string;
  readonly label: ReactNode;
  /** The control itself (input, select, textarea), given `id` by the caller. */
  readonly children: ReactNode;
  /** A line under the control; point the control's aria-describedby at `${id}-help`. */
  readonly help?: ReactNode;
  /** Extra classes next to `field`, e.g. `field-narrow`. */
  readonly className?: string;
}

/** One labelled form control, with its optional help line. */
export function Field(props: FieldProps): JSX.Element {
  return (
    <div className={props.className === undefined ? 'field' : `field ${props.className}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.help !== undefined && (
        <p className="field-help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
    </div>
  );
}

/** aria-invalid and aria-describedby for a control whose problem is shown in the element `problemId`. */
export function problemWiring(problem: string | undefined, problemId: string): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  return { 'aria-invalid': problem !== undefined, 'aria-describedby': problem === undefined ? undefined : problemId };
}
