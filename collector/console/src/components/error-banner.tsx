import type { JSX } from 'react';
import { describeError } from '../api/client.ts';

/** A failure the user must notice (role="alert"), with an optional "Try again". */
export function ErrorBanner(props: { readonly error: unknown; readonly onRetry?: () => void; readonly title?: string }): JSX.Element {
  return (
    <div className="banner banner-error" role="alert">
      <p>
        {props.title !== undefined && <strong>{props.title} </strong>}
        {describeError(props.error)}
      </p>
      {props.onRetry !== undefined && (
        <button type="button" className="button button-secondary" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
