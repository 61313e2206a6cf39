import { z } from 'zod';
import { categoryIdSchema, matchKindSchema, severitySchema } from '../protocol/wordlist.schema.ts';
import { policySchema } from '../protocol/policy.schema.ts';
import { textSchema } from '../protocol/primitives.schema.ts';
import { pupilRefSchema } from './pupil-ref.schema.ts';

// THE console ⇄ collector contract: every /api route's request and response and every
// /console/live socket message. The collector validates requests with these schemas and
// its route tests parse responses with them; the console (which may import only
// @vigil/shared) uses the inferred types. Ids are ULIDs; instants are ISO-8601 strings
// in JSON. Everything textual that came from a PC (titles, context, URLs, user names)
// is hostile input: render it as text, never as HTML.
//
// Errors from every route: `{ error: { code, message, details? } }` with a 4xx/5xx status.

// The collector's `users.role` and `alerts.status` columns (and their check constraints)
// are built from these two lists: a new role or status starts here.
export const userRoles = ['teacher', 'technician', 'dsl', 'admin', 'viewer'] as const;
export const userRoleSchema = z.enum(userRoles);
export type UserRole = z.infer<typeof userRoleSchema>;

export const alertStatuses = ['new', 'in-review', 'escalated', 'dismissed', 'resolved'] as const;
export const alertStatusSchema = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

const isoSchema = z.iso.datetime({ offset: true });
const idSchema = z.string().min(1).max(64);

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Extra facts: `fields` (validation-failed: which fields and why), `until` (account-locked) … */
    details: z
      .object({ fields: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
      .catchall(z.unknown())
      .optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

// ── Auth (/api/auth/*, implemented in collector/src/auth) ─────────────────────────────

export const roomRefSchema = z.object({ id: z.string(), name: z.string(), siteId: z.string() });
export type RoomRef = z.infer<typeof roomRefSchema>;

export const meResponseSchema = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: userRoleSchema, rooms: z.array(roomRefSchema) }),
  csrfToken: z.string(),
  totpEnrolmentRequired: z.boolean(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

// ── Rooms and live state (teacher + staff; scoped by roomScope) ───────────────────────

/** GET /api/rooms → the rooms the user may see (a teacher: their own; viewer: none → 403). */
export const roomSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  deviceCount: z.number().int(),
  onlineCount: z.number().int(),
});
export const roomsResponseSchema = z.object({ rooms: z.array(roomSummarySchema) });
export type RoomSummary = z.infer<typeof roomSummarySchema>;

export const deviceLockSchema = z.object({
  lockId: z.string(),
  message: z.string().nullable(),
  /** A timed lock lifts by itself at this instant (the console shows a countdown). */
  until: isoSchema.nullable(),
  by: z.string().nullable(),
  /** The agent confirmed the lock screen is up (lock-state with this lockId). */
  confirmed: z.boolean(),
});

/** Which agent a device runs and in which browser; on every device shape the console gets. */
const deviceAgentFields = {
  /** desktop: the PC agent; browser: the Chrome/Edge extension (Chromebooks too). */
  agentKind: z.enum(['desktop', 'browser']),
  /** "Chrome 131.0" for a browser agent; null for a desktop agent. */
  browser: z.string().nullable(),
};

