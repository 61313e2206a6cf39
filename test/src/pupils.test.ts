// The pupil directory (issue #12, item 1) in real Chromium against the real collector
// process (real PostgreSQL) and the real headless agent under Xvfb. An admin uploads a
// messy MIS export (BOM, CRLF, quoted commas and line breaks, a duplicate row, unknown
// columns, a missing forename, a bad year group, a username on two pupils), sees the
// proposed mapping and every problem by row, confirms; the database then holds exactly the
// right pupils. An alert typed on the PC — whose agent reports the Windows-style user
// `VIGIL\ROkafor` — shows the pupil's name in triage, and the DSL opens the pupil's page
// from the alert.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, shoot } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/pupils-messy.csv');
const osUser = 'VIGIL\\ROkafor';

let system: WholeSystem;
let users: ConsoleUsers;
let browser: TestBrowser;

beforeAll(async () => {
  system = await startWholeSystem('Homework notes', { osUser });
  users = new ConsoleUsers(system.collector);
  await users.create('admin.pupils', 'admin');
  await users.create('dsl.pupils', 'dsl');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

describe('the pupil directory', () => {
  it('an admin imports a messy MIS export: preview, problems by row, confirm, the right pupils', { timeout: 150_000 }, async () => {
    expect((await readFile(fixture)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const { page, context } = await browser.newPage();
    try {
      await users.signIn(page, 'admin.pupils');
      await page.goto(`${users.baseUrl}/admin/pupils`);
      await page.getByTestId('pupil-import-file').setInputFiles(fixture);
      await expectVisible(page.getByTestId('pupil-import-preview'), 'the import preview');
      await expect.poll(() => page.getByTestId('pupil-map-0').inputValue()).toBe('misId');
      expect(await page.getByTestId('pupil-map-3').inputValue()).toBe('givenName');
      expect(await page.getByTestId('pupil-map-9').inputValue()).toBe('ignore');
      const problems = await page.getByTestId('pupil-preview-problems').innerText();
      expect(problems).toContain('Column "SEN Status" is not imported.');
      expect(problems).toContain('Column "Medical Notes" is not imported.');
      expect(problems).toContain('Row 5 repeats row 2 (K801200300001); merged.');
      expect(problems).toContain('Row 6 (K801200300003): no forename; skipped.');
      expect(problems).toContain('Row 7 (K801200300004): year group "Year 15" is not a year');
      expect(problems).toContain('username "jsmith" is also on row 3 (K801200300002)');
      const preview = await page.getByTestId('pupil-preview-rows').innerText();
      expect(preview).toContain('Jon Smith, Jr');
      expect(preview).toContain('9A/Ma1, 9A/En2, 9A/Cs1');
      // The problems and the rows as they will be read: what the admin checks before confirming.
      await page.getByTestId('pupil-preview-problems').scrollIntoViewIfNeeded();
      await shoot(page, 'pupils-import');

      await page.getByTestId('pupil-import-confirm').click();
      await expectVisible(page.getByTestId('pupil-import-result'), 'the import result');
      expect(await page.getByTestId('pupil-import-result').innerText()).toContain('4 added, 0 updated, 0 unchanged, 0 marked as left');
      await expectVisible(page.getByTestId('pupil-row-K801200300005'), 'Tom Evans in the directory');
    } finally {
      await context.close();
    }
    const { rows } = await system.db.pool.query<{
      mis_id: string;
      given_name: string;
      family_name: string;
      year_group: string | null;
      tutor_group: string;
      classes: string[];
    }>('select mis_id, given_name, family_name, year_group, tutor_group, classes from pupils order by mis_id');
    expect(rows).toEqual([
      {
        mis_id: 'K801200300001',
        given_name: 'Becky',
        family_name: 'Okafor',
        year_group: 'Year 9',
        tutor_group: '9RW',
        classes: ['9A/Ma1', '9A/En2', '9A/Cs1'],
      },
      { mis_id: 'K801200300002', given_name: 'Jon', family_name: 'Smith, Jr', year_group: 'Year 7', tutor_group: '7AB', classes: ['7A/Ma1'] },
      { mis_id: 'K801200300004', given_name: 'Aisha', family_name: 'Begum', year_group: null, tutor_group: '10GH', classes: ['10B/Sc2'] },
      { mis_id: 'K801200300005', given_name: 'Tom', family_name: 'Evans', year_group: 'Year 10', tutor_group: '10GH', classes: ['10B/Sc2', '10B/Ma3'] },
    ]);
    const accounts = await system.db.pool.query<{ username: string }>("select username from pupil_accounts where kind = 'os' order by username");
    expect(accounts.rows.map((row) => row.username)).toEqual(['jsmith', 'rokafor', 'tevans']);
    const runs = await system.db.pool.query<{ added: number; problems: unknown[] }>('select added, problems from pupil_import_runs');
    expect(runs.rows).toHaveLength(1);
    expect(runs.rows[0]?.added).toBe(4);
  });

  it('an alert typed on the PC shows the pupil in triage, and the DSL opens their page from the alert', { timeout: 150_000 }, async () => {
    const typedAt = new Date();
    await system.typeLine('my cousin has a bet365 account');
    const alert = await waitFor(
      async () =>
        (
          await system.db.pool.query<{ id: string; os_user: string }>(
            'select id, os_user from alerts where term = $1 and received_at >= $2 order by ts desc limit 1',
            ['bet365', typedAt],
          )
        ).rows[0],
      { timeoutMs: 30_000, intervalMs: 100, message: 'the bet365 alert committed' },
    );
    expect(alert.os_user).toBe(osUser);

    const admin = await browser.newPage();
    try {
      await users.signIn(admin.page, 'admin.pupils');
      await admin.page.goto(`${users.baseUrl}/triage`);
      const row = admin.page.getByTestId(`alert-row-${alert.id}`);
      await expectVisible(row, 'the alert in the queue');
      expect(await row.getByTestId('pupil-name').innerText()).toBe('Becky Okafor (Year 9, 9RW)');
    } finally {
      await admin.context.close();
    }

    const { page, context } = await browser.newPage();
    try {
      await users.signIn(page, 'dsl.pupils');
      await page.goto(`${users.baseUrl}/triage/${alert.id}`);
      const pupil = page.getByTestId('alert-pupil').getByTestId('pupil-name');
      await expectVisible(pupil, 'the pupil on the alert page');
      expect(await pupil.innerText()).toBe('Becky Okafor (Year 9, 9RW)');
      await pupil.click();
      await expectVisible(page.getByTestId('pupil-page'), "the pupil's page");
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Becky Okafor');
      await expectVisible(page.getByTestId(`pupil-alert-${alert.id}`), "the alert on the pupil's page");
      expect(await page.getByTestId('pupil-page').innerText()).toContain('rokafor (os)');
      await shoot(page, 'pupil-page');
    } finally {
      await context.close();
    }
    const views = await system.db.pool.query("select 1 from audit_log where action = 'pupil.view'");
    expect(views.rowCount).toBeGreaterThan(0);
  });
});
