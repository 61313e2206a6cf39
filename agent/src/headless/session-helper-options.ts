// What the system service tells its session helper at start (`--options <json>`), and the
// helper's check of it. Plain TypeScript, no zod: the helper must stay a small process.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What the service tells the helper at start (`--options <json>`). */
export interface HelperOptions {
  logLevel: (typeof LOG_LEVELS)[number];
  lockCommand?: string[];
  /** In the user's own runtime folder: a restarted helper takes over a locker still on screen. */
  lockerPidFile?: string;
}

/** Checked by hand (no zod here: the helper stays small). Throws naming the bad key. */
export function parseHelperOptions(raw: unknown): HelperOptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('--options: not a JSON object');
  const { logLevel = 'info', lockCommand, lockerPidFile, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new Error(`--options: unknown key ${JSON.stringify(unknown)}`);
  if (!LOG_LEVELS.includes(logLevel as HelperOptions['logLevel'])) throw new Error(`--options: logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const options: HelperOptions = { logLevel: logLevel as HelperOptions['logLevel'] };
  if (lockCommand !== undefined) {
    if (!Array.isArray(lockCommand) || lockCommand.length === 0 || !lockCommand.every((a) => typeof a === 'string' && a !== '')) {
      throw new Error('--options: lockCommand must be a list of non-empty strings');
    }
    options.lockCommand = lockCommand as string[];
  }
  if (lockerPidFile !== undefined) {
    if (typeof lockerPidFile !== 'string' || lockerPidFile === '') throw new Error('--options: lockerPidFile must be a non-empty string');
    options.lockerPidFile = lockerPidFile;
  }
  return options;
}
