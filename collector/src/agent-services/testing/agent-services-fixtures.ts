import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AgentHub } from '../../agents/agent-hub.contract.ts';
import { loadConfig } from '../../config/config.ts';
import type { Db } from '../../db/database.ts';
import { devices, rooms, sites } from '../../db/schema/index.ts';
import contextPlugin from '../../plugins/context.plugin.ts';
import healthPlugin from '../../plugins/health.plugin.ts';
import { hashSecret } from '../../security/secrets.ts';
import type { TestDatabase } from '../../testing/test-database.ts';
import { testLogger } from '../../testing/test-database.ts';
import agentServicesPlugin from '../../plugins/agent-services.plugin.ts';

export const termsHeader = 'term\tcategory\tseverity\tmatch\n';

/** A small word-list folder in a temporary directory: two categories, a few terms, an allow-list. */
export async function smallWordlists(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-wordlists-'));
  await writeFile(join(dir, 'categories.tsv'), 'id\tlabel\tseverity\trestricted\nbullying\tBullying\t3\tno\nself-harm\tSelf-harm\t4\tyes\n');
  await writeFile(join(dir, 'bullying.tsv'), `${termsHeader}loser\tbullying\t2\tword\nidiot\tbullying\t2\tword\n`);
  await writeFile(join(dir, 'self-harm.tsv'), `${termsHeader}kms\tself-harm\t4\tword\n`);
  await writeFile(join(dir, 'allow.tsv'), 'term\tnote\nscunthorpe\ta town\n');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Estate {
  readonly siteId: string;
  readonly otherSiteId: string;
  readonly roomA: string;
  readonly roomB: string;
  /** a1, a2 in room A; b1 in room B; c1 on the other site; loose on the site with no room. */
  readonly device: Readonly<Record<'a1' | 'a2' | 'b1' | 'c1' | 'loose', string>>;
}

/** Two sites, two rooms and five devices. */
export async function seedEstate(db: Db): Promise<Estate> {
  const [site, otherSite] = await db
    .insert(sites)
    .values([{ name: 'Northfield' }, { name: 'Southfield' }])
    .returning();
  if (site === undefined || otherSite === undefined) throw new Error('no sites');
  const [roomA, roomB] = await db
    .insert(rooms)
    .values([
      { siteId: site.id, name: 'ICT 1' },
      { siteId: site.id, name: 'ICT 2' },
    ])
    .returning();
  if (roomA === undefined || roomB === undefined) throw new Error('no rooms');
  const device = async (hostname: string, siteId: string, roomId: string | null): Promise<string> => {
    const [row] = await db
      .insert(devices)
      .values({ hostname, os: 'linux', siteId, roomId, secretHash: hashSecret(hostname) })
      .returning({ id: devices.id });
    if (row === undefined) throw new Error('no device');
    return row.id;
  };
  return {
    siteId: site.id,
    otherSiteId: otherSite.id,
    roomA: roomA.id,
    roomB: roomB.id,
    device: {
      a1: await device('ict1-pc01', site.id, roomA.id),
      a2: await device('ict1-pc02', site.id, roomA.id),
      b1: await device('ict2-pc01', site.id, roomB.id),
      c1: await device('south-pc01', otherSite.id, null),
      loose: await device('library-pc', site.id, null),
    },
  };
}

/**
 * Just enough app for the agent services: context, health, an AgentHub stand-in and the
 * plugin under test (the real gateway is tested with the real app).
 */
export async function agentServicesApp(database: TestDatabase, options: { wordlistsDir: string; hub?: AgentHub }): Promise<FastifyInstance> {
  const loaded = loadConfig({ LOG_LEVEL: 'silent', WORDLISTS_DIR: options.wordlistsDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const loggerInstance: FastifyBaseLogger = testLogger();
  const app = Fastify({ loggerInstance });
  await app.register(contextPlugin, { config: loaded.config, database: database.database });
  if (options.hub !== undefined) app.decorate('agentHub', options.hub);
  await app.register(healthPlugin);
  await app.register(agentServicesPlugin);
  await app.ready();
  return app;
}
