import { CliError, CliUsageError } from './admin-cli.ts';

/** Environment variable `create-user` reads the new password from (for scripts and tests). */
export const newPasswordVariable = 'VIGIL_NEW_PASSWORD';

/**
 * The new user's password: from VIGIL_NEW_PASSWORD, otherwise typed twice on the
 * terminal without echo. Never a flag: flags end up in shell history and `ps`.
 */
export async function readNewPassword(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env[newPasswordVariable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY !== true) {
    throw new CliUsageError(`no password: set ${newPasswordVariable} or run create-user on a terminal to be asked for it`);
  }
  const first = await promptHidden('Password for the new user: ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new CliError('the two passwords differ; nothing was created');
  return first;
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode (no echo) before the prompt shows, so nothing typed at once is echoed.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        // Raw mode swallows Ctrl-C's signal, so honour it here.
        if (char === '\u0003') return finish(new CliError('cancelled; nothing was created'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}
