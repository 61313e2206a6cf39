// `pnpm vigil <command>`: the project CLI. Each command lives in its own module
// and is loaded only when asked for, so `vigil match` never opens a database.
const commands: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  match: () => import('./match.command.ts'),
  admin: () => import('./admin.command.ts'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : commands[name];
if (load === undefined) {
  console.error(`usage: vigil <${Object.keys(commands).join('|')}> …`);
  process.exitCode = 2;
} else {
  process.exitCode = await (await load()).run(args);
}
