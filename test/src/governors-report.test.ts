// The governors' report (issue #12, item 3) in real Chromium against the real collector
// process on real PostgreSQL: a governors' clerk (viewer, bound to the school's site)
// opens Reports, picks "Custom" days and downloads the PDF and the CSV. The PDF's text,
// read back by PDF.js, and the CSV carry the database's counts, suppressed below 5, and
// no pupil's name or typed text; both downloads are audited. Page 1 of the PDF is
// rendered to docs/screenshots/governors-report-pdf.png.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, pdfPagePng, pdfPageTexts } from '@vigil/collector/reports-testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, screenshotsDir, shoot } from './support/console-users.ts';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { CollectorProcess } from './support/system.ts';

let db: SystemDatabase;
let collector: CollectorProcess;
let users: ConsoleUsers;
let browser: TestBrowser;

const day = 86_400_000;
/** A ULID-shaped id (the schema's ids are text; ingest uses the agents' ULIDs). */
const newId = (): string => randomBytes(13).toString('hex').slice(0, 26).toUpperCase();
const from = '2031-01-06';
const to = '2031-01-31';

beforeAll(async () => {
  db = await createSystemDatabase();
  collector = await CollectorProcess.create(db.url);
  await collector.start();
  await collector.admin(['create-site', '--name', 'Northfield Academy']);
  await collector.admin(['create-site', '--name', 'Southfield School']);
  await collector.admin(['create-room', '--name', 'ICT Suite', '--site', 'Northfield Academy']);
  await collector.admin(['create-room', '--name', 'Library', '--site', 'Northfield Academy']);
  users = new ConsoleUsers(collector);
  await collector.admin(
    ['create-user', '--username', 'clerk', '--role', 'viewer', '--display-name', 'Clerk to the governors', '--site', 'Northfield Academy'],
    { VIGIL_NEW_PASSWORD: users.password },
  );
  await seedAlerts();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
  await db?.drop();
});

/** 26 alerts in the period on Northfield (bullying 14, self-harm 9, grooming 3), 10 before it, 7 on Southfield. */
async function seedAlerts(): Promise<void> {
  const sites = await db.pool.query<{ id: string; name: string }>('select id, name from sites');
  const siteOf = (name: string) => sites.rows.find((site) => site.name === name)?.id as string;
  const rooms = await db.pool.query<{ id: string; name: string }>('select id, name from rooms');
  const roomOf = (name: string) => rooms.rows.find((room) => room.name === name)?.id as string;
  const device = async (site: string, room: string | null) => {
    const id = newId();
    await db.pool.query("insert into devices (id, site_id, room_id, hostname, os, secret_hash) values ($1, $2, $3, $4, 'linux', 'x')", [
      id,
      site,
      room,
      `pc-${id.slice(-4)}`,
    ]);
    return id;
  };
  const north = siteOf('Northfield Academy');
  const ict = await device(north, roomOf('ICT Suite'));
  const library = await device(north, roomOf('Library'));
  const south = await device(siteOf('Southfield School'), null);
  const start = Date.parse(`${from}T12:00:00Z`);
  const alert = (deviceId: string, site: string, room: string | null, at: number, category: string, status: string) =>
    db.pool.query(
      `insert into alerts (id, device_id, site_id, room_id, os_user, ts, received_at, source, term, category, severity, context, status)
       values ($1, $2, $3, $4, 'rokafor', $5, $5, 'typed', 'secretterm', $6, 3, 'Rebecca typed something private', $7)`,
      [newId(), deviceId, site, room, new Date(at).toISOString(), category, status],
    );
  const plan: [string, number, string][] = [
    ['bullying', 14, 'resolved'],
    ['self-harm', 9, 'escalated'],
    ['grooming', 3, 'new'],
  ];
  let index = 0;
  for (const [category, count, status] of plan) {
    for (let n = 0; n < count; n += 1, index += 1) {
      const inIct = index % 2 === 0;
      await alert(inIct ? ict : library, north, roomOf(inIct ? 'ICT Suite' : 'Library'), start + index * 3_600_000, category, status);
    }
  }
  for (let n = 0; n < 10; n += 1) await alert(ict, north, roomOf('ICT Suite'), start - 10 * day + n * 3_600_000, 'bullying', 'resolved');
  for (let n = 0; n < 7; n += 1) await alert(south, siteOf('Southfield School'), null, start + n * 3_600_000, 'bullying', 'new');
}

