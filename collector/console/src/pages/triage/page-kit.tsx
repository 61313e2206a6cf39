import { useCallback, useEffect, useRef, useState, type JSX, type RefObject } from 'react';
import { ApiFailure } from '../../api/client.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';

// Small pieces the triage and admin pages share: loading data with a stale-answer guard,
// a polite live region for "Saved" / "3 updated", a clear message for 403, and copy.

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
  /** Replace the data in place (an action's answer) without a round trip. */
  readonly set: (data: T) => void;
}

/**
 * Runs `load` now and whenever `key` changes (and on `reload()`); an answer that arrives after a newer request
 * started (or after unmount) is dropped, so a slow page never overwrites a fresh one.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const loadedKey = useRef(key);

  useEffect(() => {
    let current = true;
    // A reload keeps showing the old data meanwhile; a different key (another alert) must not.
    const sameKey = loadedKey.current === key;
    loadedKey.current = key;
    setState((previous) => ({ data: sameKey ? previous.data : undefined, error: undefined, loading: true }));
    latest.current().then(
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
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, set };
}

/** True for the server's "your role may not do this". */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiFailure && error.status === 403;
}

/**
 * A failed load: a plain explanation for 403 (the role cannot use this, which is not a
 * fault to retry), otherwise the error with "Try again".
 */
export function LoadFailure(props: { readonly error: unknown; readonly what: string; readonly onRetry?: () => void }): JSX.Element {
  if (isForbidden(props.error)) {
    return (
      <div className="banner banner-warning" role="alert" data-testid="forbidden">
        <p>
          <strong>Not available to your role.</strong> Your account may not {props.what}. If you need this for your work, ask your Vigil administrator.
        </p>
      </div>
    );
  }
  return <ErrorBanner error={props.error} title={`Could not ${props.what}.`} {...(props.onRetry === undefined ? {} : { onRetry: props.onRetry })} />;
}

export type Announce = (text: string, options?: { readonly focus?: boolean }) => void;

/**
 * A status message announced politely after an action ("Alert resolved."). The live
 * region is always rendered so screen readers are listening before the text changes.
 * `focus: true` also moves focus to the message: for actions that remove the control
 * that was used (a "Retire" button whose row goes away), so focus is never lost.
 */
export function useAnnouncer(): { readonly message: string; readonly announce: Announce; readonly statusRef: RefObject<HTMLParagraphElement | null> } {
  const [message, setMessage] = useState('');
  const timer = useRef<number | undefined>(undefined);
  const statusRef = useRef<HTMLParagraphElement | null>(null);
  const announce = useCallback<Announce>((text, options) => {
    // Clear first so the same sentence twice is announced twice.
    setMessage('');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setMessage(text);
      if (options?.focus === true) statusRef.current?.focus();
    }, 50);
  }, []);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return { message, announce, statusRef };
}

export function StatusLine(props: {
  readonly message: string;
  readonly statusRef?: RefObject<HTMLParagraphElement | null>;
  readonly testId?: string;
}): JSX.Element {
  return (
    <p ref={props.statusRef} tabIndex={-1} className="status-line" role="status" aria-live="polite" data-testid={props.testId ?? 'status-message'}>
      {props.message}
    </p>
  );
}

/** Copies text to the clipboard; says whether it worked (clipboard needs a secure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A "Copy …" button that reports the result through the page's announcer. */
export function CopyButton(props: { readonly text: string; readonly label: string; readonly announce: Announce; readonly testId?: string }): JSX.Element {
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      data-testid={props.testId}
      onClick={() => {
        void copyText(props.text).then((ok) =>
          props.announce(ok ? 'Copied to the clipboard.' : 'Copying is not available here: select the text and copy it by hand.'),
        );
      }}
    >
      {props.label}
    </button>
  );
}
