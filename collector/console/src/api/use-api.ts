import { useCallback, useEffect, useState, type DependencyList } from 'react';

export interface ApiData<T> {
  readonly data: T | undefined;
  /** The last load's failure (cleared by the next success). */
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again (after a change the page made, or "Try again"). */
  readonly reload: () => void;
}

/**
 * Loads data for a page: `useApiData(() => api.get<X>('/api/x', query), [query])`.
 * A slower, older answer never overwrites a newer one (filters typed quickly).
 */
export function useApiData<T>(load: () => Promise<T>, deps: DependencyList): ApiData<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => {
        if (current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (current) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => {
      current = false;
    };
    // The caller's deps decide when to load again; `load` is a fresh closure each render.
  }, [...deps, generation]);

  return { ...state, reload };
}
