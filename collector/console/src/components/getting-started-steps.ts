import type { GettingStartedResponse, GettingStartedStepId, UserRole } from '@vigil/shared/console';

// The first-run checklist's words and rules, apart from React so they can be tested.

export interface ChecklistItem {
  readonly id: GettingStartedStepId;
  readonly done: boolean;
  /** What to do, as the link text. */
  readonly title: string;
  /** Where it is done. */
  readonly href: string;
  /** One sentence more. */
  readonly help: string;
}

/** Who sees the checklist: admins, the only role that can do every step (sites are theirs). */
export function showsGettingStarted(role: UserRole): boolean {
  return role === 'admin';
}

/** The checklist's items in order, each with its link; the last two name the PC's room and the test phrase. */
export function checklistItems(progress: GettingStartedResponse): readonly ChecklistItem[] {
  const done = new Map(progress.steps.map((step) => [step.id, step.done]));
  const isDone = (id: GettingStartedStepId) => done.get(id) === true;
  const phrase = progress.testPhrase;
  const live = progress.liveRoomId === null ? '/live' : `/live/${encodeURIComponent(progress.liveRoomId)}`;
  return [
    {
      id: 'site',
      done: isDone('site'),
      title: 'Add your school (a site)',
      href: '/admin/rooms',
      help: 'Admin → Rooms & devices. One site per school in your trust.',
    },
    { id: 'room', done: isDone('room'), title: 'Add a room', href: '/admin/rooms', help: 'Teachers see and lock the computers of their rooms.' },
    {
      id: 'token',
      done: isDone('token'),
      title: 'Create an enrolment token for the room',
      href: '/admin/enrolment',
      help: 'The page shows the exact command that connects a PC, and the Chromebook set-up.',
    },
    {
      id: 'device',
      done: isDone('device'),
      title: isDone('device') ? 'Watch your first PC live' : 'Connect your first PC',
      href: isDone('device') ? live : '/admin/enrolment',
      help: isDone('device')
        ? 'It is connected: open the room to see its screen and lock it.'
        : 'Run the agent command from the enrolment page on a PC (or on this machine).',
    },
    {
      id: 'alert',
      done: isDone('alert'),
      title: 'Receive a test alert',
      href: '/triage',
      help:
        phrase === null
          ? 'Type a word from your word lists on the PC; the alert appears in Triage.'
          : `On that PC, type “${phrase}” in any window: it raises a harmless ${progress.testCategory === null ? '' : `“${progress.testCategory}” `}alert in Triage. Dismiss it afterwards.`,
    },
  ];
}

/** `3 of 5 done` */
export function progressText(items: readonly ChecklistItem[]): string {
  return `${items.filter((item) => item.done).length} of ${items.length} done`;
}

/** Where "hide" is kept: this browser, per user (no migration, nothing on the server). */
export function hiddenKey(userId: string): string {
  return `vigil.gettingStarted.hidden.${userId}`;
}

/** The storage the panel uses; it may be missing or refuse (private mode): then it is simply not remembered. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function isHidden(store: KeyValueStore | undefined, userId: string): boolean {
  try {
    return store?.getItem(hiddenKey(userId)) === 'true';
  } catch {
    return false;
  }
}

export function rememberHidden(store: KeyValueStore | undefined, userId: string): void {
  try {
    store?.setItem(hiddenKey(userId), 'true');
  } catch {
    // Not remembered: the panel is hidden for this page view only.
  }
}
