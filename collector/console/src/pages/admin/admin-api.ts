import type { AgentInstallResponse, DeviceRow, RoomSummary, SecuritySettings, UserRow } from '@vigil/shared/console';
import type { Policy } from '@vigil/shared/protocol';
import { api } from '../../api/client.ts';
import type {
  AddCustomWordRequest,
  CreateEnrolmentTokenResponse,
  CreateUserRequest,
  CustomWord,
  EnrolmentTokenRow,
  PolicyResponse,
  PolicyScope,
  RetentionClass,
  RetentionResponse,
  Site,
  UpdateUserRequest,
  WordlistsResponse,
} from './admin-types.ts';

// The administration pages' calls to /api (console-api.schema.ts, "Administration").

const part = (id: string) => encodeURIComponent(id);

export const adminApi = {
  sites: () => api.get<{ sites: Site[] }>('/api/sites'),
  createSite: (name: string) => api.post<unknown>('/api/sites', { name }),
  rooms: () => api.get<{ rooms: RoomSummary[] }>('/api/rooms'),
  createRoom: (siteId: string, name: string) => api.post<unknown>('/api/rooms', { siteId, name }),
  renameRoom: (roomId: string, name: string) => api.patch<unknown>(`/api/rooms/${part(roomId)}`, { name }),
  deleteRoom: (roomId: string) => api.del<unknown>(`/api/rooms/${part(roomId)}`),

  devices: (query: { siteId?: string; roomId?: string } = {}) => api.get<{ devices: DeviceRow[] }>('/api/devices', query),
  updateDevice: (deviceId: string, change: { roomId?: string | null; retired?: boolean }) => api.patch<unknown>(`/api/devices/${part(deviceId)}`, change),

  tokens: () => api.get<{ tokens: EnrolmentTokenRow[] }>('/api/enrolment-tokens'),
  createToken: (request: { siteId: string; roomId?: string; label?: string; uses: number; days: number }) =>
    api.post<CreateEnrolmentTokenResponse>('/api/enrolment-tokens', request),
  /** PUBLIC_URL, the agents' address and the packages served from /downloads (the install lines). */
  agentInstall: () => api.get<AgentInstallResponse>('/api/agent-install'),
  revokeToken: (tokenId: string) => api.post<{ row: EnrolmentTokenRow }>(`/api/enrolment-tokens/${part(tokenId)}/revoke`),

  policy: (scope: PolicyScope, scopeId: string) => api.get<PolicyResponse>(`/api/policies/${scope}/${part(scopeId)}`),
  setPolicy: (scope: PolicyScope, scopeId: string, overrides: Partial<Policy>) =>
    api.put<PolicyResponse | undefined>(`/api/policies/${scope}/${part(scopeId)}`, { overrides }),

  wordlists: () => api.get<WordlistsResponse>('/api/wordlists'),
  addCustomWord: (request: AddCustomWordRequest) => api.post<unknown>('/api/wordlists/custom', request),
  setCustomWordEnabled: (id: string, enabled: boolean) => api.patch<CustomWord | unknown>(`/api/wordlists/custom/${part(id)}`, { enabled }),

  users: () => api.get<{ users: UserRow[] }>('/api/users'),
  createUser: (request: CreateUserRequest) => api.post<unknown>('/api/users', request),
  updateUser: (userId: string, change: UpdateUserRequest) => api.patch<unknown>(`/api/users/${part(userId)}`, change),
  securitySettings: () => api.get<SecuritySettings>('/api/settings/security'),
  setSecuritySettings: (settings: SecuritySettings) => api.put<SecuritySettings | undefined>('/api/settings/security', settings),

  retention: () => api.get<RetentionResponse>('/api/retention'),
  setRetention: (rules: { dataClass: RetentionClass; days: number }[]) => api.put<RetentionResponse | undefined>('/api/retention', { rules }),
  purge: () => api.post<unknown>('/api/retention/purge'),
};
