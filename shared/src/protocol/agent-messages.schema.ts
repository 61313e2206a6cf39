import { z } from 'zod';
import { messageSchema } from './envelope.schema.ts';
import { categoryIdSchema, severitySchema } from './wordlist.schema.ts';
import {
  MAX_SCREENSHOT_BYTES,
  countSchema,
  epochMsSchema,
  hex64Schema,
  imageMimeSchema,
  pixelsSchema,
  textSchema,
  tokenSchema,
  ulidSchema,
} from './primitives.schema.ts';

// Messages an agent sends to the collector. Ids inside payloads (activity, alert,
// lock-state, idle-state) are the rows' primary keys: a replay after a reconnect
// carries the same id, so ingest stays idempotent.

const osUser = textSchema(256);
const app = textSchema(256);
const windowTitle = textSchema(1024);
const url = textSchema(2048);

export const agentKindSchema = z.enum(['desktop', 'browser']);

export const agentCapabilitySchema = z.enum(['keyboard', 'window', 'url', 'screenshot', 'lock', 'live', 'idle', 'message']);

export const helloAuthSchema = z.discriminatedUnion('kind', [
  /** First connection: a one-time / limited enrolment token created by IT. */
  z.object({ kind: z.literal('enrol'), token: tokenSchema(16, 128) }),
  /** Every later connection: the device id and secret handed out in `welcome`. */
  z.object({ kind: z.literal('device'), deviceId: ulidSchema, secret: tokenSchema(32, 128) }),
]);

export const helloPayloadSchema = z.object({
  auth: helloAuthSchema,
  agentVersion: textSchema(64, 1),
  os: z.object({ platform: textSchema(64, 1), release: textSchema(128), arch: textSchema(32, 1) }),
  hostname: textSchema(255, 1),
  osUser,
  capabilities: z.array(agentCapabilitySchema).max(16),
  /** The word list the agent already holds, so the collector can skip re-sending it. */
  wordlistVersion: hex64Schema.optional(),
  previousExit: z.enum(['clean', 'unclean', 'first-run']),
  /**
   * This run of the agent process (a ULID made at start), the same on every reconnect of the run, so the collector
   * records one unclean exit per run however often it reconnects. Optional: added after v1 shipped.
   */
  runId: ulidSchema.optional(),
  /** Which agent this is. Optional: added after v1 shipped; absent means the desktop agent. */
  agentKind: agentKindSchema.optional(),
  /** The browser the browser agent runs in (name as the browser reports it, e.g. Chrome, Edge, Chromium). */
  browser: z.object({ name: textSchema(64, 1), version: textSchema(64) }).optional(),
  /** The signed-in browser profile's e-mail (`chrome.identity.getProfileUserInfo`): the pupil on a managed Chromebook. */
  profileEmail: textSchema(320).optional(),
});

export const heartbeatPayloadSchema = z.object({
  uptimeSeconds: countSchema,
  locked: z.boolean(),
  idleSeconds: countSchema,
  keyboard: z.enum(['ok', 'paused', 'unavailable']),
  outbox: z.object({
    pending: countSchema,
    bytes: countSchema,
    droppedActivity: countSchema,
    droppedAlerts: countSchema,
    /** Torn or corrupt records and unreadable segments skipped (persisted across restarts). Optional: added after v1 shipped. */
    damaged: countSchema.optional(),
    /** Records the collector refused for good (an `error` naming them), dropped instead of re-sent forever. Optional. */
    rejected: countSchema.optional(),
  }),
  /**
   * Tamper and health signals. Optional: added after v1 shipped (an older collector strips it).
   * `keyboardHookRestarts`: the keyboard hook's process died and was restarted, since the agent started;
   * `agentRestarts`: the supervisor restarted the agent after it died, since the supervisor started;
   * `sessionHelperRestarts`: in system mode, the session helper (the signed-in user's process that
   * feeds the root service) died and was restarted, since the service started.
   */
  health: z
    .object({
      keyboardHookRestarts: countSchema,
      agentRestarts: countSchema,
      sessionHelperRestarts: countSchema,
    })
    .partial()
    .optional(),
  /**
   * Present while the agent runs degraded: its state folder refuses writes (`reason`: the file
   * system's error code, e.g. ENOSPC), since `since` (epoch ms); `heldInMemory` records wait in a
   * bounded in-memory queue or go straight over the socket. Optional: added after v1 shipped.
   */
  degraded: z
    .object({
      reason: textSchema(64, 1),
      since: epochMsSchema,
      heldInMemory: countSchema,
    })
    .optional(),
  /**
   * The teacher lock on screen now (its `lockId`), or null when none is: with `locked`, the PC's lock as it is,
   * so a collector that restarted (or a console that missed the lock-state) confirms the lock from the next
   * heartbeat. Optional: added after v1 shipped; absent from older agents (nothing is said either way).
   */
  teacherLockId: tokenSchema(1, 64).nullable().optional(),
});

