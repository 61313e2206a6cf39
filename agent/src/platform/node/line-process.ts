import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LineProcess {
  readonly pid: number | undefined;
  /** Stops the process (SIGTERM); `onExit` is not called for a stop we asked for. */
  stop(): void;
}

export interface LineProcessOptions {
  env?: NodeJS.ProcessEnv;
  onLine(line: string): void;
  /** The process ended by itself (or failed to start); `detail` quotes the end of its stderr. */
  onExit?(detail: string): void;
}

/** A long-lived helper (e.g. `xprop -spy`) whose stdout is read line by line. */
export function spawnLineProcess(cmd: string, args: readonly string[], opts: LineProcessOptions): LineProcess {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stopped = false;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-1_000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!stopped) opts.onLine(line);
  });
  let reported = false;
  const report = (detail: string) => {
    if (stopped || reported) return;
    reported = true;
    opts.onExit?.(detail);
  };
  child.on('error', (err) => report(`${cmd}: ${err.message}`));
  child.on('close', (code, signal) => report(`${cmd} exited (${signal ?? String(code)}): ${stderr.trim()}`));
  return {
    get pid() {
      return child.pid;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}
