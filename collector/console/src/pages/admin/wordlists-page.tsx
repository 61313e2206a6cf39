import { useId, useMemo, useState, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Loading } from '../../components/loading.tsx';
import { Options } from '../../components/options.tsx';
import { SeverityBadge } from '../../components/severity-badge.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { LoadFailure, StatusLine, useAnnouncer, useLoad, type Announce } from '../triage/page-kit.tsx';
import { RowButton } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { CustomWord, WordlistsResponse } from './admin-types.ts';
import { AddWordForm } from './add-word-form.tsx';
import { countText, filterAllow, filterBuiltin, filterCustom, type TermFilter } from './wordlist-filter.ts';

const MATCH_LABELS = { word: 'Whole word', phrase: 'Phrase', substring: 'Anywhere in a word' } as const;

/** Word lists: the built-in terms (read-only) and the school's own terms and allow-list entries. */
export function WordlistsPage(): JSX.Element {
  usePageTitle('Word lists');
  const lists = useLoad(() => adminApi.wordlists(), 'wordlists');
  const { message, announce, statusRef } = useAnnouncer();

  return (
    <section className="page" aria-labelledby="wordlists-heading">
      <h1 id="wordlists-heading">Word lists</h1>
      <p>
        Vigil’s built-in lists come from the <code>wordlists/</code> folder. Add your own terms and allow-list entries here; connected computers get the new
        list straight away.
      </p>
      <StatusLine message={message} statusRef={statusRef} />
      {lists.error !== undefined && <LoadFailure error={lists.error} what="see the word lists" onRetry={lists.reload} />}
      {lists.loading && lists.data === undefined && <Loading label="Loading word lists…" />}
      {lists.data !== undefined && <WordlistsView lists={lists.data} announce={announce} onChanged={lists.reload} />}
    </section>
  );
}

function WordlistsView(props: { readonly lists: WordlistsResponse; readonly announce: Announce; readonly onChanged: () => void }): JSX.Element {
  const id = useId();
  const [filter, setFilter] = useState<TermFilter>({ category: '', text: '' });
  const { lists } = props;
  const categoryLabel = (categoryId: string | null) => (categoryId === null ? '—' : (lists.categories.find((c) => c.id === categoryId)?.label ?? categoryId));

  const builtin = useMemo(() => filterBuiltin(lists.builtin, filter), [lists.builtin, filter]);
  const allow = useMemo(() => filterAllow(lists.builtinAllow, filter.text), [lists.builtinAllow, filter.text]);
  const custom = useMemo(() => filterCustom(lists.custom, filter), [lists.custom, filter]);

  const toggle = async (word: CustomWord) => {
    try {
      await adminApi.setCustomWordEnabled(word.id, !word.enabled);
      props.announce(`“${word.term}” ${word.enabled ? 'disabled' : 'enabled'}. Connected computers get the updated list.`);
      props.onChanged();
    } catch (error) {
      props.announce(`Could not change “${word.term}”: ${describeError(error)}`);
    }
  };

  return (
    <>
      <p className="field-help">
        List version <code>{lists.version.slice(0, 12)}</code> · {lists.builtin.length.toLocaleString('en-GB')} built-in terms ·{' '}
        {lists.custom.length.toLocaleString('en-GB')} of your own entries
      </p>

      <AddWordForm categories={lists.categories} announce={props.announce} onAdded={props.onChanged} />

      <div className="inline-form card" role="search" aria-label="Filter word lists">
        <div className="field">
          <label htmlFor={`${id}-category`}>Category</label>
          <select id={`${id}-category`} value={filter.category} onChange={(e) => setFilter((f) => ({ ...f, category: e.target.value }))}>
            <option value="">All categories</option>
            <Options items={lists.categories} label={(category) => category.label} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Filter words</label>
          <input id={`${id}-text`} type="search" value={filter.text} onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))} />
        </div>
      </div>

      <h2>Your own entries</h2>
      {custom.length === 0 ? (
        <p>{lists.custom.length === 0 ? 'None yet.' : 'None match the filter.'}</p>
      ) : (
        <DataTable
          testId="custom-words-table"
          caption="Your own terms and allow-list entries"
          columns={['Word or phrase', 'Kind', 'Category', 'Severity', 'Match', 'Added', 'State', 'Actions']}
        >
          {custom.map((word) => (
            <tr key={word.id} data-testid={`custom-word-${word.id}`} data-enabled={word.enabled ? 'true' : 'false'}>
              <th scope="row">{word.term}</th>
              <td>{word.kind === 'allow' ? 'Allow-list' : 'Term to flag'}</td>
              <td>{categoryLabel(word.category)}</td>
              <td>{word.severity === null ? word.kind === 'term' ? 'Category default' : '—' : <SeverityBadge severity={word.severity} />}</td>
              <td>{word.match === null ? '—' : MATCH_LABELS[word.match]}</td>
              <td>
                {formatDateTime(word.createdAt)}
                {word.createdBy === null ? '' : ` by ${word.createdBy}`}
              </td>
              <td>{word.enabled ? 'Enabled' : 'Disabled'}</td>
              <td className="cell-actions">
                <RowButton hiddenText={`“${word.term}”`} onClick={() => void toggle(word)}>
                  {word.enabled ? 'Disable' : 'Enable'}
                </RowButton>
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      <h2>Built-in terms</h2>
      <p aria-live="polite">{countText(builtin.shown.length, builtin.matching, 'terms')}</p>
      {builtin.shown.length > 0 && (
        <DataTable testId="builtin-terms-table" caption="Built-in terms, most severe first" columns={['Term', 'Category', 'Severity', 'Match']}>
          {builtin.shown.map((term) => (
            <tr key={`${term.category}:${term.term}`}>
              <th scope="row">{term.term}</th>
              <td>{categoryLabel(term.category)}</td>
              <td>
                <SeverityBadge severity={term.severity} />
              </td>
              <td>{MATCH_LABELS[term.match]}</td>
            </tr>
          ))}
        </DataTable>
      )}

      <details className="card">
        <summary>Built-in allow list ({lists.builtinAllow.length.toLocaleString('en-GB')} entries)</summary>
        <p>Innocent words that contain a listed term (“Scunthorpe”). A hit that lies wholly inside one of these is not reported.</p>
        <p>{countText(allow.shown.length, allow.matching, 'entries')}</p>
        <ul className="word-columns">
          {allow.shown.map((word) => (
            <li key={word}>{word}</li>
          ))}
        </ul>
      </details>
    </>
  );
}
