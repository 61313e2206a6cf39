import {
  alertDetailResponseSchema,
  alertListResponseSchema,
  pupilImportPreviewSchema,
  pupilImportResultSchema,
  pupilListResponseSchema,
  pupilPageResponseSchema,
  roomDevicesResponseSchema,
  unmatchedUsernamesResponseSchema,
  type PupilField,
} from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, devices, pupilAccounts, pupilImportRuns, pupils } from '../db/schema/index.ts';
import { buildTriageTestApp, call, insertAlert, insertSpan, staff, type TriageTestApp } from '../triage/testing/triage-fixtures.ts';
import { pupilFor, pupilsForAlerts } from '../triage/pupil-match.ts';
import { deleteLeaversBefore } from './pupils.repository.ts';

// The pupil directory against real PostgreSQL through the whole app: preview, import,
// re-import, leavers, matching logins to pupils, the pupil withheld with the OS user of a
// restricted alert, and who may do what.

let t: TriageTestApp;

const messy = [
  '\uFEFFUPN,Legal Surname,Legal Forename,Preferred Forename,Year,Reg Group,Classes,Username,Email,Dietary Needs',
  'A100,Smith,Jonathan,Jon,Year 7,7AB,"7A/Ma1, 7A/En2",SCHOOL\\JSmith,Jon.Smith@School.org,none',
  '',
  'A100,Smith,Jonathan,Jon,Year 7,7AB,"7A/Ma1, 7A/En2",SCHOOL\\JSmith,Jon.Smith@School.org,none',
  'A200,"O\'Brien, Jr",Aoife,,8,8CD,8B/Ma2,aobrien,,"nuts, ""all"""',
  'A300,Patel,,,Year 9,9EF,,cpatel,,',
  'A400,Jones,Megan,,Year 15,10GH,,jsmith,megan@school.org,',
].join('\r\n');

const preview = async (csv: string) => {
  const response = await call(t, await staff(t, 'technician'), 'POST', '/api/pupils/import/preview', { siteId: t.estate.siteId, csv });
  expect(response.statusCode, response.body).toBe(200);
  return pupilImportPreviewSchema.parse(response.json());
};

