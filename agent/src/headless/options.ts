import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { agentConfigSchema, type AgentConfig } from '../core/agent-config.ts';
import { defaultStateDir } from '../core/state-dir.ts';
import type { SystemModeOptions } from './system-mode.ts';

// Options of the headless agent, from (lowest to highest precedence) defaults, a JSON
// config file, the environment and command-line flags; validated once, frozen, and a bad
// value fails with one line naming where it came from.

export const USAGE = `usage: vigil-agent [options]     (from the repository: pnpm agent -- [options])

  --collector <url>      collector address, e.g. wss://collector.school.lan:8443  (VIGIL_COLLECTOR)
  --enrol-token <token>  one-time enrolment token from IT, needed on first start     (VIGIL_ENROL_TOKEN)
  --state-dir <path>     device identity, outbox and caches                           (VIGIL_STATE_DIR)
                         default /var/lib/vigil-agent as root, else ~/.local/state/vigil-agent
  --log-level <level>    fatal|error|warn|info|debug|trace|silent, default info      (VIGIL_LOG_LEVEL)
  --hostname <name>      name reported to the collector, default this computer's
  --pin <pin>            a key the collector may present (repeatable; base64url SHA-256 of its public
                         key, from \`pnpm vigil admin tls-pin\`); the enrolment token usually carries it
                                                                                     (VIGIL_COLLECTOR_PIN, comma-separated)
  --insecure             allow plain ws:// to another computer, or wss:// without a pinned key: the
                         device secret can then be read and the collector impersonated (labs only)
  --config <file>        JSON file with any of: collector, enrolToken, collectorPins (array), insecure,
                         stateDir, logLevel, hostname,
                         osUser, evidenceWidth, evidenceQuality, maxSpanMs, idleAfterSeconds,
                         idlePollMs, lockPollMs, typingPauseMs, reconnectBaseMs, reconnectCapMs,
                         authRetryMs, stopFlushMs, outboxMaxBytes, lockCommand (array)
  --system               run as the computer's root service: identity, outbox and caches in a state folder
                         only root can reach (checked at start), the signed-in user's session served by a
                         session helper running as that user (default: logind's active X11 session)
  --session-user <name>  with --system: serve this user's session instead of asking logind   (kiosks, tests)
  --display <:N>         with --session-user: that session's X display, default :0
  --xauthority <file>    with --session-user: the session's X cookie, readable by that user
  -h, --help             this text
  --no-supervise         pnpm agent only: run the agent without its supervisor (supervisor.ts), which
                         otherwise starts it again when it dies

Logs go to stderr as JSON lines (pino).`;

/** `system`: set with --system (SystemModeOptions), else the agent runs as whoever started it. */
export type OptionsResult = { ok: true; config: AgentConfig; system?: SystemModeOptions } | { ok: false; message: string } | { ok: 'help' };

const FLAGS = {
  collector: { type: 'string' },
  'enrol-token': { type: 'string' },
  'state-dir': { type: 'string' },
  'log-level': { type: 'string' },
  hostname: { type: 'string' },
  pin: { type: 'string', multiple: true },
  insecure: { type: 'boolean' },
  config: { type: 'string' },
  system: { type: 'boolean' },
  'session-user': { type: 'string' },
  display: { type: 'string' },
  xauthority: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FLAG_KEYS: Record<string, string> = {
  collector: 'collector',
  'enrol-token': 'enrolToken',
  'state-dir': 'stateDir',
  'log-level': 'logLevel',
  hostname: 'hostname',
};
const ENV_KEYS: Record<string, string> = {
  VIGIL_COLLECTOR: 'collector',
  VIGIL_ENROL_TOKEN: 'enrolToken',
  VIGIL_STATE_DIR: 'stateDir',
  VIGIL_LOG_LEVEL: 'logLevel',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function loadOptions(argv: readonly string[], env: NodeJS.ProcessEnv): OptionsResult {
  // `pnpm agent -- --flag` may hand the `--` through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return { ok: false, message: `${err instanceof Error ? err.message : String(err)} (see --help)` };
  }
  if (values.help === true) return { ok: 'help' };

  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  if (configPath !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (err) {
      return { ok: false, message: `--config ${configPath}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!isRecord(parsed)) return { ok: false, message: `--config ${configPath}: must hold a JSON object` };
    for (const [key, value] of Object.entries(parsed)) {
      merged[key] = value;
      origin.set(key, `"${key}" in ${configPath}`);
    }
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    merged[key] = value;
    origin.set(key, name);
  }
  // Pins: a comma-separated list in the environment, a repeatable flag.
  const envPins = env.VIGIL_COLLECTOR_PIN?.trim();
  if (envPins !== undefined && envPins !== '') {
    merged.collectorPins = envPins.split(',').map((pin) => pin.trim());
    origin.set('collectorPins', 'VIGIL_COLLECTOR_PIN');
  }
  if (Array.isArray(values.pin)) {
    merged.collectorPins = values.pin.flatMap((pin) => pin.split(',')).map((pin) => pin.trim());
    origin.set('collectorPins', '--pin');
  }
  if (values.insecure === true) {
    merged.insecure = true;
    origin.set('insecure', '--insecure');
  }
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const value = values[flag];
    if (typeof value !== 'string') continue;
    merged[key] = value;
    origin.set(key, `--${flag}`);
  }
  merged.stateDir ??= defaultStateDir();

  const result = agentConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : String(issue?.path[0] ?? '');
    const where = origin.get(key) ?? (key === '' ? 'options' : key);
    if (issue?.code === 'unrecognized_keys') return { ok: false, message: `${where}: unknown option (see --help)` };
    if (key === 'collector' && merged.collector === undefined)
      return { ok: false, message: 'no collector given: use --collector wss://host:8443 (or VIGIL_COLLECTOR)' };
    return { ok: false, message: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const config = result.data;
  if (config.lockCommand !== undefined) Object.freeze(config.lockCommand);
  const system = systemOptions(values);
  if (typeof system === 'string') return { ok: false, message: system };
  return system === undefined ? { ok: true, config: Object.freeze(config) } : { ok: true, config: Object.freeze(config), system };
}

/** --system and its session flags; a string is the one-line problem. */
function systemOptions(values: Record<string, string | boolean | string[] | undefined>): SystemModeOptions | string | undefined {
  const user = typeof values['session-user'] === 'string' ? values['session-user'] : undefined;
  const display = typeof values.display === 'string' ? values.display : undefined;
  const xauthority = typeof values.xauthority === 'string' ? values.xauthority : undefined;
  if (values.system !== true) {
    return user !== undefined || display !== undefined || xauthority !== undefined ? '--session-user, --display and --xauthority go with --system' : undefined;
  }
  if (user === undefined) return display !== undefined || xauthority !== undefined ? '--display and --xauthority go with --session-user' : {};
  if (!/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(user)) return `--session-user: not a user name: ${user}`;
  if (display !== undefined && !/^:\d+(\.\d+)?$/.test(display)) return `--display: must look like :0 (got ${display})`;
  if (xauthority !== undefined && !xauthority.startsWith('/')) return '--xauthority: must be an absolute path';
  return { session: { user, display: display ?? ':0', ...(xauthority === undefined ? {} : { xauthority }) } };
}

/** The configuration as it may appear in a log line: the enrolment token masked. */
export function describeOptions(config: AgentConfig): Record<string, unknown> {
  return { ...config, enrolToken: config.enrolToken === undefined ? undefined : '***' };
}
