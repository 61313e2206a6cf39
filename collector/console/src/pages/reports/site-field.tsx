import type { JSX } from 'react';

/** "Site: All sites / …" for the reports' forms; shown only to someone who can pick among several sites. */
export function SiteField(props: {
  readonly id: string;
  readonly sites: readonly { readonly id: string; readonly name: string }[];
  readonly value: string;
  readonly onChange: (siteId: string) => void;
}): JSX.Element | null {
  if (props.sites.length <= 1) return null;
  return (
    <div className="field">
      <label htmlFor={props.id}>Site</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All sites</option>
        {props.sites.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
    </div>
  );
}
