import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { incidentCsvColumns, incidentRecordSchema, incidentSelectionSchema } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { alertEvents, alerts, pupilAccounts, pupils, screenshots } from '../db/schema/index.ts';
import { sha256Hex } from '../evidence/blob-store.ts';
import { parseCsv } from '../pupils/csv-parser.ts';
import {
  auditEntriesFor,
  buildTriageTestApp,
  call,
  insertAlert,
  insertSpan,
  screenImage,
  staff,
  storeScreenshot,
  type TriageTestApp,
} from '../triage/testing/triage-fixtures.ts';

// Incident exports with the real collector, PostgreSQL, the disk blob store and poppler's
// pdftotext / pdfimages reading the PDFs (poppler-utils: scripts/bootstrap.sh installs it).
// The small test word list has bullying (open) and self-harm (restricted); `sexual-content`
// is not in it, so it is restricted (fail closed) and possibly indecent both by name and
// by being unknown.

const run = promisify(execFile);

let t: TriageTestApp;
let dsl: SignedIn;
// auth-test-kit names every test user `Test <role>`.
const dslName = 'Test dsl';
let image: Awaited<ReturnType<typeof screenImage>>;
let indecentImage: Awaited<ReturnType<typeof screenImage>>;

beforeAll(async () => {
  await run('pdftotext', ['-v']).catch(() => {
    throw new Error('pdftotext (poppler-utils) is missing: run scripts/bootstrap.sh test, or apt-get install poppler-utils');
  });
  t = await buildTriageTestApp();
  dsl = await staff(t, 'dsl');

  image = await screenImage();
  indecentImage = await screenImage(320, 200);
  await storeScreenshot(t, image, t.estate.device.a1);
  await storeScreenshot(t, indecentImage, t.estate.device.a1);
  // The pupil directory knows `jsmith` on the first site.
  const [pupil] = await t.database.db
    .insert(pupils)
    .values({ siteId: t.estate.siteId, misId: 'A123456789012', givenName: 'Jamie', familyName: 'Smith', yearGroup: '9', tutorGroup: '9R' })
    .returning();
  if (pupil === undefined) throw new Error('no pupil');
  await t.database.db.insert(pupilAccounts).values({ pupilId: pupil.id, siteId: t.estate.siteId, kind: 'os', username: 'jsmith' });
});
afterAll(async () => {
  await t?.close();
});

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-export-pdf-'));
  try {
    await writeFile(join(dir, 'incident.pdf'), bytes);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'incident.pdf'), '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How many images the PDF embeds (pdfimages -list: two header lines, then one per image). */