/** One tile of the live view, also the payload of the `device` socket message. */
export const deviceTileSchema = z.object({
  id: z.string(),
  roomId: z.string().nullable(),
  hostname: z.string(),
  os: z.string(),
  ...deviceAgentFields,
  /** online: connected now; offline: not connected (last seen below). */
  connection: z.enum(['online', 'offline']),
  /** The teacher lock in force, or null. */
  lock: deviceLockSchema.nullable(),
  /** The PC reports it is locked (teacher, idle or OS lock). */
  screenLocked: z.boolean(),
  /** Why, from its last lock-state: idle (the agent's idle lock), os (the OS's own lock), teacher, startup; null: unknown or unlocked. */
  lockReason: z.enum(['idle', 'teacher', 'os', 'startup']).nullable().optional(),
  /** Offline because its last connection dropped without a goodbye (the agent was killed, the PC lost power or network, or tampering). */
  agentGone: z.boolean().optional(),
  idle: z.boolean(),
  idleSeconds: z.number().int(),
  osUser: z.string().nullable(),
  /** The browser agent's signed-in profile (personal data: shown only beside the OS user). */
  profileEmail: z.string().nullable(),
  /** The pupil the OS user or profile resolves to in the pupil directory (teachers see their own rooms' pupils). */
  pupil: pupilRefSchema.nullable().optional(),
  app: z.string().nullable(),
  title: z.string().nullable(),
  lastSeenAt: isoSchema.nullable(),
  /** Keyboard hook state from the last heartbeat. */
  keyboard: z.enum(['ok', 'paused', 'unavailable']).nullable(),
  /** The agent's disk is full (its state folder refuses writes, e.g. ENOSPC) since `since`: alerts go straight, nothing is stored on the PC. Null when healthy. */
  storageDegraded: z.object({ reason: z.string(), since: isoSchema.nullable() }).nullable().optional(),
  capabilities: z.array(z.string()),
});
export type DeviceTile = z.infer<typeof deviceTileSchema>;

/** GET /api/rooms/:roomId/devices */
export const roomDevicesResponseSchema = z.object({ room: roomSummarySchema, devices: z.array(deviceTileSchema) });
export type RoomDevicesResponse = z.infer<typeof roomDevicesResponseSchema>;

/** Which devices of the room a command targets; omitted = every device in the room. */
const targetDevices = z.array(idSchema).min(1).max(500).optional();

/** POST /api/rooms/:roomId/lock (teacher of the room, technician, dsl, admin) */
export const lockRequestSchema = z.strictObject({
  deviceIds: targetDevices,
  message: textSchema(500).optional(),
  /** Timed lock: lifts by itself after this many minutes (1..480). */
  minutes: z.number().int().min(1).max(480).optional(),
});
export type LockRequest = z.infer<typeof lockRequestSchema>;

/** POST /api/rooms/:roomId/unlock */
export const unlockRequestSchema = z.strictObject({ deviceIds: targetDevices });
export type UnlockRequest = z.infer<typeof unlockRequestSchema>;

/** POST /api/rooms/:roomId/message */
export const messageRequestSchema = z.strictObject({ deviceIds: targetDevices, text: textSchema(2000, 1) });
export type MessageRequest = z.infer<typeof messageRequestSchema>;

/** Answer of lock / unlock / message: which devices it went to and how many are connected. */
export const commandResponseSchema = z.object({
  deviceIds: z.array(z.string()),
  delivered: z.number().int(),
  lockId: z.string().optional(),
  /** A message's id, to ask which PCs showed it (GET /api/rooms/:roomId/messages/:messageId). */
  messageId: z.string().optional(),
});
export type CommandResponse = z.infer<typeof commandResponseSchema>;

/**
 * GET /api/rooms/:roomId/messages/:messageId: which PCs put a message on screen, and how — a desktop
 * notification, the agent's own window, or nowhere (the PC had no display: `via: 'none'`). A device
 * missing from `shown` has not said (an older agent, or not connected when it was sent).
 */
export const messageReceiptsResponseSchema = z.object({
  messageId: z.string(),
  deviceIds: z.array(z.string()),
  shown: z.array(z.object({ deviceId: z.string(), via: z.enum(['notification', 'window', 'none']), at: z.number() })),
});
export type MessageReceiptsResponse = z.infer<typeof messageReceiptsResponseSchema>;

// ── The console socket: WS /console/live (session cookie; Origin must match) ─────────
//
// Text frames are JSON messages below. Binary frames carry thumbnails:
//   [u32 big-endian header length][UTF-8 JSON LiveFrameHeader][image bytes]
// (the same layout as the agent protocol's binary frames, `encodeLiveFrame` below).
// Thumbnails stream only while this socket watches a room AND says it is visible; the
// hub asks agents to stream only while at least one visible viewer watches them.

