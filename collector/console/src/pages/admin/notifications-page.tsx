import { useId, type JSX } from 'react';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { LoadFailure, useLoad } from '../triage/page-kit.tsx';
import { adminApi } from './admin-api.ts';
import { notificationsApi } from './notifications-api.ts';
import { MyNotificationsPanel } from './notifications-my-rule-panel.tsx';
import { SchedulePanel } from './notifications-schedule-panel.tsx';
import { SmtpPanel } from './notifications-smtp-panel.tsx';
import { WebhooksPanel } from './notifications-webhooks-panel.tsx';

/** Admin only: the school's delivery settings and each channel's state. */
function SchoolNotifications(): JSX.Element {
  const id = useId();
  const settings = useLoad(() => notificationsApi.settings(), 'notification-settings');
  const sites = useLoad(() => adminApi.sites(), 'notification-sites');
  const users = useLoad(() => adminApi.users(), 'notification-users');
  if (settings.error !== undefined) return <LoadFailure error={settings.error} what="manage notifications" onRetry={settings.reload} />;
  if (settings.data === undefined) return <Loading label="Loading notification settings…" />;
  const data = settings.data;
  return (
    <>
      {data.channels.length > 0 && (
        <section className="card" aria-labelledby={`${id}-channels`} data-testid="notification-channels">
          <h2 id={`${id}-channels`}>Delivery in the last day</h2>
          <ul>
            {data.channels.map((channel) => (
              <li key={channel.channel} className={channel.failing ? 'banner banner-error' : undefined}>
                <strong>{channel.channel}</strong>:{' '}
                {channel.failing ? `failing since ${formatDateTime(channel.failingSince ?? '')} — ${channel.lastError ?? ''}` : 'working'}
                {channel.queued > 0 && `, ${channel.queued} waiting`}
                {channel.lastSuccessAt !== null && `, last delivered ${formatDateTime(channel.lastSuccessAt)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
      <SmtpPanel settings={data} onSaved={settings.set} />
      <WebhooksPanel settings={data} reload={settings.reload} />
      <SchedulePanel settings={data} sites={sites.data?.sites ?? []} users={users.data?.users ?? []} onSaved={settings.set} />
    </>
  );
}

/** Administration → Notifications: everyone who triages sets their own e-mail; admins also the school's channels. */
export function NotificationsPage(): JSX.Element {
  usePageTitle('Notifications');
  const { me } = useSession();
  return (
    <section className="page" aria-labelledby="notifications-heading">
      <h1 id="notifications-heading">Notifications</h1>
      <p>
        Vigil e-mails and posts new alerts so that the right person hears of them at once. Messages carry the category, severity, room and time, and a link to
        the alert: never what was typed or seen.
      </p>
      <MyNotificationsPanel />
      {me.user.role === 'admin' && <SchoolNotifications />}
    </section>
  );
}