async function pdfImageCount(bytes: Buffer): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-export-pdf-'));
  try {
    await writeFile(join(dir, 'incident.pdf'), bytes);
    const { stdout } = await run('pdfimages', ['-list', join(dir, 'incident.pdf')]);
    return stdout.trim().split('\n').length - 2;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Unzips into a folder and runs `sha256sum -c manifest.sha256` there; returns the entries. */
async function checkBundle(bytes: Buffer): Promise<Record<string, Uint8Array>> {
  const entries = unzipSync(new Uint8Array(bytes));
  const dir = await mkdtemp(join(tmpdir(), 'vigil-export-zip-'));
  try {
    for (const [path, content] of Object.entries(entries)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const { stdout } = await run('sha256sum', ['--strict', '-c', 'manifest.sha256'], { cwd: dir });
    const checked = stdout.trim().split('\n');
    expect(checked.every((line) => line.endsWith(': OK'))).toBe(true);
    // Every file but the manifest is in it.
    expect(checked.map((line) => line.replace(/: OK$/, '')).sort()).toEqual(
      Object.keys(entries)
        .filter((path) => path !== 'manifest.sha256')
        .sort(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return entries;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle)) >= 0;
}

async function exportAs(who: SignedIn, alertId: string, format: 'pdf' | 'json' | 'csv' | 'zip') {
  const response = await call(t, who, 'GET', `/api/alerts/${alertId}/export.${format}`);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  expect(response.headers['content-disposition']).toBe(`attachment; filename="vigil-incident-${alertId}.${format}"`);
  expect(response.headers['cache-control']).toBe('no-store');
  return response.rawPayload;
}

async function reveal(alertId: string): Promise<void> {
  const response = await call(t, dsl, 'POST', `/api/alerts/${alertId}/reveal`, { reason: 'Preparing the police referral record' });
  expect(response.statusCode, response.body).toBe(200);
}

async function exportEvents(alertId: string) {
  return (await t.database.db.select().from(alertEvents).where(eq(alertEvents.alertId, alertId))).filter((event) => event.kind === 'export');
}

describe('who may export', () => {
  it('refuses teachers, technicians, admins and viewers on every export route, and audits nothing', async () => {
    const alertId = (await insertAlert(t, { deviceId: t.estate.device.a1 })).id;
    for (const role of ['teacher', 'technician', 'admin', 'viewer'] as const) {
      const who = await staff(t, role);
      for (const format of ['pdf', 'json', 'csv', 'zip']) {
        const response = await call(t, who, 'GET', `/api/alerts/${alertId}/export.${format}`);
        expect(response.statusCode, `${role} ${format}`).toBe(403);
      }
      expect((await call(t, who, 'POST', '/api/exports', { ids: [alertId] })).statusCode, role).toBe(403);
    }
    expect(await auditEntriesFor(t, alertId, 'alert.export')).toHaveLength(0);
    expect(await exportEvents(alertId)).toHaveLength(0);
  });

  it('answers 404 for an alert of another site, exactly as for none', async () => {
    const elsewhere = (await insertAlert(t, { deviceId: t.estate.device.c1 })).id;
    for (const alertId of [elsewhere, 'no-such-alert']) {
      const response = await call(t, dsl, 'GET', `/api/alerts/${alertId}/export.pdf`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('alert-not-found');
    }
  });
});

describe('one alert', () => {
  it('produces a PDF whose text is the record (Unicode included), embeds the capture, and audits it', async () => {
    const context = 'he said “you’re a loser” — ты неудачник';
    const ts = new Date(Date.now() - 5 * 60_000);
    const alert = await insertAlert(t, {
      deviceId: t.estate.device.a1,
      ts,
      context,
      windowTitle: 'Chat — Teams',
      app: 'teams',
      osUser: 'jsmith',
      screenshotSha256: image.sha256,
    });
    await insertSpan(t, {
      deviceId: t.estate.device.a1,
      start: new Date(ts.getTime() - 60_000),
      end: new Date(ts.getTime() + 60_000),
      app: 'teams',
      title: 'Chat — Teams',
    });
    const note = await call(t, dsl, 'POST', `/api/alerts/${alert.id}/notes`, { note: 'Spoke to the pupil with the form tutor' });
    expect(note.statusCode).toBe(200);

    const pdf = await exportAs(dsl, alert.id, 'pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const expected of [
      'Safeguarding incident record',
      `Vigil alert ${alert.id}`,
      `Generated by ${dslName}`,
      'Northfield',
      'ICT 1',
      'jsmith',
      'Jamie Smith, year group 9, tutor group 9R, UPN/MIS A123456789012',
      'teams',
      'Chat — Teams',
      context,
      '"loser"',
      'Spoke to the pupil with the form tutor',
      'Nobody revealed this alert.',
      'THIS ALERT',
      `evidence sha256 ${image.sha256}`,
      'Page 1 of',
    ]) {
      // pdftotext breaks long lines (the footer) where it likes: compare with white space folded.
      expect(text.replace(/\s+/g, ' '), expected).toContain(expected);
    }
    expect(await pdfImageCount(pdf)).toBe(1);

    const [entry] = await auditEntriesFor(t, alert.id, 'alert.export');
    expect(entry).toMatchObject({ actorUserId: dsl.user.id, detail: { format: 'pdf', alertIds: [alert.id], bytes: pdf.byteLength, sha256: sha256Hex(pdf) } });
    const events = await exportEvents(alert.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: dsl.user.id, actorLabel: dslName });
    expect(events[0]?.note).toContain('Exported as PDF');
  });

  it('gives JSON that validates against vigil.incident/1 and CSV that parses to one row of the documented columns', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.b1, context: '=HYPERLINK("x") you loser', screenshotSha256: image.sha256 });
    const record = incidentRecordSchema.parse(JSON.parse((await exportAs(dsl, alert.id, 'json')).toString('utf8')));
    expect(record).toMatchObject({
      schema: 'vigil.incident/1',
      incidentId: alert.id,
      category: { id: 'bullying', label: 'Bullying' },
      location: { site: 'Northfield', room: 'ICT 2' },
      pupil: null,
      evidence: [{ kind: 'screenshot', sha256: image.sha256, bytes: image.bytes.byteLength, withheld: false }],
      legalHold: false,
      exportedBy: dslName,
    });
    expect(record.description).toBe(`Typed on ${record.location.device} in notepad: '=HYPERLINK("x") you loser' matched "loser" (Bullying).`);
    expect(record.linkedStaff).toContainEqual({ name: dslName, role: 'exported' });

    const csv = parseCsv((await exportAs(dsl, alert.id, 'csv')).toString('utf8'));
    expect(csv.header).toEqual([...incidentCsvColumns]);
    expect(csv.records).toHaveLength(1);
    const cell = (column: (typeof incidentCsvColumns)[number]) => csv.records[0]?.fields[incidentCsvColumns.indexOf(column)];
    expect(cell('incident_id')).toBe(alert.id);
    expect(cell('evidence_sha256')).toBe(image.sha256);
    // Defused against formula injection.
    expect(cell('context')).toBe(`'=HYPERLINK("x") you loser`);
    expect((await auditEntriesFor(t, alert.id, 'alert.export')).map((entry) => entry.detail?.['format'])).toEqual(['json', 'csv']);
  });

  it('bundles the PDF, JSON, CSV, the capture from the blob store, the audit trail and a manifest sha256sum -c accepts', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1, screenshotSha256: image.sha256 });
    await call(t, dsl, 'GET', `/api/alerts/${alert.id}`);
    const zip = await exportAs(dsl, alert.id, 'zip');
    const entries = await checkBundle(zip);
    expect(Object.keys(entries).sort()).toEqual([
      'audit.csv',
      'incident.csv',
      'incident.json',
      'incident.pdf',
      'manifest.sha256',
      `screenshots/${image.sha256}.png`,
    ]);
    const stored = await t.blobs.get(image.sha256);
    const capture = entries[`screenshots/${image.sha256}.png`];
    expect(capture && stored && Buffer.from(capture).equals(Buffer.from(stored))).toBe(true);
    const manifest = new TextDecoder().decode(entries['manifest.sha256']);
    expect(manifest).toContain(`${image.sha256}  screenshots/${image.sha256}.png\n`);
    const audit = parseCsv(new TextDecoder().decode(entries['audit.csv']));
    expect(audit.records.map((record) => record.fields[3])).toContain('alert.view');
    expect((await auditEntriesFor(t, alert.id, 'alert.export'))[0]?.detail).toMatchObject({ format: 'zip', sha256: sha256Hex(zip), bytes: zip.byteLength });
  });
});

