import { useEffect, useState, type FormEvent, type JSX } from 'react';
import type { RoomSummary } from '@vigil/shared/console';
import { navigate } from '../../router.tsx';
import { Options } from '../../components/options.tsx';
import {
  DEFAULT_FILTERS,
  STATUS_FILTERS,
  activeFilterCount,
  filterProblems,
  filtersToSearch,
  queueHref,
  type AlertFilters,
  type AssigneeFilter,
  type StatusFilter,
} from './alert-filters.ts';
import { SEVERITY_OPTIONS } from './severity.ts';
import type { CategoryInfo } from './triage-types.ts';

export interface QueueFiltersProps {
  readonly filters: AlertFilters;
  readonly categories: readonly CategoryInfo[];
  readonly rooms: readonly RoomSummary[];
}

/**
 * The queue's filter form. Changes apply on "Apply filters" (or Enter), not on every
 * keystroke or pick, so nothing moves under a keyboard or screen-reader user (WCAG 3.2.2),
 * and the result is a URL that can be shared.
 */
export function QueueFilters(props: QueueFiltersProps): JSX.Element {
  const [draft, setDraft] = useState<AlertFilters>(props.filters);
  const appliedKey = filtersToSearch(props.filters);
  // Back/forward or a pasted link changes the applied filters: show them.
  useEffect(() => setDraft(props.filters), [appliedKey]);

  // On a phone the alerts come first: the filters are folded until asked for.
  const [open, setOpen] = useState(() => !narrowScreen());
  const applied = activeFilterCount(props.filters);
  const problems = filterProblems(draft);
  const update = (patch: Partial<AlertFilters>) => setDraft((previous) => ({ ...previous, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length > 0) return;
    navigate(queueHref(draft));
  };

  return (
    <details className="queue-filters-fold" data-testid="queue-filters-fold" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{applied === 0 ? 'Filters' : `Filters (${applied} applied)`}</summary>
      <form className="queue-filters" onSubmit={submit} aria-labelledby="filters-heading" role="search">
        <h2 id="filters-heading" className="visually-hidden">
          Filters
        </h2>
        <div className="filters">
          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" value={draft.status} onChange={(e) => update({ status: e.target.value as StatusFilter })}>
              {STATUS_FILTERS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-severity">Minimum severity</label>
            <select
              id="filter-severity"
              value={draft.minSeverity ?? ''}
              onChange={(e) => update({ minSeverity: e.target.value === '' ? undefined : Number(e.target.value) })}
            >
              <option value="">Any</option>
              {SEVERITY_OPTIONS.map((option) => (
                <option key={option.level} value={option.level}>
                  {option.text}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-category">Category</label>
            <select id="filter-category" value={draft.category} onChange={(e) => update({ category: e.target.value })}>
              <option value="">Any</option>
              <Options items={props.categories} label={(category) => category.label} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-room">Room</label>
            <select id="filter-room" value={draft.roomId} onChange={(e) => update({ roomId: e.target.value })}>
              <option value="">Any</option>
              <Options items={props.rooms} label={(room) => `${room.siteName} · ${room.name}`} />
              {draft.roomId !== '' && !props.rooms.some((room) => room.id === draft.roomId) && <option value={draft.roomId}>Room {draft.roomId}</option>}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-assignee">Assigned to</label>
            <select id="filter-assignee" value={draft.assignee} onChange={(e) => update({ assignee: e.target.value as AssigneeFilter })}>
              <option value="">Anyone</option>
              <option value="me">Me</option>
              <option value="none">Nobody</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-user">Computer user name</label>
            <input
              id="filter-user"
              type="text"
              autoComplete="off"
              spellCheck={false}
              maxLength={256}
              value={draft.user}
              onChange={(e) => update({ user: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="filter-from">From (date)</label>
            <input id="filter-from" type="date" value={draft.from} onChange={(e) => update({ from: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="filter-to">To (date)</label>
            <input id="filter-to" type="date" value={draft.to} onChange={(e) => update({ to: e.target.value })} />
          </div>
          <div className="field field-wide">
            <label htmlFor="filter-q">Search text</label>
            <input
              id="filter-q"
              type="search"
              autoComplete="off"
              maxLength={200}
              value={draft.q}
              onChange={(e) => update({ q: e.target.value })}
              aria-describedby="filter-q-help"
            />
            <p className="field-help" id="filter-q-help">
              Matches the flagged term, typed context, window title, web address, program and user name — not in restricted alerts you have not revealed.
            </p>
          </div>
        </div>
        {problems.length > 0 && (
          <ul className="banner banner-error" role="alert">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDraft(DEFAULT_FILTERS);
              navigate('/triage');
            }}
          >
            Clear filters
          </button>
        </div>
      </form>
    </details>
  );
}

/** The phone layout's breakpoint (pages.css: 40rem). */
function narrowScreen(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 40rem)').matches;
}
