import { spawn } from 'node:child_process';
import { verify } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, rooms, sites, userRooms, users } from '../db/schema/index.ts';
import { baseEnv, repoRoot, runNode } from '../testing/collector-process.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { run } from './admin.command.ts';

const cliScript = 'collector/src/cli/main.ts';
const password = 'correct horse battery staple';

async function admin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    return { code: await run(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `lines` once each prompt shows. */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, lines: string[]): Promise<{ code: number | null; output: string }> {
  const command = ['node', cliScript, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let prompts = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // Type only once the prompt is up (raw mode, no echo): earlier input would be echoed.
    const seen = (output.match(/(Password for the new user|Repeat the password): /g) ?? []).length;
    while (prompts < Math.min(seen, lines.length)) child.stdin.write(`${lines[prompts++] ?? ''}\r`);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('vigil admin create-user', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = baseEnv({ DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.ownerUrl, LOG_LEVEL: 'silent' });
    const [site] = await database.db.insert(sites).values({ name: 'Northfield' }).returning();
    if (site === undefined) throw new Error('no site');
    await database.db.insert(rooms).values([
      { siteId: site.id, name: 'ICT 1' },
      { siteId: site.id, name: 'ICT 2' },
    ]);
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('DATABASE_MIGRATION_URL', database.ownerUrl);
    vi.stubEnv('LOG_LEVEL', 'silent');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('creates a teacher as a real process, storing an argon2id hash and never the password', async () => {
    const result = await runNode(
      cliScript,
      ['admin', 'create-user', '--username', 'JSmith', '--role', 'teacher', '--display-name', 'Mr Smith', '--rooms', 'ICT 1,ICT 2'],
      {
        ...env,
        VIGIL_NEW_PASSWORD: password,
      },
    );
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) as unknown as string });
    const [user] = await database.db.select().from(users).where(eq(users.id, result.stdout));
    expect(user).toMatchObject({ username: 'JSmith', displayName: 'Mr Smith', role: 'teacher', siteId: null });
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(user?.passwordHash ?? '', password)).toBe(true);
    expect(await database.db.select().from(userRooms).where(eq(userRooms.userId, result.stdout))).toHaveLength(2);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.targetId, result.stdout));
    expect(audit).toMatchObject({ action: 'user.create', actorLabel: 'cli', detail: { username: 'JSmith', role: 'teacher' } });
    const everything = JSON.stringify(await database.db.select().from(users)) + JSON.stringify(await database.db.select().from(auditLog));
    expect(everything).not.toContain(password);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it('asks twice for the password on a terminal, without echoing it', async () => {
    const result = await runOnTerminal(['admin', 'create-user', '--username', 'dsl1', '--role', 'dsl'], env, [password, password]);
    expect(result.code).toBe(0);
    expect(result.output).toContain('Repeat the password:');
    expect(result.output).not.toContain(password);
    const [user] = await database.db.select().from(users).where(eq(users.username, 'dsl1'));
    expect(await verify(user?.passwordHash ?? '', password)).toBe(true);
  });

  it('refuses a second user with the same name, whatever the case', async () => {
    vi.stubEnv('VIGIL_NEW_PASSWORD', password);
    expect(await admin('create-user', '--username', 'jsmith', '--role', 'viewer')).toMatchObject({ code: 1, err: 'a user named "jsmith" already exists' });
  });

  it('names the bad flag and exits 2 on bad usage, creating nothing', async () => {
    vi.stubEnv('VIGIL_NEW_PASSWORD', password);
    const before = (await database.db.select().from(users)).length;
    expect(await admin('create-user', '--username', 'x1', '--role', 'pupil')).toMatchObject({
      code: 2,
      err: '--role must be one of teacher|technician|dsl|admin|viewer',
    });
    expect(await admin('create-user', '--role', 'admin')).toMatchObject({ code: 2, err: '--username is required' });
    expect(await admin('create-user', '--username', 'bad name', '--role', 'admin')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--username/) as unknown as string,
    });
    expect(await admin('create-user', '--username', 'tech1', '--role', 'technician', '--rooms', 'ICT 1')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--rooms/) as unknown as string,
    });
    expect(await admin('create-user', '--username', 'x2', '--role', 'teacher', '--rooms', 'Nowhere')).toMatchObject({
      code: 1,
      err: '--rooms: no room "Nowhere"',
    });
    vi.stubEnv('VIGIL_NEW_PASSWORD', 'short');
    expect(await admin('create-user', '--username', 'x3', '--role', 'admin')).toMatchObject({ code: 2, err: 'the password must be at least 12 characters' });
    vi.stubEnv('VIGIL_NEW_PASSWORD', 'Password1234!');
    expect(await admin('create-user', '--username', 'x3', '--role', 'admin')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^the password is a common password/) as unknown as string,
    });
    vi.stubEnv('VIGIL_NEW_PASSWORD', 'mrsbrown likes long walks');
    expect(await admin('create-user', '--username', 'mrsbrown', '--role', 'teacher')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/must not contain the user name/) as unknown as string,
    });
    vi.stubEnv('VIGIL_NEW_PASSWORD', '');
    expect(await admin('create-user', '--username', 'x4', '--role', 'admin')).toMatchObject({
      code: 2,
      err: expect.stringContaining('VIGIL_NEW_PASSWORD') as unknown as string,
    });
    expect(await database.db.select().from(users)).toHaveLength(before);
  });
});
