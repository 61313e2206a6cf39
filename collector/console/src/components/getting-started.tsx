import { useEffect, useState, type JSX } from 'react';
import type { GettingStartedResponse } from '@vigil/shared/console';
import { api } from '../api/client.ts';
import { Link } from '../router.tsx';
import { checklistItems, isHidden, progressText, rememberHidden } from './getting-started-steps.ts';
import './getting-started.css';

/** While steps are open, the checklist looks again this often (a PC connecting, an alert arriving). */
const refreshMs = 10_000;

function browserStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The first-run checklist at the top of an admin's start page: site → room → token →
 * first PC → test alert, each ticked from the collector's tables and linking to where it
 * is done. Gone once every step is done, or when the user hides it (remembered in this
 * browser). A failure to load it hides it quietly: it is a guide, not the page.
 */
export function GettingStarted(props: { readonly userId: string }): JSX.Element | null {
  const [hidden, setHidden] = useState(() => isHidden(browserStore(), props.userId));
  const [progress, setProgress] = useState<GettingStartedResponse | undefined>();

  useEffect(() => {
    if (hidden) return undefined;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      api.get<GettingStartedResponse>('/api/admin/getting-started').then(
        (answer) => {
          if (!current) return;
          setProgress(answer);
          if (!answer.complete) timer = setTimeout(load, refreshMs);
        },
        () => {
          if (current) timer = setTimeout(load, refreshMs * 3);
        },
      );
    };
    load();
    return () => {
      current = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [hidden]);

  if (hidden || progress === undefined || progress.complete) return null;
  const items = checklistItems(progress);
  const next = items.find((item) => !item.done);

  const hide = () => {
    rememberHidden(browserStore(), props.userId);
    setHidden(true);
  };

  return (
    <section className="getting-started" aria-labelledby="getting-started-heading" data-testid="getting-started">
      <div className="getting-started-header">
        <h2 id="getting-started-heading">Getting started</h2>
        <p className="getting-started-progress" data-testid="getting-started-progress">
          {progressText(items)}
        </p>
        <button type="button" className="button button-quiet" onClick={hide}>
          Hide this checklist
        </button>
      </div>
      <ol className="getting-started-steps">
        {items.map((item) => (
          <li
            key={item.id}
            className={item.done ? 'step-done' : item === next ? 'step-next' : 'step-open'}
            data-testid={`getting-started-${item.id}`}
            data-done={item.done ? 'true' : 'false'}
          >
            <span className="step-mark" aria-hidden="true">
              {item.done ? '✓' : '○'}
            </span>
            <span className="visually-hidden">{item.done ? 'Done: ' : 'To do: '}</span>
            <Link to={item.href} aria-current={item === next ? 'step' : undefined}>
              {item.title}
            </Link>
            <span className="step-help"> — {item.help}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
