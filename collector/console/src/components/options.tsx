import type { JSX, ReactNode } from 'react';

/** The <option>s of a list of things with ids (sites, rooms, categories); the value is the id. */
export function Options<T extends { readonly id: string }>(props: { readonly items: readonly T[]; readonly label: (item: T) => ReactNode }): JSX.Element {
  return (
    <>
      {props.items.map((item) => (
        <option key={item.id} value={item.id}>
          {props.label(item)}
        </option>
      ))}
    </>
  );
}