const importCsv = async (csv: string, mapping: readonly PupilField[], extra: { full?: boolean } = {}) => {
  const response = await call(t, await staff(t, 'admin'), 'POST', '/api/pupils/import', {
    siteId: t.estate.siteId,
    csv,
    mapping,
    fileName: 'sims.csv',
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(200);
  return pupilImportResultSchema.parse(response.json());
};

const pupilRows = () => t.database.db.select().from(pupils).orderBy(pupils.misId);

beforeAll(async () => {
  t = await buildTriageTestApp();
});

afterAll(async () => {
  await t?.close();
});

describe('preview and import of a messy MIS export', () => {
  let mapping: PupilField[];

  it('previews: detected columns, the proposed mapping, the first rows read, every problem by row; nothing written', async () => {
    const result = await preview(messy);
    expect(result.delimiter).toBe(',');
    expect(result.columns.map((column) => column.header)).toEqual([
      'UPN',
      'Legal Surname',
      'Legal Forename',
      'Preferred Forename',
      'Year',
      'Reg Group',
      'Classes',
      'Username',
      'Email',
      'Dietary Needs',
    ]);
    expect(result.mapping).toEqual([
      'misId',
      'legalFamilyName',
      'legalGivenName',
      'givenName',
      'yearGroup',
      'tutorGroup',
      'classes',
      'osUsername',
      'microsoftAccount',
      'ignore',
    ]);
    expect(result.rowCount).toBe(5);
    expect(result.rows.map((row) => [row.misId, row.givenName, row.familyName, row.yearGroup])).toEqual([
      ['A100', 'Jon', 'Smith', 'Year 7'],
      ['A200', 'Aoife', "O'Brien, Jr", 'Year 8'],
      ['A400', 'Megan', 'Jones', null],
    ]);
    expect(result.problems.map((problem) => [problem.row, problem.code])).toEqual([
      [null, 'unknown-column'],
      [4, 'duplicate-row'],
      [6, 'missing-name'],
      [7, 'bad-year-group'],
      [7, 'duplicate-username'],
    ]);
    expect(await pupilRows()).toEqual([]);
    mapping = result.mapping;
  });

  it('imports with the confirmed mapping in one go, audited with the run', async () => {
    const result = await importCsv(messy, mapping);
    expect(result).toMatchObject({ rows: 5, added: 3, updated: 0, unchanged: 0, left: 0 });
    expect(result.problems.map((problem) => problem.code)).toContain('missing-name');
    const rows = await pupilRows();
    expect(rows.map((row) => [row.misId, row.givenName, row.familyName, row.yearGroup, row.tutorGroup, row.classes, row.status])).toEqual([
      ['A100', 'Jon', 'Smith', 'Year 7', '7AB', ['7A/Ma1', '7A/En2'], 'active'],
      ['A200', 'Aoife', "O'Brien, Jr", 'Year 8', '8CD', ['8B/Ma2'], 'active'],
      ['A400', 'Megan', 'Jones', null, '10GH', [], 'active'],
    ]);
    const accounts = await t.database.db
      .select({ kind: pupilAccounts.kind, username: pupilAccounts.username })
      .from(pupilAccounts)
      .orderBy(pupilAccounts.username);
    expect(accounts).toEqual([
      { kind: 'os', username: 'aobrien' },
      { kind: 'microsoft', username: 'jon.smith@school.org' },
      { kind: 'os', username: 'jsmith' },
      { kind: 'microsoft', username: 'megan@school.org' },
    ]);
    const [run] = await t.database.db.select().from(pupilImportRuns).where(eq(pupilImportRuns.id, result.runId));
    expect(run).toMatchObject({ added: 3, rows: 5, fileName: 'sims.csv', fullImport: true });
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'pupils.import'));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatchObject({ runId: result.runId, added: 3 });
  });

  it('re-imports without duplicating: unchanged rows stay, changes update by UPN, missing pupils are marked left', async () => {
    const next = ['UPN;Preferred Forename;Legal Surname;Year;Reg Group;Username', 'A100;Jon;Smith;Year 8;8AB;jsmith', 'A500;Sam;Lee;Year 7;7XY;slee'].join(
      '\n',
    );
    const result = await importCsv(next, ['misId', 'givenName', 'familyName', 'yearGroup', 'tutorGroup', 'osUsername']);
    expect(result).toMatchObject({ added: 1, updated: 1, unchanged: 0, left: 2 });
    const rows = await pupilRows();
    expect(rows.map((row) => [row.misId, row.yearGroup, row.status, row.leftAt === null])).toEqual([
      ['A100', 'Year 8', 'active', true],
      ['A200', 'Year 8', 'left', false],
      ['A400', null, 'left', false],
      ['A500', 'Year 7', 'active', true],
    ]);
    // The file had no e-mail column: Jon keeps his Microsoft account.
    const jonAccounts = await t.database.db
      .select({ username: pupilAccounts.username })
      .from(pupilAccounts)
      .innerJoin(pupils, eq(pupils.id, pupilAccounts.pupilId))
      .where(eq(pupils.misId, 'A100'));
    expect(jonAccounts.map((account) => account.username).sort()).toEqual(['jon.smith@school.org', 'jsmith']);
    // The same file again changes nothing.
    expect(await importCsv(next, ['misId', 'givenName', 'familyName', 'yearGroup', 'tutorGroup', 'osUsername'])).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
      left: 0,
    });
    expect(await pupilRows()).toHaveLength(4);
  });

  it('a partial import leaves the others alone and will not take a username another pupil holds', async () => {
    const result = await importCsv('UPN,Forename,Surname,Username\nA600,Ann,Ash,slee\n', ['misId', 'givenName', 'familyName', 'osUsername'], { full: false });
    expect(result).toMatchObject({ added: 1, left: 0 });
    expect(result.problems.map((problem) => [problem.row, problem.code])).toEqual([[2, 'username-taken']]);
    expect((await pupilRows()).filter((row) => row.status === 'active').map((row) => row.misId)).toEqual(['A100', 'A500', 'A600']);
  });

  it('refuses a mapping without a key or a name, of the wrong length, and a file that reads as nobody', async () => {
    const admin = await staff(t, 'admin');
    const send = (csv: string, mapping: PupilField[]) => call(t, admin, 'POST', '/api/pupils/import', { siteId: t.estate.siteId, csv, mapping });
    expect((await send('UPN,Name\nA1,Ann Ash\n', ['ignore', 'fullName'])).json().error.code).toBe('pupil-import-no-key');
    expect((await send('UPN,Name\nA1,Ann Ash\n', ['misId', 'ignore'])).json().error.code).toBe('pupil-import-no-name');
    expect((await send('UPN,Name\nA1,Ann Ash\n', ['misId'])).json().error.code).toBe('validation-failed');
    const empty = await send('UPN,Name\n,Ann Ash\n', ['misId', 'fullName']);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('pupil-import-empty');
    expect((await send('', ['misId'])).statusCode).toBe(400);
    expect((await pupilRows()).filter((row) => row.status === 'active')).toHaveLength(3);
  });
});

