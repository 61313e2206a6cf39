import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

// A small history-API router: the console has a handful of top-level pages and deep links
// (/triage/ALERTID, /live/ROOMID) that must survive a reload (the collector answers every
// unknown GET with index.html).

export interface Route {
  /** The path without query, e.g. `/triage/01J…`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Route {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** `/triage/01ABC` matched against `/triage/:id` → `{id: '01ABC'}`; undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] as string;
    const h = decodeURIComponent(have[i] as string);
    if (w.startsWith(':')) params[w.slice(1)] = h;
    else if (w !== h) return undefined;
  }
  return params;
}

/** `/triage` and everything under it (`/triage/01ABC`), but not `/triagex`. */
export function withinSection(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { readonly to: string; readonly children: ReactNode };

/** An ordinary link (open in new tab works) that navigates in place on a plain click. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