export const liveClientMessageSchema = z.discriminatedUnion('type', [
  /** Watch one room (replaces the previous one); answered with `room`, or `error` room-forbidden. */
  z.strictObject({ type: z.literal('watch'), roomId: idSchema }),
  z.strictObject({ type: z.literal('unwatch') }),
  /** The page is visible (document.visibilityState); hidden pages get state but no frames. */
  z.strictObject({ type: z.literal('visibility'), visible: z.boolean() }),
  /** A larger, faster stream for one device of the watched room (null: back to the grid). */
  z.strictObject({ type: z.literal('focus'), deviceId: idSchema.nullable() }),
]);
export type LiveClientMessage = z.infer<typeof liveClientMessageSchema>;

export const liveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), user: z.string(), role: userRoleSchema }),
  z.object({ type: z.literal('room'), room: roomSummarySchema, devices: z.array(deviceTileSchema) }),
  /** A device of the watched room changed (connection, lock, idle, window, user). */
  z.object({ type: z.literal('device'), device: deviceTileSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof liveServerMessageSchema>;

export const liveFrameHeaderSchema = z.object({
  deviceId: z.string(),
  seq: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  /** When the collector received it (epoch ms), for latency measurement. */
  receivedAt: z.number(),
});
export type LiveFrameHeader = z.infer<typeof liveFrameHeaderSchema>;

/** Grid thumbnails and the focused device's stream, as asked of agents. */
export const LIVE_GRID = Object.freeze({ fps: 1, width: 320 });
export const LIVE_FOCUS = Object.freeze({ fps: 2, width: 960 });

// ── Triage (/api/alerts; technician, dsl, admin. Teachers and viewers: 403) ──────────

export const alertQuerySchema = z.strictObject({
  status: z.union([alertStatusSchema, z.literal('open'), z.literal('all')]).default('open'),
  category: categoryIdSchema.optional(),
  /** Minimum severity. */
  severity: z.coerce.number().int().min(1).max(5).optional(),
  roomId: idSchema.optional(),
  deviceId: idSchema.optional(),
  /** OS user name (exact, case-insensitive). */
  user: z.string().max(256).optional(),
  /** Free text over term, context, window title, URL, app, user name (never matches text withheld from the caller). */
  q: z.string().max(200).optional(),
  from: isoSchema.optional(),
  to: isoSchema.optional(),
  assignee: z.union([idSchema, z.literal('me'), z.literal('none')]).optional(),
  /** Only these alerts (comma-separated ids, at most 200): the live queue's look-up of alerts the console socket named. */
  ids: z
    .string()
    .max(200 * 65)
    .transform((text) =>
      text
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    )
    .pipe(z.array(z.string().max(64)).min(1).max(200))
    .optional(),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AlertQuery = z.input<typeof alertQuerySchema>;

export const screenshotInfoSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  /** The bytes have arrived (an alert can come before its screenshot). */
  available: z.boolean(),
  /** The category is restricted and this user has not revealed it: the image served is blurred. */
  blurred: z.boolean(),
  /** GET this (same origin) for the image; each fetch is audited. */
  url: z.string(),
});

export const alertSummarySchema = z.object({
  id: z.string(),
  ts: isoSchema,
  receivedAt: isoSchema,
  deviceId: z.string(),
  hostname: z.string(),
  roomId: z.string().nullable(),
  roomName: z.string().nullable(),
  /** Null when `withheld` (as are term, context, windowTitle, app and url). */
  osUser: z.string().nullable(),
  source: z.enum(['typed', 'title', 'url']),
  term: z.string().nullable(),
  /**
   * Every word-list term matched in the phrase (overlapping hits fold into one alert), the
   * primary first; null when `withheld`.
   */
  terms: z.array(z.object({ term: z.string(), category: z.string(), categoryLabel: z.string(), severity: severitySchema })).nullable(),
  /** The categories of all matched terms, the primary's first: shown even when the text is withheld. */
  categories: z.array(z.string()),
  category: z.string(),
  categoryLabel: z.string(),
  severity: severitySchema,
  restricted: z.boolean(),
  status: alertStatusSchema,
  assignee: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  context: z.string().nullable(),
  windowTitle: z.string().nullable(),
  app: z.string().nullable(),
  url: z.string().nullable(),
  hasScreenshot: z.boolean(),
  /** The pupil the OS user resolves to in the pupil directory; null when none, and when `withheld`. */
  pupil: pupilRefSchema.nullable(),
  /**
   * Restricted (or unknown) category and this user has no active reveal of the alert: term,
   * context, windowTitle, app, url and osUser are null whatever was stored.
   */
  withheld: z.boolean(),
});
export type AlertSummary = z.infer<typeof alertSummarySchema>;

/** GET /api/alerts?… ordered by severity desc, then ts desc. */
export const alertListResponseSchema = z.object({ alerts: z.array(alertSummarySchema), nextCursor: z.string().nullable(), total: z.number().int() });
export type AlertListResponse = z.infer<typeof alertListResponseSchema>;

export const alertEventSchema = z.object({
  id: z.number().int(),
  at: isoSchema,
  actor: z.string(),
  kind: z.enum(['status', 'note', 'assign', 'export']),
  fromStatus: alertStatusSchema.nullable(),
  toStatus: alertStatusSchema.nullable(),
  note: z.string().nullable(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** GET /api/alerts/:id (audited `alert.view`). */
export const alertDetailResponseSchema = z.object({
  alert: alertSummarySchema,
  screenshot: screenshotInfoSchema.nullable(),
  events: z.array(alertEventSchema),
  /** May this user reveal the blurred capture and withheld text (dsl only). */
  canReveal: z.boolean(),
});
export type AlertDetailResponse = z.infer<typeof alertDetailResponseSchema>;

// GET /api/alerts/:id/screenshot → the image (audited `screenshot.view`; blurred
// server-side for a restricted category until this user revealed it, so the unblurred
// bytes never reach a browser that may not see them). Cache-Control: no-store.

/** POST /api/alerts/:id/reveal (dsl only; audited `screenshot.reveal` with the reason). */
export const revealRequestSchema = z.strictObject({ reason: textSchema(500, 10) });
export type RevealRequest = z.infer<typeof revealRequestSchema>;

/** POST /api/alerts/:id/status */
export const statusRequestSchema = z.strictObject({ status: alertStatusSchema, note: textSchema(2000).optional() });
/** POST /api/alerts/:id/notes */
export const noteRequestSchema = z.strictObject({ note: textSchema(2000, 1) });
/** POST /api/alerts/:id/assign (null: unassign) */
export const assignRequestSchema = z.strictObject({ userId: idSchema.nullable() });
/** POST /api/alerts/:id/dismiss: a false positive, optionally allow-listing a word or phrase (pushed to agents). */
export const dismissRequestSchema = z.strictObject({ note: textSchema(2000).optional(), allow: textSchema(200, 1).optional() });
/** POST /api/alerts/:id/escalate: to the DSL. */
export const escalateRequestSchema = z.strictObject({ note: textSchema(2000).optional() });
export type StatusRequest = z.infer<typeof statusRequestSchema>;
export type NoteRequest = z.infer<typeof noteRequestSchema>;
export type AssignRequest = z.infer<typeof assignRequestSchema>;
export type DismissRequest = z.infer<typeof dismissRequestSchema>;
export type EscalateRequest = z.infer<typeof escalateRequestSchema>;

/** POST /api/alerts/bulk */
export const bulkRequestSchema = z.strictObject({
  ids: z.array(idSchema).min(1).max(200),
  action: z.enum(['resolve', 'dismiss', 'escalate', 'in-review', 'assign-me']),
  note: textSchema(2000).optional(),
});
export type BulkRequest = z.infer<typeof bulkRequestSchema>;
/** `refused`: the skipped alerts a closing rule kept open (`restricted-dsl-only`, `reason-required`), each with why. */
export const bulkResponseSchema = z.object({
  updated: z.array(z.string()),
  skipped: z.array(z.string()),
  refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
});

/** Any single-alert action answers with the alert as it now is. */
export const alertActionResponseSchema = z.object({ alert: alertSummarySchema, events: z.array(alertEventSchema) });

/** GET /api/alerts/:id/timeline: the same device's (and user's) activity and alerts around the alert (±30 min). */
export const timelineItemSchema = z.discriminatedUnion('kind', [
  // `withheld`: near an unrevealed restricted alert (activity) or itself restricted and unrevealed (alert): the text fields are null.
  z.object({
    kind: z.literal('activity'),
    id: z.string(),
    start: isoSchema,
    end: isoSchema,
    app: z.string().nullable(),
    title: z.string().nullable(),
    url: z.string().nullable(),
    osUser: z.string().nullable(),
    withheld: z.boolean(),
  }),
  z.object({
    kind: z.literal('alert'),
    id: z.string(),
    ts: isoSchema,
    term: z.string().nullable(),
    category: z.string(),
    severity: severitySchema,
    status: alertStatusSchema,
    withheld: z.boolean(),
  }),
]);
export const timelineResponseSchema = z.object({ items: z.array(timelineItemSchema), from: isoSchema, to: isoSchema });
export type TimelineItem = z.infer<typeof timelineItemSchema>;
export type TimelineResponse = z.infer<typeof timelineResponseSchema>;

/** GET /api/categories: the categories in force (labels, severities, restricted). Staff + viewer. */
export const categoriesResponseSchema = z.object({
  categories: z.array(z.object({ id: z.string(), label: z.string(), severity: severitySchema, restricted: z.boolean() })),
});

/** GET /api/reports/summary?from&to (viewer, dsl, admin, technician): counts only, no content. */
export const reportSummaryResponseSchema = z.object({
  from: isoSchema,
  to: isoSchema,
  byCategory: z.array(z.object({ category: z.string(), label: z.string(), count: z.number().int() })),
  byStatus: z.array(z.object({ status: alertStatusSchema, count: z.number().int() })),
  byDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
});

// ── Administration ────────────────────────────────────────────────────────────────────
// technician, dsl, admin: rooms, devices, enrolment tokens, policies, word lists.
// admin only: users, sites, retention.

export const siteSchema = z.object({ id: z.string(), name: z.string() });
/** GET /api/sites ; POST /api/sites (admin) */
export const sitesResponseSchema = z.object({ sites: z.array(siteSchema) });
export const createSiteRequestSchema = z.strictObject({ name: textSchema(100, 1) });

/** POST /api/rooms ; PATCH /api/rooms/:roomId ; DELETE /api/rooms/:roomId (empty rooms only) */
export const createRoomRequestSchema = z.strictObject({ siteId: idSchema, name: textSchema(100, 1) });
export const updateRoomRequestSchema = z.strictObject({ name: textSchema(100, 1) });

export const deviceRowSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  os: z.string(),
  osVersion: z.string().nullable(),
  agentVersion: z.string().nullable(),
  ...deviceAgentFields,
  siteId: z.string(),
  roomId: z.string().nullable(),
  roomName: z.string().nullable(),
  status: z.enum(['online', 'offline', 'silent']),
  lastSeenAt: isoSchema.nullable(),
  lastOsUser: z.string().nullable(),
  /** The browser agent's signed-in profile (personal data: shown only beside the last OS user). */
  profileEmail: z.string().nullable(),
  previousExit: z.enum(['bye', 'silent']).nullable(),
  enrolledAt: isoSchema,
  retired: z.boolean(),
});
export type DeviceRow = z.infer<typeof deviceRowSchema>;
/** GET /api/devices?roomId&siteId&q */
export const devicesResponseSchema = z.object({ devices: z.array(deviceRowSchema) });
/** PATCH /api/devices/:deviceId: move to a room (null: unassigned) or retire. */
export const updateDeviceRequestSchema = z.strictObject({ roomId: idSchema.nullable().optional(), retired: z.boolean().optional() });

export const enrolmentTokenRowSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  roomId: z.string().nullable(),
  label: z.string().nullable(),
  expiresAt: isoSchema,
  usesLeft: z.number().int(),
  createdAt: isoSchema,
  revokedAt: isoSchema.nullable(),
});
/** GET /api/enrolment-tokens */
export const enrolmentTokensResponseSchema = z.object({ tokens: z.array(enrolmentTokenRowSchema) });
/** POST /api/enrolment-tokens → the token itself, shown once. */
export const createEnrolmentTokenRequestSchema = z.strictObject({
  siteId: idSchema,
  roomId: idSchema.optional(),
  label: textSchema(100).optional(),
  uses: z.number().int().min(1).max(10_000).default(30),
  days: z.number().int().min(1).max(90).default(7),
});
/**
 * `agentUrl`: the collector's TLS address for agents (wss://host:8443), for the command shown
 * with the token; absent when the collector serves no TLS itself (behind a proxy).
 */
export const createEnrolmentTokenResponseSchema = z.object({ token: z.string(), row: enrolmentTokenRowSchema, agentUrl: z.string().optional() });
// POST /api/enrolment-tokens/:tokenId/revoke → { row }

export const policyScopeSchema = z.enum(['site', 'room', 'device']);
/** GET /api/policies/:scope/:scopeId → the layer set at this scope and the effective policy. */
export const policyResponseSchema = z.object({
  scope: policyScopeSchema,
  scopeId: z.string(),
  /** Only the keys set at this scope. */
  overrides: policySchema.partial(),
  effective: policySchema,
});
/** PUT /api/policies/:scope/:scopeId: replaces this scope's overrides (validated; pushed to agents). */
export const setPolicyRequestSchema = z.strictObject({ overrides: policySchema.partial() });

export const customWordSchema = z.object({
  id: z.string(),
  kind: z.enum(['term', 'allow']),
  term: z.string(),
  category: z.string().nullable(),
  severity: severitySchema.nullable(),
  match: matchKindSchema.nullable(),
  enabled: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: isoSchema,
});
/** GET /api/wordlists: built-in (files) and custom (database) entries, and the version in force. */
export const wordlistsResponseSchema = z.object({
  version: z.string(),
  categories: categoriesResponseSchema.shape.categories,
  builtin: z.array(z.object({ term: z.string(), category: z.string(), severity: severitySchema, match: matchKindSchema })),
  builtinAllow: z.array(z.string()),
  custom: z.array(customWordSchema),
});
/** POST /api/wordlists/custom: a custom term (with category) or an allow-list word. */
export const addCustomWordRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('term'),
    term: textSchema(200, 1),
    category: categoryIdSchema,
    severity: severitySchema.optional(),
    match: matchKindSchema.default('phrase'),
  }),
  z.strictObject({ kind: z.literal('allow'), term: textSchema(200, 1) }),
]);
/** PATCH /api/wordlists/custom/:id */
export const updateCustomWordRequestSchema = z.strictObject({ enabled: z.boolean() });

