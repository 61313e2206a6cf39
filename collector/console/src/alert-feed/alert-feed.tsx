import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type JSX, type ReactNode } from 'react';
import type { AlertFeedServerMessage } from '@vigil/shared/console';
import { navigate } from '../router.tsx';
import { AlertFeedConnection, alertFeedUrl, type FeedState } from './alert-feed-connection.ts';
import { noticeTexts, titleWithCount } from './alert-notices.ts';

type AlertsMessage = Extract<AlertFeedServerMessage, { type: 'alerts' }>;
export type AlertsListener = (message: AlertsMessage) => void;

/** Browser notifications: the browser's permission and this user's choice on this browser. */
export interface DesktopAlerts {
  readonly supported: boolean;
  readonly permission: NotificationPermission | 'unsupported';
  readonly enabled: boolean;
  /** Asks the browser's permission (must follow a click) and turns them on. */
  readonly enable: () => Promise<void>;
  readonly disable: () => void;
}

export interface AlertFeedValue {
  /** Alerts in the user's scope still `new`; null before the first answer or without the feed. */
  readonly open: number | null;
  readonly state: FeedState;
  /** Hears every `alerts` message; returns the function that stops listening. */
  readonly subscribe: (listener: AlertsListener) => () => void;
  readonly desktop: DesktopAlerts;
}

const noDesktop: DesktopAlerts = { supported: false, permission: 'unsupported', enabled: false, enable: async () => undefined, disable: () => undefined };
const inactive: AlertFeedValue = { open: null, state: 'closed', subscribe: () => () => undefined, desktop: noDesktop };

const AlertFeedContext = createContext<AlertFeedValue>(inactive);

/** The feed for pages and the shell (inactive outside a provider, or for roles without triage). */
export function useAlertFeed(): AlertFeedValue {
  return useContext(AlertFeedContext);
}

/** Notifications only for alerts this severe or more, so a DSL is not woken by "low". */
const desktopMinSeverity = 4;
const storageKey = 'vigil.desktopAlerts';

function stored(): boolean {
  try {
    return window.localStorage.getItem(storageKey) === 'on';
  } catch {
    return false;
  }
}

function store(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(storageKey, 'on');
    else window.localStorage.removeItem(storageKey);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

const notificationsSupported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Opens WS /console/alerts while `enabled` (a signed-in triage role) and shares what it
 * hears: the unread badge, the tab title's count, browser notifications for severe new
 * alerts (when the user turned them on), and `subscribe` for the live triage queue.
 */
export function AlertFeedProvider(props: { readonly enabled: boolean; readonly children: ReactNode }): JSX.Element {
  const [open, setOpen] = useState<number | null>(null);
  const [state, setState] = useState<FeedState>('closed');
  const [permission, setPermission] = useState<DesktopAlerts['permission']>(() => (notificationsSupported() ? Notification.permission : 'unsupported'));
  const [desktopOn, setDesktopOn] = useState(stored);
  const listeners = useRef(new Set<AlertsListener>());
  const desktopRef = useRef(false);
  desktopRef.current = desktopOn && permission === 'granted';

  useEffect(() => {
    if (!props.enabled) return;
    const connection = new AlertFeedConnection({
      url: alertFeedUrl(window.location),
      onState: setState,
      onMessage: (message) => {
        if (message.type === 'error') return;
        setOpen(message.open);
        if (message.type !== 'alerts') return;
        for (const listener of listeners.current) listener(message);
        if (desktopRef.current) showNotices(message);
      },
    });
    connection.start();
    return () => {
      connection.stop();
      setOpen(null);
    };
  }, [props.enabled]);

  // The tab title carries the count, so a background tab shows it too.
  useEffect(() => {
    const apply = () => {
      const next = titleWithCount(document.title, open);
      if (next !== document.title) document.title = next;
    };
    apply();
    const titleElement = document.querySelector('title');
    if (titleElement === null) return;
    // Pages set their own title (usePageTitle): put the count back in front.
    const observer = new MutationObserver(apply);
    observer.observe(titleElement, { childList: true, characterData: true, subtree: true });
    return () => observer.disconnect();
  }, [open]);

  const subscribe = useCallback((listener: AlertsListener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);

  const enable = useCallback(async () => {
    if (!notificationsSupported()) return;
    const answer = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    setPermission(answer);
    const on = answer === 'granted';
    store(on);
    setDesktopOn(on);
  }, []);

  const disable = useCallback(() => {
    store(false);
    setDesktopOn(false);
  }, []);

  const value = useMemo<AlertFeedValue>(
    () => ({
      open,
      state,
      subscribe,
      desktop: { supported: notificationsSupported(), permission, enabled: desktopOn && permission === 'granted', enable, disable },
    }),
    [open, state, subscribe, permission, desktopOn, enable, disable],
  );
  return <AlertFeedContext.Provider value={props.enabled ? value : inactive}>{props.children}</AlertFeedContext.Provider>;
}

function showNotices(message: AlertsMessage): void {
  for (const text of noticeTexts(message.created, desktopMinSeverity)) {
    try {
      const notice = new Notification(text.title, { body: text.body, tag: text.tag });
      notice.onclick = () => {
        window.focus();
        navigate(text.path);
        notice.close();
      };
    } catch {
      // Some browsers allow notifications only from a service worker: the badge still shows.
    }
  }
}
