import type { GettingStartedResponse, GettingStartedStepId } from '@vigil/shared/console';
import { compile, scanText } from '@vigil/shared/matcher';
import type { WordlistPayload } from '@vigil/shared/protocol';
import { and, asc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { alerts, devices, enrolmentTokens, rooms, sites } from '../db/schema/index.ts';

/**
 * The harmless phrase the checklist asks a newcomer to type on a monitored PC: it hits
 * "Filter circumvention" (severity 2, not restricted), so the test alert's capture is not
 * blurred and nothing about a pupil's welfare is suggested. Word lists change, so the
 * phrase is checked against the list in force (testPhraseFor).
 */
export const preferredTestPhrase = 'unblocked games';

export interface TestPhrase {
  readonly phrase: string;
  readonly categoryLabel: string;
}

let cached: { version: string; phrase: TestPhrase | null } | undefined;

/**
 * A phrase that raises an alert in an unrestricted category with the word list in force:
 * the preferred one, else the lowest-severity unrestricted term that hits on its own;
 * null when nothing does. Each candidate is run through the agents' own matcher, so the
 * console never suggests a phrase that would not fire (an allow-list entry, a removed term).
 */
export function testPhraseFor(wordlist: WordlistPayload): TestPhrase | null {
  if (cached?.version === wordlist.version) return cached.phrase;
  const open = new Map(wordlist.categories.filter((category) => !category.restricted).map((category) => [category.id, category.label]));
  const matcher = compile(wordlist);
  const fallbacks = wordlist.terms
    .filter((entry) => open.has(entry.category) && entry.match !== 'substring')
    .toSorted((a, b) => a.severity - b.severity)
    .map((entry) => entry.term);
  let phrase: TestPhrase | null = null;
  for (const candidate of [preferredTestPhrase, ...fallbacks.slice(0, 50)]) {
    const hit = scanText(matcher, candidate, 'typed').find((found) => open.has(found.category));
    if (hit !== undefined) {
      phrase = { phrase: candidate, categoryLabel: open.get(hit.category) ?? hit.category };
      break;
    }
  }
  cached = { version: wordlist.version, phrase };
  return phrase;
}

/** The steps, in the order the checklist shows them. */
export const gettingStartedSteps: readonly GettingStartedStepId[] = ['site', 'room', 'token', 'device', 'alert'];

const exists = async (query: Promise<unknown[]>): Promise<boolean> => (await query).length > 0;

/**
 * Which first-run steps are done, from the tables themselves (nothing is stored): a site,
 * a room, an enrolment token ever created, a computer that enrolled (it connected to do
 * so), and an alert received. `siteId` limits every count to one site (null: the trust).
 */
export async function gettingStartedProgress(db: Db, siteId: string | null, testPhrase: TestPhrase | null): Promise<GettingStartedResponse> {
  const inSite = (
    column: typeof sites.id | typeof rooms.siteId | typeof enrolmentTokens.siteId | typeof devices.siteId | typeof alerts.siteId,
  ): SQL | undefined => (siteId === null ? undefined : eq(column, siteId));
  const [site, room, token, device, alert] = await Promise.all([
    exists(db.select({ id: sites.id }).from(sites).where(inSite(sites.id)).limit(1)),
    exists(db.select({ id: rooms.id }).from(rooms).where(inSite(rooms.siteId)).limit(1)),
    exists(db.select({ id: enrolmentTokens.id }).from(enrolmentTokens).where(inSite(enrolmentTokens.siteId)).limit(1)),
    exists(
      db
        .select({ id: devices.id })
        .from(devices)
        .where(and(inSite(devices.siteId), eq(devices.retired, false)))
        .limit(1),
    ),
    exists(db.select({ id: alerts.id }).from(alerts).where(inSite(alerts.siteId)).limit(1)),
  ]);
  // Where the first PC can be watched: the room of the earliest enrolled computer that has one.
  const [first] = await db
    .select({ roomId: devices.roomId })
    .from(devices)
    .where(and(inSite(devices.siteId), eq(devices.retired, false), isNotNull(devices.roomId)))
    .orderBy(asc(devices.enrolledAt), asc(sql`${devices.id}`))
    .limit(1);
  const done: Record<GettingStartedStepId, boolean> = { site, room, token, device, alert };
  return {
    steps: gettingStartedSteps.map((id) => ({ id, done: done[id] })),
    complete: gettingStartedSteps.every((id) => done[id]),
    testPhrase: testPhrase?.phrase ?? null,
    testCategory: testPhrase?.categoryLabel ?? null,
    liveRoomId: first?.roomId ?? null,
  };
}
