import type { JSX, ReactNode } from 'react';
import { WITHHELD_LABEL } from '@vigil/shared/console';

/** In place of a field the server withheld (restricted category, not revealed): never blank, never "null". */
export function Withheld(): JSX.Element {
  return (
    <em className="withheld" data-testid="withheld">
      {WITHHELD_LABEL}
    </em>
  );
}

/** `value` as shown: <Withheld/> when withheld, `empty` when the PC sent nothing, else `show(value)`. */
export function pcValue(value: string | null, withheld: boolean, show: (value: string) => ReactNode = (text) => text, empty: ReactNode = '—'): ReactNode {
  if (withheld) return <Withheld />;
  return value === null ? empty : show(value);
}
