// The unprivileged "pupil" of the root-service tests (agent-system-service, agent-deb): the
// session helper runs as this user. Made once per machine; needs root.
import { execFile } from 'node:child_process';

export const PUPIL = 'vigil-test-pupil';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command's exit code and output, never a throw. */
export function run(cmd: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs ?? 10_000, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The test user (a system user: no home, no login); its uid. */
export async function ensurePupil(): Promise<number> {
  const made = await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', PUPIL]);
  // 9: it exists already (another run made it).
  if (made.code !== 0 && made.code !== 9) throw new Error(`useradd ${PUPIL} failed: ${made.stderr}`);
  const id = await run('id', ['-u', PUPIL]);
  return Number(id.stdout.trim());
}