describe('restricted alerts', () => {
  it('refuses a restricted alert until the DSL reveals it (409, nothing audited), then exports its text and its capture', async () => {
    const alert = await insertAlert(t, {
      deviceId: t.estate.device.a1,
      term: 'kms',
      category: 'self-harm',
      severity: 4,
      context: 'i want to kms tonight',
      screenshotSha256: image.sha256,
    });
    for (const format of ['pdf', 'json', 'csv', 'zip']) {
      const refused = await call(t, dsl, 'GET', `/api/alerts/${alert.id}/export.${format}`);
      expect(refused.statusCode, format).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'reveal-required', details: { ids: [alert.id] } });
      expect(refused.body).not.toContain('kms');
    }
    expect((await call(t, dsl, 'POST', '/api/exports', { ids: [alert.id] })).statusCode).toBe(409);
    expect(await auditEntriesFor(t, alert.id, 'alert.export')).toHaveLength(0);

    await reveal(alert.id);
    const text = await pdfText(await exportAs(dsl, alert.id, 'pdf'));
    expect(text).toContain('i want to kms tonight');
    expect(text).toContain(`${dsl.user.username} revealed it. Reason: Preparing the police referral record`);
    const entries = await checkBundle(await exportAs(dsl, alert.id, 'zip'));
    // Restricted but not possibly indecent: the revealed capture is evidence like any other.
    expect(entries[`screenshots/${image.sha256}.png`]).toBeDefined();
    const [row] = await t.database.db.select({ legalHold: alerts.legalHold }).from(alerts).where(eq(alerts.id, alert.id));
    expect(row?.legalHold).toBe(false);
  });

  it('never puts a possibly indecent capture in a bundle or a PDF: its hash, the legal-hold statement, and the hold set', async () => {
    const alert = await insertAlert(t, {
      deviceId: t.estate.device.a1,
      term: 'nudes',
      category: 'sexual-content',
      severity: 4,
      context: 'send nudes',
      screenshotSha256: indecentImage.sha256,
    });
    await reveal(alert.id);
    const pdf = await exportAs(dsl, alert.id, 'pdf');
    expect(await pdfImageCount(pdf)).toBe(0);
    expect(contains(pdf, indecentImage.bytes.subarray(8, 200))).toBe(false);
    const text = await pdfText(pdf);
    expect(text.replace(/\s+/g, ' ')).toContain(`The original is held under legal hold by Northfield for the police; it has not been copied into this record.`);

    const zip = await exportAs(dsl, alert.id, 'zip');
    const entries = await checkBundle(zip);
    expect(Object.keys(entries).sort()).toEqual([
      'audit.csv',
      'incident.csv',
      'incident.json',
      'incident.pdf',
      'manifest.sha256',
      `screenshots/${indecentImage.sha256}.WITHHELD.txt`,
    ]);
    for (const [path, content] of Object.entries(entries)) {
      // No entry holds the image or a recognisable slice of it (the PNG's header and first chunk).
      expect(contains(content, indecentImage.bytes.subarray(0, 64)), path).toBe(false);
      expect(contains(content, indecentImage.bytes.subarray(indecentImage.bytes.length - 64)), path).toBe(false);
    }
    expect(contains(zip, indecentImage.bytes.subarray(0, 64))).toBe(false);
    const statement = new TextDecoder().decode(entries[`screenshots/${indecentImage.sha256}.WITHHELD.txt`]);
    expect(statement).toContain(indecentImage.sha256);
    expect(statement).toContain(`${indecentImage.bytes.byteLength} bytes`);
    expect(statement).toContain('The original is held under legal hold by Northfield for the police; it has not been copied into this bundle.');
    const record = incidentRecordSchema.parse(JSON.parse(new TextDecoder().decode(entries['incident.json'])));
    expect(record.evidence).toEqual([
      { kind: 'screenshot', sha256: indecentImage.sha256, bytes: indecentImage.bytes.byteLength, mime: 'image/png', withheld: true },
    ]);
    expect(record.legalHold).toBe(true);

    const [held] = await t.database.db.select({ legalHold: alerts.legalHold }).from(alerts).where(eq(alerts.id, alert.id));
    expect(held?.legalHold).toBe(true);
    const [blob] = await t.database.db.select({ legalHold: screenshots.legalHold }).from(screenshots).where(eq(screenshots.sha256, indecentImage.sha256));
    expect(blob?.legalHold).toBe(true);
    expect((await auditEntriesFor(t, alert.id, 'alert.export')).map((entry) => entry.detail?.['captureWithheld'])).toEqual([true, true]);
  });
});