/** One span of a focused window; repeated polls of the same window are merged into one. */
export const activityPayloadSchema = z
  .object({
    id: ulidSchema,
    app,
    title: windowTitle,
    url: url.optional(),
    osUser,
    start: epochMsSchema,
    end: epochMsSchema,
  })
  .refine((span) => span.end >= span.start, { path: ['end'], message: 'end must not be before start' });

export const screenshotRefSchema = z.object({
  sha256: hex64Schema,
  width: pixelsSchema,
  height: pixelsSchema,
  mime: imageMimeSchema,
  bytes: z.number().int().min(1).max(MAX_SCREENSHOT_BYTES),
});

/** Most terms one alert lists: a phrase that overlaps more is cut to its most severe ones. */
export const MAX_ALERT_TERMS = 16;

/** One word-list term matched in the phrase an alert reports. */
export const alertTermSchema = z.object({
  term: textSchema(200, 1),
  category: categoryIdSchema,
  severity: severitySchema,
});

export const alertPayloadSchema = z.object({
  id: ulidSchema,
  ts: epochMsSchema,
  source: z.enum(['typed', 'title', 'url']),
  /** The primary term: the most severe, and in a restricted category whenever `terms` has one. */
  term: textSchema(200, 1),
  category: categoryIdSchema,
  /** The highest severity of all terms matched. */
  severity: severitySchema,
  /**
   * Every term matched in the phrase, the primary first (overlapping terms are folded into
   * one alert). Optional: added after v1 shipped; absent means just `term`, and an older
   * collector strips it.
   */
  terms: z.array(alertTermSchema).min(1).max(MAX_ALERT_TERMS).optional(),
  /** At most 120 characters around the hit, already redacted by the agent (privacy promise). */
  context: textSchema(120),
  windowTitle,
  app,
  url: url.optional(),
  osUser,
  /** Present when a capture was taken; its bytes follow in a `screenshot` binary frame. */
  screenshot: screenshotRefSchema.optional(),
});

export const lockStatePayloadSchema = z.object({
  id: ulidSchema,
  locked: z.boolean(),
  reason: z.enum(['idle', 'teacher', 'os', 'startup']),
  at: epochMsSchema,
  lockId: tokenSchema(1, 64).optional(),
  message: textSchema(500).optional(),
});

/**
 * What the PC did with a teacher `message`: shown in a desktop notification, shown in the agent's own
 * on-screen window, or nowhere (no display: only logged). Sent once per message, after it was put on screen
 * (not merely received), so the console can say "shown" only for what a pupil could see. Added after v1
 * shipped: an older collector refuses it with an `error` naming it, and the agent drops it.
 */
export const messageShownPayloadSchema = z.object({
  id: ulidSchema,
  /** The collector's `message` id. */
  messageId: ulidSchema,
  via: z.enum(['notification', 'window', 'none']),
  at: epochMsSchema,
});

export const idleStatePayloadSchema = z.object({
  id: ulidSchema,
  idle: z.boolean(),
  at: epochMsSchema,
  idleSeconds: countSchema,
});

