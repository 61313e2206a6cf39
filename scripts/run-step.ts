import { spawn } from 'node:child_process';

/** Runs one command with inherited output; resolves to its exit code. */
export function runStep(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  console.error(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', (err) => {
      console.error(`✖ ${label}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.error(`${code === 0 ? '✔' : '✖'} ${label} (${seconds} s)${signal ? ` killed by ${signal}` : ''}`);
      resolve(code ?? 1);
    });
  });
}
