import type { JSX } from 'react';
import { Link } from '../router.tsx';
import { usePageTitle } from './use-page-title.ts';

/** A page this role may not use (reached by an old link or a typed address). */
export function NotAllowed(props: { readonly home: string }): JSX.Element {
  usePageTitle('Not available');
  return (
    <section className="page" aria-labelledby="not-allowed-heading">
      <h1 id="not-allowed-heading">Not available to your role</h1>
      <p>Your account cannot open this page. If you need it for your work, ask your Vigil administrator.</p>
      <p>
        <Link to={props.home}>Go to your start page</Link>
      </p>
    </section>
  );
}

/** An address that is no page of the console. */
export function NotFound(props: { readonly home: string }): JSX.Element {
  usePageTitle('Page not found');
  return (
    <section className="page" aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        <Link to={props.home}>Go to your start page</Link>
      </p>
    </section>
  );
}