/** Live thumbnail metadata; the image follows in the same binary frame. */
export const framePayloadSchema = z.object({
  seq: countSchema,
  width: pixelsSchema,
  height: pixelsSchema,
  mime: imageMimeSchema,
  /** The screen has not changed since the previous frame: no image bytes follow. */
  unchanged: z.boolean().optional(),
  /** The focused window when the frame was taken, so the live tile's caption matches its picture. */
  app: app.optional(),
  title: windowTitle.optional(),
});

/** Evidence upload metadata; the image follows in the same binary frame. */
export const screenshotPayloadSchema = z.object({
  sha256: hex64Schema,
  width: pixelsSchema,
  height: pixelsSchema,
  mime: imageMimeSchema,
  alertId: ulidSchema.optional(),
});

export const byePayloadSchema = z.object({
  reason: z.enum(['shutdown', 'restart', 'update', 'logout']),
});

export const helloMessageSchema = messageSchema('hello', helloPayloadSchema);
export const heartbeatMessageSchema = messageSchema('heartbeat', heartbeatPayloadSchema);
export const activityMessageSchema = messageSchema('activity', activityPayloadSchema);
export const alertMessageSchema = messageSchema('alert', alertPayloadSchema);
export const lockStateMessageSchema = messageSchema('lock-state', lockStatePayloadSchema);
export const idleStateMessageSchema = messageSchema('idle-state', idleStatePayloadSchema);
export const messageShownMessageSchema = messageSchema('message-shown', messageShownPayloadSchema);
export const frameMessageSchema = messageSchema('frame', framePayloadSchema);
export const screenshotMessageSchema = messageSchema('screenshot', screenshotPayloadSchema);
export const byeMessageSchema = messageSchema('bye', byePayloadSchema);

export const agentMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  heartbeatMessageSchema,
  activityMessageSchema,
  alertMessageSchema,
  lockStateMessageSchema,
  idleStateMessageSchema,
  messageShownMessageSchema,
  frameMessageSchema,
  screenshotMessageSchema,
  byeMessageSchema,
]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentMessageType = AgentMessage['type'];
export type AgentCapability = z.infer<typeof agentCapabilitySchema>;
export type AgentKind = z.infer<typeof agentKindSchema>;
export type HelloAuth = z.infer<typeof helloAuthSchema>;
export type HelloPayload = z.infer<typeof helloPayloadSchema>;
export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;
export type ActivityPayload = z.infer<typeof activityPayloadSchema>;
export type ScreenshotRef = z.infer<typeof screenshotRefSchema>;
export type AlertPayload = z.infer<typeof alertPayloadSchema>;
export type AlertTerm = z.infer<typeof alertTermSchema>;
export type LockStatePayload = z.infer<typeof lockStatePayloadSchema>;
export type IdleStatePayload = z.infer<typeof idleStatePayloadSchema>;
export type MessageShownPayload = z.infer<typeof messageShownPayloadSchema>;
export type FramePayload = z.infer<typeof framePayloadSchema>;
export type ScreenshotPayload = z.infer<typeof screenshotPayloadSchema>;
export type ByePayload = z.infer<typeof byePayloadSchema>;
export type HelloMessage = z.infer<typeof helloMessageSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;
export type ActivityMessage = z.infer<typeof activityMessageSchema>;
export type AlertMessage = z.infer<typeof alertMessageSchema>;
export type LockStateMessage = z.infer<typeof lockStateMessageSchema>;
export type IdleStateMessage = z.infer<typeof idleStateMessageSchema>;
export type MessageShownMessage = z.infer<typeof messageShownMessageSchema>;
export type FrameMessage = z.infer<typeof frameMessageSchema>;
export type ScreenshotMessage = z.infer<typeof screenshotMessageSchema>;
export type ByeMessage = z.infer<typeof byeMessageSchema>;

/** Every agent message type, derived from the union so the list cannot drift. */
export const agentMessageTypes: readonly AgentMessageType[] = Object.freeze(agentMessageSchema.options.map((option) => option.shape.type.value));
