import { pino, type Logger } from 'pino';
import { run } from '../node/exec.ts';
import { guessXauthority, lookupUser, sameSession, type SessionTarget } from './session-target.ts';

// Which graphical session the system service serves: the one configured (a kiosk, a suite
// without logind, the tests: `--session-user pupil --display :0`) or, with logind, the active
// X11 session on seat0 — followed as people sign in and out and switch users.

export interface SessionWatcher {
  /** Calls `onTarget` with the session to serve now, and again whenever that changes. */
  start(onTarget: (target: SessionTarget | undefined) => void): void;
  stop(): void;
}

export interface ConfiguredSession {
  user: string;
  display: string;
  xauthority?: string;
}

/** A fixed session: the user is looked up once; a lookup failure is an operator error. */
export async function configuredSession(session: ConfiguredSession): Promise<SessionWatcher> {
  const entry = await lookupUser(session.user);
  const target: SessionTarget = { ...entry, display: session.display, xauthority: session.xauthority ?? guessXauthority(entry) };
  return {
    start: (onTarget) => onTarget(target),
    stop: () => undefined,
  };
}

/** `loginctl show-session … -p A -p B` output (A=value lines) as a record. */
export function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return props;
}

/** The session we can serve: a local, active X11 session of an ordinary user (not a greeter). */
export function servableSession(props: Record<string, string>): { uid: number; display: string } | undefined {
  const { Type, Class, Remote, State, Display, User } = props;
  if (Type !== 'x11' || Class !== 'user' || Remote === 'yes' || (State !== undefined && State !== 'active')) return undefined;
  if (Display === undefined || !/^:\d+(\.\d+)?$/.test(Display) || User === undefined || !/^\d+$/.test(User)) return undefined;
  return { uid: Number(User), display: Display };
}

const SESSION_PROPS = ['Type', 'Class', 'Remote', 'State', 'Display', 'User', 'Name'];

export interface LogindWatcherOptions {
  /** How often the seat's active session is read (one `loginctl` call). Default 5 s. */
  pollMs?: number;
  seat?: string;
  log?: Logger;
}

/** Follows seat0's active session through `loginctl` (no D-Bus library: one small call a poll). */
export function logindSessions(opts: LogindWatcherOptions = {}): SessionWatcher {
  const log = opts.log ?? pino({ level: 'silent' });
  const seat = opts.seat ?? 'seat0';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastId: string | undefined;
  let current: SessionTarget | undefined;
  const read = async (): Promise<SessionTarget | undefined> => {
    const id = (await run('loginctl', ['show-seat', seat, '-p', 'ActiveSession', '--value'], { timeoutMs: 5_000 })).stdout.trim();
    if (id === lastId) return current;
    lastId = id;
    if (id === '') return undefined;
    const args = ['show-session', id, ...SESSION_PROPS.flatMap((p) => ['-p', p])];
    const session = servableSession(parseProperties((await run('loginctl', args, { timeoutMs: 5_000 })).stdout));
    if (session === undefined) return undefined;
    const entry = await lookupUser(session.uid);
    return { ...entry, display: session.display, xauthority: guessXauthority(entry), sessionId: id };
  };
  return {
    start(onTarget) {
      const poll = async () => {
        try {
          const next = await read();
          if (!sameSession(next, current)) {
            current = next;
            log.info(
              { sessionId: lastId, user: next?.user, display: next?.display },
              next === undefined ? 'no graphical session to serve' : 'serving the active session',
            );
            onTarget(next);
          }
        } catch (err) {
          // Read again next time: a session being set up may not answer yet.
          lastId = undefined;
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the active session from logind');
        }
        if (!stopped) timer = setTimeout(() => void poll(), opts.pollMs ?? 5_000);
      };
      void poll();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
