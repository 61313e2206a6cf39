import { z } from 'zod';
import { pinSchema } from '@vigil/shared/protocol';

// The agent's own settings: where the collector is, where state lives, and the tunables
// of the services. School policy (sign-in patterns, cooldown, screenshots, heartbeat) is
// not here: it comes from the collector and is applied live.

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const collectorUrlSchema = z
  .string()
  .trim()
  .refine((raw) => URL.canParse(raw) && ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(raw).protocol) && new URL(raw).hostname !== '', {
    message: 'must be a ws://, wss://, http:// or https:// URL with a host',
  });

const positiveMs = z.number().int().min(1).max(86_400_000);

export const agentConfigSchema = z
  .object({
    /** The collector, e.g. ws://collector.school.lan:8080 (the /agent/v1 path is added when missing). */
    collector: collectorUrlSchema,
    /**
     * Keys the collector may present (base64url SHA-256 of its public key, `pnpm vigil admin
     * tls-pin`). Usually not needed: the enrolment token carries the pin. For a collector behind
     * a TLS proxy (TLS=off), or to move an agent to a collector it was not enrolled with.
     */
    collectorPins: z.array(pinSchema).min(1).max(8).optional(),
    /**
     * Allow plain ws:// to a collector that is not on this PC, or wss:// without a pinned key.
     * Anyone on the network path can then read the device secret and impersonate the
     * collector: for labs and trusted networks only. Warned about on every connection.
     */
    insecure: z.boolean().default(false),
    /** One-time enrolment token from IT; needed only until device.json exists. */
    enrolToken: z
      .string()
      .trim()
      .min(16)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    /** Folder for device.json, the outbox and cached policy / word list. */
    stateDir: z.string().min(1),
    logLevel: z.enum(logLevels).default('info'),
    /** Overrides of what hello reports (defaults: os.hostname(), the OS user running the agent). */
    hostname: z.string().min(1).max(255).optional(),
    osUser: z.string().max(256).optional(),
    /** Evidence screenshots: downscaled to this width, JPEG quality. */
    evidenceWidth: z.number().int().min(320).max(3840).default(1280),
    evidenceQuality: z.number().int().min(30).max(95).default(70),
    /** An active-window span is cut and sent at this length even if the window does not change. */
    maxSpanMs: positiveMs.default(300_000),
    /** Seconds without input after which the person counts as idle. */
    idleAfterSeconds: z.number().int().min(5).max(86_400).default(60),
    idlePollMs: positiveMs.default(5_000),
    /** How often the screen-lock state is read back (a locker closed at the keyboard). */
    lockPollMs: positiveMs.default(5_000),
    /** Typing that stops this long ends the line, so a phrase typed last is not held back. */
    typingPauseMs: positiveMs.default(5_000),
    /**
     * Reconnect delays: exponential from `reconnectBaseMs` to `reconnectCapMs`, jittered. The cap is 30 s: a
     * collector restarted under full load refuses or resets connections for a few seconds, and a minute's cap
     * left the agents that met that several times waiting up to a minute after it was back (`pnpm bench restart-storm`).
     */
    reconnectBaseMs: positiveMs.default(1_000),
    reconnectCapMs: positiveMs.default(30_000),
    /** After the collector refuses our credentials (4401) wait this long: never hammer it. */
    authRetryMs: positiveMs.default(600_000),
    /** On an orderly stop, wait at most this long for the outbox to drain before `bye`. */
    stopFlushMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Bound on the outbox's pending bytes (default 50 MiB). */
    outboxMaxBytes: z.number().int().min(1_048_576).max(10_737_418_240).optional(),
    /** `command` screen locker: the command and its arguments (default i3lock -n -c 000000). */
    lockCommand: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export type AgentConfig = Readonly<z.infer<typeof agentConfigSchema>>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** Validates once and freezes; throws with one line naming the first bad option. */
export function parseAgentConfig(input: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new Error(path === '' ? `config: ${issue?.message ?? 'invalid'}` : `config: ${path} ${issue?.message ?? 'is invalid'}`);
  }
  const config = result.data;
  if (config.lockCommand !== undefined) Object.freeze(config.lockCommand);
  return Object.freeze(config);
}

export { agentSocketUrl } from '@vigil/shared/protocol';
