import type { JSX } from 'react';
import { SingleFieldForm } from '../../components/single-field-form.tsx';
import { adminApi } from './admin-api.ts';

/** Admins add a school (site); rooms, tokens and policies hang off it. The first one is made here on a new install. */
export function AddSiteForm(props: { readonly announce: (message: string) => void; readonly onCreated: () => void; readonly first: boolean }): JSX.Element {
  return (
    <SingleFieldForm
      heading={props.first ? 'Add your school (first site)' : 'Add a site'}
      label="Site name"
      submitLabel="Create site"
      emptyProblem="Give the site a name, e.g. the school’s name."
      maxLength={100}
      onSubmit={async (name) => {
        await adminApi.createSite(name);
        props.announce(`Site ${name} created.`);
        props.onCreated();
      }}
    />
  );
}
