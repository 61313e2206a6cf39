import type { AuthUser } from '../auth/request-user.ts';
import type { AlertTermRow } from '../db/schema/index.ts';
import type { Db } from '../db/database.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { activeReveals } from './screenshot-reveal.repository.ts';

// "Restricted means restricted": for a restricted category (or one no longer in the word
// list: fail closed) what the pupil typed or looked at — the term, its context, the window
// title, app, URL and OS user — reaches nobody but a DSL who revealed that alert (an
// audited `screenshot.reveal` with a reason, in force for REVEAL_MINUTES). Everyone else
// gets null and `withheld: true`. Every place that turns alert rows into an API shape asks
// here; nothing else decides.

/** What one caller may read in clear: their role and which restricted alerts they revealed. */
export interface TextAccess {
  readonly role: AuthUser['role'];
  readonly revealed: ReadonlySet<string>;
}

/** The fields withheld from a restricted alert. */
export interface AlertText {
  readonly term: string | null;
  readonly context: string | null;
  readonly windowTitle: string | null;
  readonly app: string | null;
  readonly url: string | null;
  readonly osUser: string | null;
  /** Every matched term of a folded alert (the primary first); null from one-term agents. */
  readonly terms: readonly AlertTermRow[] | null;
}

export const WITHHELD_TEXT: AlertText = Object.freeze({ term: null, context: null, windowTitle: null, app: null, url: null, osUser: null, terms: null });

/** `user`'s access to the text of `alerts` (one query, and only for a DSL with restricted alerts among them). */
export async function textAccessFor(
  db: Db,
  user: Pick<AuthUser, 'id' | 'role'>,
  alerts: readonly { id: string; category: string }[],
  catalog: CategoryCatalog,
): Promise<TextAccess> {
  if (user.role !== 'dsl') return { role: user.role, revealed: new Set() };
  const restricted = alerts.filter((alert) => catalog.facts(alert.category).restricted).map((alert) => alert.id);
  return { role: user.role, revealed: await activeReveals(db, user.id, restricted) };
}

/** Whether the caller may read this alert's text (and see its capture unblurred). */
export function mayReadText(access: TextAccess, alert: { id: string; category: string }, catalog: CategoryCatalog): boolean {
  if (!catalog.facts(alert.category).restricted) return true;
  return access.role === 'dsl' && access.revealed.has(alert.id);
}

/** `text` as the caller may have it: unchanged, or every field null. */
export function redactText<T extends AlertText>(text: T, visible: boolean): AlertText & { withheld: boolean } {
  const { term, context, windowTitle, app, url, osUser, terms } = visible ? text : WITHHELD_TEXT;
  return { term, context, windowTitle, app, url, osUser, terms, withheld: !visible };
}

/** An alert's pupil goes with its OS user: null whenever the text is withheld. */
export function redactPupil<P>(pupil: P | null, visible: boolean): P | null {
  return visible ? pupil : null;
}
