import type {
  PupilField,
  PupilImportPreview,
  PupilImportResult,
  PupilListResponse,
  PupilPageResponse,
  UnmatchedUsernamesResponse,
} from '@vigil/shared/console';
import { api } from '../../api/client.ts';

/** The pupil directory's API (collector/src/pupils). */
export const pupilsApi = {
  preview: (siteId: string, csv: string, fileName: string, mapping?: readonly PupilField[]) =>
    api.post<PupilImportPreview>('/api/pupils/import/preview', { siteId, csv, fileName, ...(mapping === undefined ? {} : { mapping }) }),
  import: (siteId: string, csv: string, fileName: string, mapping: readonly PupilField[], full: boolean) =>
    api.post<PupilImportResult>('/api/pupils/import', { siteId, csv, fileName, mapping, full }),
  list: (q: string, status: 'active' | 'left' | 'all') => api.get<PupilListResponse>('/api/pupils', { q: q === '' ? undefined : q, status }),
  unmatched: () => api.get<UnmatchedUsernamesResponse>('/api/pupils/unmatched'),
  page: (pupilId: string) => api.get<PupilPageResponse>(`/api/pupils/${encodeURIComponent(pupilId)}`),
};
