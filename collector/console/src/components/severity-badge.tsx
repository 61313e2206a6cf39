import type { JSX } from 'react';
import { severityLabel } from './severity.ts';

/**
 * Severity as number, word and colour together (colour alone fails people who cannot
 * tell the colours apart): "4 High". Screen readers hear "Severity 4, High".
 */
export function SeverityBadge(props: { readonly severity: number }): JSX.Element {
  const level = Math.min(5, Math.max(1, Math.round(props.severity)));
  return (
    <span className={`severity severity-${level}`} data-severity={props.severity}>
      <span className="visually-hidden">Severity </span>
      <span className="severity-number">{props.severity}</span>
      <span className="visually-hidden">,</span> {severityLabel(props.severity)}
    </span>
  );
}