export const userRowSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  role: userRoleSchema,
  siteId: z.string().nullable(),
  rooms: z.array(roomRefSchema),
  totpEnrolled: z.boolean(),
  disabled: z.boolean(),
  lockedUntil: isoSchema.nullable(),
  lastLoginAt: isoSchema.nullable(),
});
export type UserRow = z.infer<typeof userRowSchema>;
/** GET /api/users (admin; dsl and technician get the list for assignment, without rooms) */
export const usersResponseSchema = z.object({ users: z.array(userRowSchema) });
/** POST /api/users (admin) */
export const createUserRequestSchema = z.strictObject({
  username: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ - @ only'),
  displayName: textSchema(100, 1),
  email: z.email().max(200).optional(),
  role: userRoleSchema,
  siteId: idSchema.nullable().default(null),
  roomIds: z.array(idSchema).max(200).default([]),
  /** At least 12 characters. */
  password: z.string().min(12).max(1024),
});
/** PATCH /api/users/:userId (admin): role, rooms, disable, unlock, reset password or TOTP. */
export const updateUserRequestSchema = z.strictObject({
  displayName: textSchema(100, 1).optional(),
  role: userRoleSchema.optional(),
  siteId: idSchema.nullable().optional(),
  roomIds: z.array(idSchema).max(200).optional(),
  disabled: z.boolean().optional(),
  unlock: z.literal(true).optional(),
  password: z.string().min(12).max(1024).optional(),
  resetTotp: z.literal(true).optional(),
});

