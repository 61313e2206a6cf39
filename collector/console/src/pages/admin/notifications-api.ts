import type {
  CreateWebhookRequest,
  EscalationSettings,
  MyNotificationRule,
  MyNotificationsResponse,
  NotificationSettingsResponse,
  SetSchoolHoursRequest,
  TestSendResponse,
  UpdateSmtpSettingsRequest,
  UpdateWebhookRequest,
  Webhook,
} from '@vigil/shared/console';
import { api } from '../../api/client.ts';

// The Notifications page's calls to /api/notifications (shared/src/console/notifications.schema.ts).

const part = (id: string) => encodeURIComponent(id);

export const notificationsApi = {
  mine: () => api.get<MyNotificationsResponse>('/api/notifications/me'),
  setMine: (rule: MyNotificationRule) => api.put<MyNotificationsResponse>('/api/notifications/me', rule),
  categories: () => api.get<{ categories: { id: string; label: string; severity: number; restricted: boolean }[] }>('/api/categories'),

  settings: () => api.get<NotificationSettingsResponse>('/api/notifications/settings'),
  setSmtp: (request: UpdateSmtpSettingsRequest) => api.put<NotificationSettingsResponse>('/api/notifications/smtp', request),
  testSmtp: (to: string | undefined) => api.post<TestSendResponse>('/api/notifications/smtp/test', to === undefined ? {} : { to }),
  createWebhook: (request: CreateWebhookRequest) => api.post<Webhook>('/api/notifications/webhooks', request),
  updateWebhook: (id: string, request: UpdateWebhookRequest) => api.put<Webhook>(`/api/notifications/webhooks/${part(id)}`, request),
  deleteWebhook: (id: string) => api.del<unknown>(`/api/notifications/webhooks/${part(id)}`),
  testWebhook: (id: string) => api.post<TestSendResponse>(`/api/notifications/webhooks/${part(id)}/test`),
  setSchoolHours: (siteId: string, request: SetSchoolHoursRequest) =>
    api.put<NotificationSettingsResponse>(`/api/notifications/school-hours/${part(siteId)}`, request),
  setEscalation: (request: EscalationSettings) => api.put<NotificationSettingsResponse>('/api/notifications/escalation', request),
};

export const SEVERITY_OPTIONS: readonly { readonly value: number; readonly label: string }[] = [
  { value: 1, label: '1 · Very low and above' },
  { value: 2, label: '2 · Low and above' },
  { value: 3, label: '3 · Medium and above' },
  { value: 4, label: '4 · High and above' },
  { value: 5, label: '5 · Critical only' },
];

export const WEEKDAYS: readonly { readonly value: number; readonly label: string }[] = [
  { value: 1, label: 'Mon' },
  { value: 2, label: 'Tue' },
  { value: 3, label: 'Wed' },
  { value: 4, label: 'Thu' },
  { value: 5, label: 'Fri' },
  { value: 6, label: 'Sat' },
  { value: 7, label: 'Sun' },
];
