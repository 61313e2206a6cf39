import type { JSX, ReactNode } from 'react';
import type { BulkAction } from './triage-types.ts';

const ACTIONS: readonly { readonly action: BulkAction; readonly label: string }[] = [
  { action: 'in-review', label: 'Mark selected in review' },
  { action: 'assign-me', label: 'Assign selected to me' },
  { action: 'escalate', label: 'Escalate selected to DSL' },
  { action: 'dismiss', label: 'Dismiss selected as false positives' },
  { action: 'resolve', label: 'Resolve selected' },
];

/** Actions on the ticked rows (shown only while some are ticked). */
export function BulkActions(props: {
  readonly count: number;
  readonly busy: boolean;
  readonly onAction: (action: BulkAction) => void;
  readonly onClear: () => void;
  /** More buttons after the actions (the DSL's "Export selected"). */
  readonly extra?: ReactNode;
}): JSX.Element {
  return (
    <div className="bulk-bar" role="group" aria-labelledby="bulk-heading" data-testid="bulk-actions">
      <h2 id="bulk-heading" className="bulk-count">
        {props.count} selected
      </h2>
      {ACTIONS.map((item) => (
        <button
          key={item.action}
          type="button"
          className="button button-secondary"
          disabled={props.busy}
          onClick={() => props.onAction(item.action)}
          data-testid={`bulk-${item.action}`}
        >
          {item.label}
        </button>
      ))}
      {props.extra}
      <button type="button" className="button button-quiet" onClick={props.onClear}>
        Clear selection
      </button>
      <p className="field-help" data-testid="bulk-closing-rule">
        Dismiss and resolve leave severity 4–5, restricted and escalated alerts open: close each of those on its own page, with a reason.
      </p>
    </div>
  );
}