describe('POST /api/exports (a selection)', () => {
  it('gives one zip with a PDF per incident, combined JSON and CSV, and audits each alert', async () => {
    const first = await insertAlert(t, { deviceId: t.estate.device.a1, screenshotSha256: image.sha256 });
    const second = await insertAlert(t, { deviceId: t.estate.device.b1, term: 'idiot', context: 'what an idiot' });
    const response = await call(t, dsl, 'POST', '/api/exports', { ids: [first.id, second.id, first.id] });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="vigil-incidents-\d{8}-\d{6}Z\.zip"$/);
    const entries = await checkBundle(response.rawPayload);
    expect(Object.keys(entries).sort()).toEqual(
      [
        'audit.csv',
        'incidents.csv',
        'incidents.json',
        `incidents/${first.id}.pdf`,
        `incidents/${second.id}.pdf`,
        'manifest.sha256',
        `screenshots/${image.sha256}.png`,
      ].sort(),
    );
    const selection = incidentSelectionSchema.parse(JSON.parse(new TextDecoder().decode(entries['incidents.json'])));
    expect(selection.incidents.map((incident) => incident.incidentId)).toEqual([first.id, second.id]);
    expect(parseCsv(new TextDecoder().decode(entries['incidents.csv'])).records).toHaveLength(2);
    expect(await pdfText(Buffer.from(entries[`incidents/${second.id}.pdf`] ?? []))).toContain('what an idiot');
    for (const alertId of [first.id, second.id]) {
      const audits = await auditEntriesFor(t, alertId, 'alert.export');
      expect(audits).toHaveLength(1);
      expect(audits[0]?.detail).toMatchObject({ format: 'selection', alertIds: [first.id, second.id], sha256: sha256Hex(response.rawPayload) });
      expect(await exportEvents(alertId)).toHaveLength(1);
    }
  });

  it('refuses a bad body (400), a missing CSRF token (403) and an alert out of reach (404)', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1 });
    for (const payload of [{}, { ids: [] }, { ids: 'x' }, { ids: [alert.id], extra: 1 }]) {
      const response = await call(t, dsl, 'POST', '/api/exports', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('validation-failed');
    }
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/exports', headers: { cookie: dsl.headers.cookie }, payload: { ids: [alert.id] } });
    expect(noCsrf.statusCode).toBe(403);
    const elsewhere = await insertAlert(t, { deviceId: t.estate.device.c1 });
    const missing = await call(t, dsl, 'POST', '/api/exports', { ids: [alert.id, elsewhere.id] });
    expect(missing.statusCode).toBe(404);
    expect(await auditEntriesFor(t, alert.id, 'alert.export')).toHaveLength(0);
  });
});
