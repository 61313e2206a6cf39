import { useEffect } from 'react';

/** Sets the browser tab's title (WCAG 2.4.2: each page has a title that says what it is). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Vigil`;
  }, [title]);
}