async function download(page: Page, name: string): Promise<{ bytes: Buffer; fileName: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  const path = await file.path();
  return { bytes: await readFile(path), fileName: file.suggestedFilename() };
}

describe("the governors' report", () => {
  it("a governors' clerk downloads the PDF and the CSV from the Reports page; the figures are the database's", { timeout: 150_000 }, async () => {
    const { page, context } = await browser.newPage();
    let pdf: { bytes: Buffer; fileName: string };
    let csv: { bytes: Buffer; fileName: string };
    try {
      await users.signIn(page, 'clerk');
      await page.goto(`${users.baseUrl}/reports`);
      const panel = page.getByTestId('governors-report');
      await expectVisible(panel, "the governors' report panel");
      await page.getByLabel('Period', { exact: true }).selectOption('last-term');
      await panel.getByLabel('From').fill(from);
      await panel.getByLabel('To').fill(to);
      expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('custom');
      // A site-bound clerk has one site: no site choice.
      expect(await panel.getByLabel('Site').count()).toBe(0);
      await shoot(page, 'governors-report');
      pdf = await download(page, 'Download PDF');
      csv = await download(page, 'Download CSV');
    } finally {
      await context.close();
    }
    expect(browser.incidents).toEqual([]);

    const truth = await db.pool.query<{ category: string; n: number }>(
      `select a.category, count(*)::int as n from alerts a join sites s on s.id = a.site_id
        where s.name = 'Northfield Academy' and a.ts >= $1 and a.ts < $2 group by a.category`,
      [new Date(2031, 0, 6).toISOString(), new Date(2031, 1, 1).toISOString()],
    );
    const count = (category: string) => truth.rows.find((row) => row.category === category)?.n ?? 0;
    expect([count('bullying'), count('self-harm'), count('grooming')]).toEqual([14, 9, 3]);

    expect(pdf.fileName).toMatch(/^governors-report-2031-01-0[56]-to-2031-0[12]-\d\d\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPageTexts(pdf.bytes);
    const text = pages.join('\n');
    expect(pages[0]).toContain("Governors' safeguarding report");
    expect(pages[0]).toContain('Northfield Academy');
    expect(pages[0]).toContain('Period: 2031-01-0');
    expect(pages[0]).toMatch(/Alerts this period 26/);
    expect(pages[0]).toMatch(/Alerts in the previous period 10/);
    // Grooming's 3 is small; bullying or self-harm is withheld with it so it cannot be subtracted out.
    expect(text).toMatch(/Grooming & exploitation <5 0 –/);
    expect(text).toMatch(/Self-harm & suicide \* 0 –/);
    expect(text).toMatch(/Bullying & harassment 14 10 \+4/);
    for (const secret of ['Southfield', 'rokafor', 'Rebecca', 'secretterm']) expect(text).not.toContain(secret);
    await writeFile(join(screenshotsDir, 'governors-report-pdf.png'), await pdfPagePng(pdf.bytes, 1));

    expect(csv.fileName).toMatch(/\.csv$/);
    const [header, ...rows] = parseCsv(csv.bytes.toString('utf8'));
    expect(header).toEqual(['section', 'dimension', 'value', 'count', 'previous_count']);
    const line = (dimension: string, value = '') => rows.find((row) => row[1] === dimension && row[2] === value)?.slice(3);
    expect(line('alerts')).toEqual(['26', '10']);
    expect(line('category', 'Bullying & harassment')).toEqual(['14', '10']);
    expect(line('category', 'Self-harm & suicide')).toEqual(['*', '0']);
    expect(line('category', 'Grooming & exploitation')).toEqual(['<5', '0']);
    expect(line('room', 'ICT Suite')).toEqual(['13', '10']);
    expect(line('room', 'Library')).toEqual(['13', '0']);
    expect(line('site', 'Northfield Academy')).toEqual(['', '']);

    const audit = await db.pool.query<{ format: string }>(
      "select detail ->> 'format' as format from audit_log where action = 'report.export' and actor_label = 'clerk' order by id",
    );
    expect(audit.rows.map((row) => row.format)).toEqual(['pdf', 'csv']);
  });
});
