import { useId, useState, type FormEvent, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { Options } from '../../components/options.tsx';
import type { CategoryInfo } from '../triage/triage-types.ts';
import { SEVERITY_OPTIONS } from '../triage/severity.ts';
import { FormProblems } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { AddCustomWordRequest } from './admin-types.ts';
import type { Announce } from '../triage/page-kit.tsx';

type Kind = 'term' | 'allow';
type Match = 'word' | 'phrase' | 'substring';

/** Add a school term (with category, severity, match kind) or an allow-list entry. */
export function AddWordForm(props: { readonly categories: readonly CategoryInfo[]; readonly announce: Announce; readonly onAdded: () => void }): JSX.Element {
  const id = useId();
  const [kind, setKind] = useState<Kind>('term');
  const [term, setTerm] = useState('');
  const [category, setCategory] = useState('');
  const [severity, setSeverity] = useState('');
  const [match, setMatch] = useState<Match>('phrase');
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const chosenCategory = category !== '' ? category : (props.categories[0]?.id ?? '');
  const categoryDefault = props.categories.find((c) => c.id === chosenCategory)?.severity;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = term.trim();
    const found: string[] = [];
    if (text === '') found.push('Write the word or phrase.');
    if (text.length > 200) found.push('Keep it to 200 characters.');
    if (kind === 'term' && chosenCategory === '') found.push('Choose a category.');
    setProblems(found);
    if (found.length > 0) return;
    const request: AddCustomWordRequest =
      kind === 'allow'
        ? { kind: 'allow', term: text }
        : { kind: 'term', term: text, category: chosenCategory, match, ...(severity === '' ? {} : { severity: Number(severity) }) };
    setBusy(true);
    try {
      await adminApi.addCustomWord(request);
      props.announce(`“${text}” added ${kind === 'allow' ? 'to the allow list' : 'as a term to flag'}. Connected computers get the updated list.`);
      setTerm('');
      props.onAdded();
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form-grid" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-heading`} noValidate data-testid="add-word-form">
      <h2 id={`${id}-heading`} className="form-heading">
        Add to the word lists
      </h2>
      <FormProblems problems={problems} />
      <fieldset className="field">
        <legend>Kind</legend>
        <label className="check-label">
          <input type="radio" name={`${id}-kind`} value="term" checked={kind === 'term'} onChange={() => setKind('term')} />
          Term to flag
        </label>
        <label className="check-label">
          <input type="radio" name={`${id}-kind`} value="allow" checked={kind === 'allow'} onChange={() => setKind('allow')} />
          Allow-list entry (never flag)
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-term`}>Word or phrase</label>
        <input id={`${id}-term`} type="text" maxLength={200} autoComplete="off" value={term} onChange={(e) => setTerm(e.target.value)} />
      </div>
      {kind === 'term' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-category`}>Category</label>
            <select id={`${id}-category`} value={chosenCategory} onChange={(e) => setCategory(e.target.value)}>
              <Options items={props.categories} label={(category) => category.label} />
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-severity`}>Severity</label>
            <select id={`${id}-severity`} value={severity} onChange={(e) => setSeverity(e.target.value)}>
              <option value="">Category default{categoryDefault === undefined ? '' : ` (${categoryDefault})`}</option>
              {SEVERITY_OPTIONS.map((option) => (
                <option key={option.level} value={option.level}>
                  {option.text} — {option.meaning}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-match`}>Match</label>
            <select id={`${id}-match`} value={match} onChange={(e) => setMatch(e.target.value as Match)}>
              <option value="phrase">Phrase (whole words, in order)</option>
              <option value="word">Whole word</option>
              <option value="substring">Anywhere, even inside a word</option>
            </select>
          </div>
        </>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}
