import type { JSX } from 'react';

/** A polite "Loading …" status (announced once by screen readers). */
export function Loading(props: { readonly label?: string }): JSX.Element {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </p>
  );
}
