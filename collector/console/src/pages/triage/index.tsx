import type { JSX } from 'react';
import { NotFound } from '../../components/not-allowed.tsx';
import { matchPath, useRoute } from '../../router.tsx';
import { AlertPage } from './alert-page.tsx';
import { QueuePage } from './queue-page.tsx';
import '../pages.css';

/** /triage (the queue) and /triage/:alertId (one alert). `path` is the full pathname. */
export function TriageRoutes(props: { path: string }): JSX.Element {
  const route = useRoute();
  if (props.path === '/triage' || props.path === '/triage/') return <QueuePage search={route.query.toString()} />;
  const match = matchPath('/triage/:alertId', props.path);
  if (match?.['alertId'] !== undefined) return <AlertPage key={match['alertId']} alertId={match['alertId']} />;
  return <NotFound home="/triage" />;
}
