import type { JSX, ReactNode } from 'react';

export interface DataTableProps {
  readonly testId: string;
  /** Read by screen readers only: what the table lists. */
  readonly caption: ReactNode;
  /** Column headings, left to right. */
  readonly columns: readonly string[];
  /** The rows. */
  readonly children: ReactNode;
  /** Inside a sideways-scrolling card (default); false for a table in a card of its own. */
  readonly wrap?: boolean;
}

/** A table of rows with a hidden caption and column headings. */
export function DataTable(props: DataTableProps): JSX.Element {
  const table = (
    <table className="data-table" data-testid={props.testId}>
      <caption className="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
  return props.wrap === false ? table : <div className="table-wrap">{table}</div>;
}
