// The school's own word-list entries from the console. Every change commits with its
// audit entry and a `wordlist` control event (every collector node re-compiles and pushes
// to its agents); this node also re-compiles before answering, so the answer carries the
// version now in force.
import type { MatchKind, Severity, WordlistPayload } from '@vigil/shared';
import { mergeWordlist, type WordlistExtra } from '@vigil/shared/wordlist';
import { notifyControl } from '../agent-services/control-channel.ts';
import { AppError } from '../errors/app-error.ts';
import type { WordlistService } from '../wordlists/wordlist.service.ts';
import { auditChange, type AdminContext } from './admin-context.ts';
import { assertTrustWide, invalidField, notFound, uniqueViolation } from './admin-scope.ts';
import { findCustomWord, insertCustomAllow, insertCustomTerm, listCustomWords, setCustomWordEnabled, type CustomWordRow } from './custom-words.repository.ts';

export type NewCustomWord =
  | { readonly kind: 'term'; readonly term: string; readonly category: string; readonly severity?: Severity | undefined; readonly match: MatchKind }
  | { readonly kind: 'allow'; readonly term: string };

export interface WordlistsView {
  readonly version: string;
  readonly categories: WordlistPayload['categories'];
  readonly builtin: WordlistPayload['terms'];
  readonly builtinAllow: WordlistPayload['allow'];
  readonly custom: CustomWordRow[];
}

export interface CustomWordResult {
  readonly entry: CustomWordRow;
  /** The compiled word list's version after the change. */
  readonly version: string;
}

export async function viewWordlists(context: AdminContext, wordlists: WordlistService): Promise<WordlistsView> {
  const current = wordlists.current();
  const builtin = wordlists.builtin();
  return {
    version: current.version,
    categories: current.categories,
    builtin: builtin.terms,
    builtinAllow: builtin.allow,
    custom: await listCustomWords(context.db),
  };
}

// One list goes to every agent of the collector (per-site lists do not exist yet), so a
// change reaches every site: only trust-wide staff may make one.
const wordlistScope = 'The word list';

/**
 * Checks the entry against the list in force with the same merge the compiler uses, so
 * an entry that would be left out (unknown category, nothing left after normalisation)
 * is refused now, naming the field, rather than stored and silently ignored.
 */
function checkMerges(current: WordlistPayload, entry: NewCustomWord & { severity?: Severity | undefined }): Severity | undefined {
  if (entry.kind === 'allow') {
    const merged = mergeWordlist(current, { allow: [entry.term] });
    if (!merged.ok) throw invalidField('term', merged.errors[0]?.message ?? 'not usable');
    return undefined;
  }
  const category = current.categories.find((candidate) => candidate.id === entry.category);
  if (category === undefined) throw invalidField('category', `no category "${entry.category}" in the word list`);
  const severity = entry.severity ?? category.severity;
  const extra: WordlistExtra = { terms: [{ term: entry.term, category: entry.category, severity, match: entry.match }] };
  const merged = mergeWordlist(current, extra);
  if (!merged.ok) throw invalidField('term', merged.errors[0]?.message ?? 'not usable');
  return severity;
}

export async function addCustomWord(context: AdminContext, wordlists: WordlistService, input: NewCustomWord): Promise<CustomWordResult> {
  assertTrustWide(context.user, wordlistScope);
  const term = input.term.trim();
  if (term === '') throw invalidField('term', 'the term is empty');
  const entry = { ...input, term };
  const severity = checkMerges(wordlists.current(), entry);
  let id: string;
  try {
    id = await context.db.transaction(async (tx) => {
      const created =
        entry.kind === 'term' && severity !== undefined
          ? await insertCustomTerm(tx, { term, category: entry.category, severity, match: entry.match, createdBy: context.user.id })
          : await insertCustomAllow(tx, { term, createdBy: context.user.id });
      const detail = entry.kind === 'term' ? { term, category: entry.category, severity, match: entry.match } : { term };
      await auditChange(tx, context, { action: `wordlist.${entry.kind}.add`, targetType: 'wordlist-entry', targetId: created, detail });
      await notifyControl(tx, { kind: 'wordlist' });
      return created;
    });
  } catch (error) {
    if (uniqueViolation(error) !== undefined)
      throw new AppError(
        'wordlist-entry-exists',
        409,
        entry.kind === 'term' ? `"${term}" is already a custom term in this category` : `"${term}" is already on the allow-list`,
      );
    throw error;
  }
  return resultFor(context, wordlists, id);
}

export async function setCustomWordEnabledAs(context: AdminContext, wordlists: WordlistService, entryId: string, enabled: boolean): Promise<CustomWordResult> {
  const entry = await findCustomWord(context.db, entryId);
  if (entry === undefined) throw notFound('wordlist-entry', entryId);
  assertTrustWide(context.user, wordlistScope);
  if (entry.enabled === enabled) return { entry, version: wordlists.current().version };
  await context.db.transaction(async (tx) => {
    await setCustomWordEnabled(tx, entry.kind, entry.id, enabled, context.now);
    await auditChange(tx, context, {
      action: enabled ? 'wordlist.entry.enable' : 'wordlist.entry.disable',
      targetType: 'wordlist-entry',
      targetId: entry.id,
      detail: { kind: entry.kind, term: entry.term, category: entry.category },
    });
    await notifyControl(tx, { kind: 'wordlist' });
  });
  return resultFor(context, wordlists, entry.id);
}

async function resultFor(context: AdminContext, wordlists: WordlistService, entryId: string): Promise<CustomWordResult> {
  // The control event reloads too (on every node); reloading here as well means the
  // answer already carries the new version. Reloads queue, so the two cannot interleave.
  const outcome = await wordlists.reload();
  const entry = await findCustomWord(context.db, entryId);
  if (entry === undefined) throw notFound('wordlist-entry', entryId);
  return { entry, version: outcome.version };
}