/** Data classes with a retention period (the audit log itself is kept; it is append-only). */
export const retentionClassSchema = z.enum(['activity', 'alerts', 'screenshots', 'false-positives', 'idle-lock-events', 'sessions', 'pupil-leavers']);
/** GET /api/retention ; PUT /api/retention (admin): days each data class is kept. */
export const retentionResponseSchema = z.object({
  rules: z.array(z.object({ dataClass: retentionClassSchema, days: z.number().int(), lastPurgeAt: isoSchema.nullable() })),
});
export const setRetentionRequestSchema = z.strictObject({
  rules: z
    .array(z.strictObject({ dataClass: retentionClassSchema, days: z.number().int().min(1).max(3650) }))
    .min(1)
    .max(6),
});

// ── Audit (/api/audit; dsl and admin) ─────────────────────────────────────────────────

export const auditQuerySchema = z.strictObject({
  action: z.string().max(100).optional(),
  /** Actor user name or label (case-insensitive, exact). */
  actor: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: isoSchema.optional(),
  to: isoSchema.optional(),
  /** Entries with id below this (newest first). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;
export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: isoSchema,
  /** The actor's user name (or `system`, `cli:…`) as it was when the entry was written. */
  actor: z.string(),
  /** The acting user's id (null: the system or the command line). */
  actorUserId: z.string().nullable().optional(),
  /** The acting user's display name now (null: not a user, or since removed). */
  actorName: z.string().nullable().optional(),
  /** The target as people know it now (user: display name, device: host name, room: "name (site)", site: name, alert: "<category> alert"); null: gone or nameless. */
  targetName: z.string().nullable().optional(),
  /** An alert target: when it happened. */
  targetAt: isoSchema.nullable().optional(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntryRow = z.infer<typeof auditEntrySchema>;
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() });

// ── Getting started (/api/admin/getting-started; admin) ───────────────────────────────

export const gettingStartedStepIdSchema = z.enum(['site', 'room', 'token', 'device', 'alert']);
export type GettingStartedStepId = z.infer<typeof gettingStartedStepIdSchema>;
/** The first-run checklist, computed from the tables (a site, a room, a token, an enrolled PC, an alert). */
export const gettingStartedResponseSchema = z.object({
  steps: z.array(z.object({ id: gettingStartedStepIdSchema, done: z.boolean() })),
  complete: z.boolean(),
  /** A harmless phrase to type on a monitored PC for a test alert (checked against the word list in force); null: none hits. */
  testPhrase: z.string().nullable(),
  /** The category it raises, in words. */
  testCategory: z.string().nullable(),
  /** The room of the first enrolled PC, for the live view link; null: none yet. */
  liveRoomId: z.string().nullable(),
});
export type GettingStartedResponse = z.infer<typeof gettingStartedResponseSchema>;