describe('matching logins to pupils', () => {
  it('resolves DOMAIN\\user, user@domain, e-mail accounts and browser profiles, case-insensitively, per site', async () => {
    const siteId = t.estate.siteId;
    const name = async (login: Parameters<typeof pupilFor>[1]) => (await pupilFor(t.database.db, login))?.givenName ?? null;
    expect(await name({ siteId, osUser: 'SCHOOL\\JSMITH' })).toBe('Jon');
    expect(await name({ siteId, osUser: 'jsmith@school.local' })).toBe('Jon');
    expect(await name({ siteId, osUser: 'Jon.Smith@School.org' })).toBe('Jon');
    expect(await name({ siteId, osUser: null, profileEmail: 'JON.SMITH@school.org' })).toBe('Jon');
    expect(await name({ siteId, osUser: 'SLee' })).toBe('Sam');
    expect(await name({ siteId, osUser: 'nobody' })).toBeNull();
    expect(await name({ siteId: t.estate.otherSiteId, osUser: 'jsmith' })).toBeNull();
  });
});

describe('the pupil on alerts, tiles and the pupil page', () => {
  let openId: string;
  let restrictedId: string;
  let jonId: string;

  beforeAll(async () => {
    const { a1, a2, c1 } = t.estate.device;
    openId = (await insertAlert(t, { deviceId: a1, osUser: 'SCHOOL\\jsmith', ts: new Date(Date.now() - 3_600_000) })).id;
    restrictedId = (await insertAlert(t, { deviceId: a2, osUser: 'jsmith', category: 'self-harm', term: 'kms', severity: 4 })).id;
    // Another site's jsmith is somebody else.
    await insertAlert(t, { deviceId: c1, osUser: 'jsmith' });
    await insertAlert(t, { deviceId: a1, osUser: 'visitor1' });
    await insertSpan(t, { deviceId: a1, start: new Date(Date.now() - 600_000), end: new Date(Date.now() - 300_000) });
    await t.database.db.update(devices).set({ lastOsUser: 'SCHOOL\\slee' }).where(eq(devices.id, a1));
    const [jon] = await t.database.db.select().from(pupils).where(eq(pupils.misId, 'A100'));
    jonId = jon?.id ?? '';
  });

  it('shows the pupil on an open alert to every triage role', async () => {
    for (const role of ['technician', 'admin', 'dsl'] as const) {
      const list = alertListResponseSchema.parse((await call(t, await staff(t, role), 'GET', '/api/alerts')).json());
      expect(list.alerts.find((alert) => alert.id === openId)?.pupil).toEqual({
        id: jonId,
        givenName: 'Jon',
        familyName: 'Smith',
        yearGroup: 'Year 8',
        tutorGroup: '8AB',
      });
    }
  });

  it('withholds the pupil of a restricted alert with its OS user, from all but a DSL who revealed it', async () => {
    for (const role of ['technician', 'admin', 'dsl'] as const) {
      const who = await staff(t, role);
      const list = alertListResponseSchema.parse((await call(t, who, 'GET', '/api/alerts')).json());
      expect(list.alerts.find((alert) => alert.id === restrictedId)).toMatchObject({ withheld: true, osUser: null, pupil: null });
      const detail = await call(t, who, 'GET', `/api/alerts/${restrictedId}`);
      expect(detail.body).not.toContain('Smith');
      const page = await call(t, who, 'GET', `/api/pupils/${jonId}`);
      if (page.statusCode === 200)
        expect(pupilPageResponseSchema.parse(page.json()).alerts.find((alert) => alert.id === restrictedId)).toMatchObject({
          withheld: true,
          osUser: null,
          term: null,
        });
    }
    const dsl = await staff(t, 'dsl');
    const revealed = alertDetailResponseSchema.parse(
      (await call(t, dsl, 'POST', `/api/alerts/${restrictedId}/reveal`, { reason: 'Form tutor raised a concern today' })).json(),
    );
    expect(revealed.alert).toMatchObject({ withheld: false, osUser: 'jsmith', pupil: { givenName: 'Jon', familyName: 'Smith' } });
  });

  it('gives the export its pupils by alert id, unredacted', async () => {
    const map = await pupilsForAlerts(t.database.db, [openId, restrictedId, 'no-such-alert']);
    expect(map.get(openId)?.familyName).toBe('Smith');
    expect(map.get(restrictedId)?.familyName).toBe('Smith');
    expect(map.has('no-such-alert')).toBe(false);
  });

  it("the DSL's pupil page lists every alert of the child across devices, newest first, and is audited", async () => {
    const dsl = await staff(t, 'dsl');
    const response = await call(t, dsl, 'GET', `/api/pupils/${jonId}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = pupilPageResponseSchema.parse(response.json());
    expect(page.pupil).toMatchObject({
      misId: 'A100',
      givenName: 'Jon',
      accounts: [
        { kind: 'microsoft', username: 'jon.smith@school.org' },
        { kind: 'os', username: 'jsmith' },
      ],
    });
    expect(page.alerts.map((alert) => alert.id)).toEqual([restrictedId, openId]);
    expect(new Set(page.alerts.map((alert) => alert.deviceId))).toEqual(new Set([t.estate.device.a1, t.estate.device.a2]));
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'pupil.view'));
    expect(audit.some((entry) => entry.actorUserId === dsl.user.id && entry.targetId === jonId)).toBe(true);
    expect((await call(t, dsl, 'GET', '/api/pupils/nope')).statusCode).toBe(404);
    // A DSL of the other site does not see this site's pupil.
    expect((await call(t, await staff(t, 'dsl', { siteId: t.estate.otherSiteId }), 'GET', `/api/pupils/${jonId}`)).statusCode).toBe(404);
  });

  it("shows a teacher the pupil at each PC of their own room's live tiles", async () => {
    const teacher = await staff(t, 'teacher', { rooms: [t.estate.roomA] });
    const response = await call(t, teacher, 'GET', `/api/rooms/${t.estate.roomA}/devices`);
    expect(response.statusCode, response.body).toBe(200);
    const tiles = roomDevicesResponseSchema.parse(response.json()).devices;
    expect(tiles.find((tile) => tile.id === t.estate.device.a1)?.pupil).toMatchObject({ givenName: 'Sam', familyName: 'Lee' });
    expect(tiles.find((tile) => tile.id === t.estate.device.a2)?.pupil ?? null).toBeNull();
  });

  it('lists for IT the user names seen lately that no pupil owns, never from a restricted alert', async () => {
    await insertAlert(t, { deviceId: t.estate.device.a2, osUser: 'secretuser', category: 'self-harm', term: 'kms', severity: 4 });
    const response = await call(t, await staff(t, 'technician'), 'GET', '/api/pupils/unmatched');
    expect(response.statusCode, response.body).toBe(200);
    const names = unmatchedUsernamesResponseSchema.parse(response.json()).usernames;
    expect(names.map((entry) => entry.username)).toContain('visitor1');
    expect(names.map((entry) => entry.username)).not.toContain('secretuser');
    expect(names.map((entry) => entry.username)).not.toContain('SCHOOL\\jsmith');
    expect(names.filter((entry) => entry.siteId === t.estate.siteId).map((entry) => entry.username)).not.toContain('jsmith');
  });

  it('the directory lists and searches pupils by name, UPN, group or username', async () => {
    const dsl = await staff(t, 'dsl');
    const search = async (query: string) =>
      pupilListResponseSchema.parse((await call(t, dsl, 'GET', `/api/pupils?${query}`)).json()).pupils.map((pupil) => pupil.misId);
    expect(await search('')).toEqual(['A600', 'A500', 'A100']);
    expect(await search('q=jon%20smith')).toEqual(['A100']);
    expect(await search('q=slee')).toEqual(['A500']);
    expect(await search('status=left')).toEqual(['A400', 'A200']);
    expect(await search('q=100%25')).toEqual([]);
  });
});

describe('access', () => {
  it('lets admins and technicians import, the DSL and admins read pupil pages, teachers and viewers nothing', async () => {
    const [pupil] = await t.database.db.select().from(pupils).limit(1);
    const routes = [
      ['POST', '/api/pupils/import/preview', { siteId: t.estate.siteId, csv: 'UPN,Name\nA1,Ann Ash\n' }],
      ['GET', '/api/pupils', undefined],
      ['GET', '/api/pupils/unmatched', undefined],
      ['GET', `/api/pupils/${pupil?.id}`, undefined],
    ] as const;
    const expected: Record<string, number[]> = {
      teacher: [403, 403, 403, 403],
      viewer: [403, 403, 403, 403],
      technician: [200, 200, 200, 403],
      dsl: [403, 200, 403, 200],
      admin: [200, 200, 200, 200],
    };
    for (const [role, statuses] of Object.entries(expected)) {
      const who = await staff(t, role as keyof typeof expected & ('teacher' | 'viewer' | 'technician' | 'dsl' | 'admin'));
      const got = [];
      for (const [method, url, body] of routes) got.push((await call(t, who, method, url, body)).statusCode);
      expect([role, ...got]).toEqual([role, ...statuses]);
    }
    expect(
      (await call(t, await staff(t, 'dsl'), 'POST', '/api/pupils/import', { siteId: t.estate.siteId, csv: 'UPN\nA1\n', mapping: ['misId'] })).statusCode,
    ).toBe(403);
  });

  it('keeps a site-limited technician to their own site', async () => {
    const tech = await staff(t, 'technician', { siteId: t.estate.otherSiteId });
    const response = await call(t, tech, 'POST', '/api/pupils/import/preview', { siteId: t.estate.siteId, csv: 'UPN,Name\nA1,Ann Ash\n' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('site-forbidden');
    expect(pupilListResponseSchema.parse((await call(t, tech, 'GET', '/api/pupils')).json()).pupils).toEqual([]);
  });
});

describe('retention of leavers', () => {
  it('deletes pupils who left before the cutoff, with their accounts, and keeps the rest', async () => {
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    await t.database.db.update(pupils).set({ leftAt: longAgo }).where(eq(pupils.misId, 'A200'));
    const deleted = await deleteLeaversBefore(t.database.db, new Date(Date.now() - 365 * 86_400_000));
    expect(deleted).toBe(1);
    expect((await pupilRows()).map((row) => row.misId)).toEqual(['A100', 'A400', 'A500', 'A600']);
    expect(await t.database.db.select().from(pupilAccounts).where(eq(pupilAccounts.username, 'aobrien'))).toEqual([]);
  });
});
