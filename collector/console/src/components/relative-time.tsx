import type { JSX } from 'react';
import { formatDateTime, relativeTimeText } from '../format.ts';
import { useNow } from './use-now.ts';

/** `5 min ago`, with the full date and time as a tooltip and in the <time> element. */
export function RelativeTime(props: { readonly at: string }): JSX.Element {
  const now = useNow(30_000);
  return (
    <time dateTime={props.at} title={formatDateTime(props.at)}>
      {relativeTimeText(props.at, now)}
    </time>
  );
}
