import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, enrolmentTokens, rooms } from '../db/schema/index.ts';
import { hashSecret } from '../security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { parseDuration, run } from './admin.command.ts';

/** Runs `vigil admin …` in-process and captures what it prints. */
async function admin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    const code = await run(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('vigil admin', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    // create-token reads (or makes) the collector's TLS key there: never in the working directory.
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-cli-test-'));
    vi.stubEnv('DATA_DIR', dataDir);
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('DATABASE_MIGRATION_URL', database.ownerUrl);
    vi.stubEnv('LOG_LEVEL', 'silent');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('create-room puts the room in the only site (created on demand) and audits it', async () => {
    const result = await admin('create-room', '--name', 'Science 2');
    expect(result.code).toBe(0);
    const [room] = await database.db.select().from(rooms).where(eq(rooms.id, result.out));
    expect(room?.name).toBe('Science 2');
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.targetId, result.out));
    expect(audit).toEqual([expect.objectContaining({ action: 'room.create', actorLabel: 'cli' })]);
  });

  it('create-token prints the token once and stores only its hash', async () => {
    const result = await admin('create-token', '--room', 'Science 2', '--uses', '30', '--expires', '24h');
    expect(result.code).toBe(0);
    // The collector's key pin rides along after a dot (the key is made on demand, 0600).
    expect(result.out).toMatch(/^vigil-enrol-[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
    expect(result.out.split('.')[1]).toBe((await admin('tls-pin')).out);
    expect((await stat(join(dataDir, 'tls', 'server.key'))).mode & 0o777).toBe(0o600);
    const [token] = await database.db.select().from(enrolmentTokens);
    expect(token).toMatchObject({ tokenHash: hashSecret(result.out), usesLeft: 30 });
    expect(JSON.stringify(token)).not.toContain(result.out);
    const hoursLeft = ((token?.expiresAt.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24);
  });

  it('create-token with TLS=off makes a token without a pin and says what agents need instead', async () => {
    vi.stubEnv('TLS', 'off');
    try {
      const result = await admin('create-token', '--room', 'Science 2');
      expect(result.out).toMatch(/^vigil-enrol-[A-Za-z0-9_-]{32}$/);
      expect(result.err).toContain('--pin');
    } finally {
      vi.stubEnv('TLS', '');
    }
  });

  it('list-devices prints a header even with no devices', async () => {
    const result = await admin('list-devices');
    expect(result).toMatchObject({ code: 0, out: 'ID  HOSTNAME  ROOM  STATUS  LAST SEEN  AGENT' });
    expect(await admin('list-devices', '--json')).toMatchObject({ code: 0, out: '[]' });
  });

  it('refuses bad input with a message and a non-zero code', async () => {
    expect(await admin('create-token', '--room', 'Nowhere')).toMatchObject({ code: 1, err: '--room: no room "Nowhere"' });
    expect(await admin('create-token', '--room', 'Science 2', '--uses', '0')).toMatchObject({ code: 2, err: '--uses must be an integer 1..10000' });
    expect(await admin('create-room')).toMatchObject({ code: 2, err: '--name is required' });
    expect((await admin('create-room', '--colour', 'red')).code).toBe(2);
    expect((await admin('frobnicate')).code).toBe(2);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['0d', undefined],
    ['7 weeks', undefined],
    ['', undefined],
  ])('%s → %s', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });
});
