import type { AlertDetailResponse, AlertListResponse, AlertQuery, AlertStatus, TimelineResponse, UserRow, RoomSummary } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import type { AlertActionResponse, BulkAction, BulkResponse, CategoriesResponse } from './triage-types.ts';

// The triage pages' calls to /api (console-api.schema.ts, "Triage"). One function per
// route so the pages read as what they do.

/** GET /api/alerts query: the contract's keys; values as they go in the URL. */
export type AlertApiQuery = Partial<Record<keyof AlertQuery, string | number>>;

const alertPath = (id: string, rest = '') => `/api/alerts/${encodeURIComponent(id)}${rest}`;

export const triageApi = {
  listAlerts: (query: AlertApiQuery) => api.get<AlertListResponse>('/api/alerts', query),
  alert: (id: string) => api.get<AlertDetailResponse>(alertPath(id)),
  timeline: (id: string) => api.get<TimelineResponse>(alertPath(id, '/timeline')),
  categories: () => api.get<CategoriesResponse>('/api/categories'),
  rooms: () => api.get<{ rooms: RoomSummary[] }>('/api/rooms'),
  users: () => api.get<{ users: UserRow[] }>('/api/users'),

  setStatus: (id: string, status: AlertStatus, note?: string) =>
    api.post<AlertActionResponse>(alertPath(id, '/status'), note === undefined || note.trim() === '' ? { status } : { status, note: note.trim() }),
  addNote: (id: string, note: string) => api.post<AlertActionResponse>(alertPath(id, '/notes'), { note }),
  assign: (id: string, userId: string | null) => api.post<AlertActionResponse>(alertPath(id, '/assign'), { userId }),
  escalate: (id: string, note?: string) =>
    api.post<AlertActionResponse>(alertPath(id, '/escalate'), note === undefined || note.trim() === '' ? {} : { note: note.trim() }),
  dismiss: (id: string, options: { note?: string; allow?: string }) => {
    const body: { note?: string; allow?: string } = {};
    if (options.note !== undefined && options.note.trim() !== '') body.note = options.note.trim();
    if (options.allow !== undefined && options.allow.trim() !== '') body.allow = options.allow.trim();
    return api.post<AlertActionResponse>(alertPath(id, '/dismiss'), body);
  },
  reveal: (id: string, reason: string) => api.post<unknown>(alertPath(id, '/reveal'), { reason: reason.trim() }),
  bulk: (ids: readonly string[], action: BulkAction) => api.post<BulkResponse>('/api/alerts/bulk', { ids, action }),
};
