import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WordlistPayload } from '@vigil/shared';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { smallWordlists, termsHeader } from '../agent-services/testing/agent-services-fixtures.ts';
import { allowlistEntries, sites, wordlistEntries } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { WordlistService } from './wordlist.service.ts';

describe('WordlistService', () => {
  let database: TestDatabase;
  let lists: Awaited<ReturnType<typeof smallWordlists>>;
  let service: WordlistService;
  let pushed: WordlistPayload[];
  const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    lists = await smallWordlists();
    await database.db.delete(wordlistEntries);
    await database.db.delete(allowlistEntries);
    log.error.mockClear();
    pushed = [];
    // Reloads are driven by hand here; the watcher is tested through the plugin.
    service = new WordlistService({ path: lists.dir, db: database.db, log, watch: false });
  });
  afterEach(async () => {
    await service.close();
    await lists.remove();
  });

  const terms = () => service.current().terms.map((entry) => entry.term);

  it('loads the files and the enabled, trust-wide custom entries', async () => {
    const [site] = await database.db
      .insert(sites)
      .values({ name: `Site ${Date.now()}` })
      .returning();
    await database.db.insert(wordlistEntries).values([
      { term: 'unalive', category: 'self-harm', severity: 4 },
      { term: 'switched off', category: 'self-harm', severity: 4, enabled: false },
      { term: 'only here', category: 'bullying', severity: 2, siteId: site?.id },
    ]);
    await database.db.insert(allowlistEntries).values([{ term: 'therapist' }, { term: 'not me', enabled: false }]);
    await service.start();
    expect(terms()).toEqual(expect.arrayContaining(['loser', 'idiot', 'kms', 'unalive']));
    expect(terms()).not.toContain('switched off');
    expect(terms()).not.toContain('only here');
    expect(service.current().allow).toEqual(['scunthorpe', 'therapist']);
    expect(service.current().version).toMatch(/^[0-9a-f]{64}$/);
    expect(service.health()).toMatchObject({ status: 'ok' });
  });

  it('tells listeners only when the version changes', async () => {
    service.onChange((wordlist) => pushed.push(wordlist));
    await service.start();
    expect(pushed).toHaveLength(1);
    expect(await service.reload()).toMatchObject({ changed: false, problems: [] });
    expect(pushed).toHaveLength(1);
    await database.db.insert(wordlistEntries).values({ term: 'unalive', category: 'self-harm', severity: 4 });
    expect(await service.reload()).toMatchObject({ changed: true });
    expect(pushed.map((wordlist) => wordlist.version)).toEqual([pushed[0]?.version, service.current().version]);
  });

  it('keeps the last good files when one breaks, naming file and line, yet still applies custom entries', async () => {
    await service.start();
    const good = service.current();
    await appendFile(join(lists.dir, 'bullying.tsv'), 'numpty\tbulying\t2\tword\n');
    const broken = await service.reload();
    expect(broken).toMatchObject({ changed: false, version: good.version });
    expect(broken.problems[0]).toMatch(/^bullying\.tsv:4: .*bulying.*\[unknown-category\]$/);
    expect(service.current()).toBe(good);
    expect(service.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('bullying.tsv:4') as unknown as string });
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ file: 'bullying.tsv', line: 4 }), expect.stringContaining('keeping the last good list'));

    await database.db.insert(wordlistEntries).values({ term: 'unalive', category: 'self-harm', severity: 4 });
    expect(await service.reload()).toMatchObject({ changed: true });
    expect(terms()).toEqual(expect.arrayContaining(['loser', 'unalive']));
    expect(terms()).not.toContain('numpty');
    expect(service.health().status).toBe('degraded');

    await writeFile(join(lists.dir, 'bullying.tsv'), `${termsHeader}loser\tbullying\t2\tword\nnumpty\tbullying\t2\tword\n`);
    expect(await service.reload()).toMatchObject({ changed: true, problems: [] });
    expect(terms()).toEqual(expect.arrayContaining(['numpty', 'unalive']));
    expect(service.health().status).toBe('ok');
  });

  it('leaves out a custom entry the files no longer allow, and reports it', async () => {
    const [entry] = await database.db.insert(wordlistEntries).values({ term: 'bet365', category: 'gambling', severity: 2 }).returning();
    await database.db.insert(wordlistEntries).values({ term: 'unalive', category: 'self-harm', severity: 4 });
    await service.start();
    expect(terms()).toContain('unalive');
    expect(terms()).not.toContain('bet365');
    expect(service.health()).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining(`custom word-list entry ${entry?.id ?? '?'}`) as unknown as string,
    });
    await database.db.delete(wordlistEntries).where(eq(wordlistEntries.id, entry?.id ?? ''));
    await service.reload();
    expect(service.health().status).toBe('ok');
  });

  it('starts with an empty list and says so when the first load fails', async () => {
    await rm(join(lists.dir, 'categories.tsv'));
    await writeFile(join(lists.dir, 'bullying.tsv'), 'not a header\n');
    await service.start();
    expect(service.current()).toMatchObject({ terms: [], categories: [], allow: [] });
    const health = service.health();
    expect(health.status).toBe('degraded');
    expect(health.detail).toContain('bullying.tsv');
    expect(health.detail).toContain('EMPTY list in force');
    await writeFile(join(lists.dir, 'bullying.tsv'), `${termsHeader}loser\tbullying\t2\tword\n`);
    expect(await service.reload()).toMatchObject({ changed: true, problems: [] });
    expect(terms()).toContain('loser');
  });
});
