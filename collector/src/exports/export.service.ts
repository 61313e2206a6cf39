import { incidentSelectionSchema, type IncidentRecord, type IncidentSelection } from '@vigil/shared/console';
import { inArray } from 'drizzle-orm';
import { auditCsvHeader, auditCsvLine } from '../audit/audit-csv.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { alertEvents, alerts, screenshots } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { sha256Hex, type BlobStore } from '../evidence/blob-store.ts';
import type { TriageCaller } from '../triage/alert-actions.service.ts';
import { mayReadText, textAccessFor } from '../triage/alert-redaction.ts';
import { findAlert, type AlertRow } from '../triage/alerts.repository.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import { evidenceZip, type BundleFile } from './evidence-bundle.ts';
import { incidentCsv } from './incident-csv.ts';
import { incidentFacts, incidentRecord, type IncidentFacts, type PupilLookup } from './incident-facts.ts';
import { incidentPdf, legalHoldStatement } from './incident-pdf.ts';

export const exportFormats = ['pdf', 'json', 'csv', 'zip'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** A produced export: what the route sends as an attachment. */
export interface ExportFile {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface IncidentExportsOptions {
  readonly db: Db;
  readonly catalog: () => CategoryCatalog;
  readonly blobs: BlobStore;
  readonly pupils: PupilLookup;
  readonly now?: () => Date;
}

const contentTypes: Record<ExportFormat, string> = {
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  zip: 'application/zip',
};

const formatNames: Record<ExportFormat | 'selection', string> = {
  pdf: 'PDF',
  json: 'JSON',
  csv: 'CSV',
  zip: 'evidence bundle',
  selection: 'part of a selection (zip)',
};

const extensions: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * Incident exports for the DSL (README "Incident export"): one alert as PDF, JSON, CSV or
 * an evidence bundle, or a selection as one zip. Rules:
 * - DSL only (checked here as well as in the access table): an export carries the most
 *   sensitive content and leaves the building.
 * - Restricted means restricted: a restricted alert is exported only by a DSL with an
 *   active reveal of it (409 `reveal-required` otherwise), so the text in the record is
 *   text that DSL has already, audibly, chosen to read.
 * - A capture that may be indecent (indecent-categories.ts) is never copied out: only its
 *   sha256, size and the legal-hold statement; the export puts the alert and the capture
 *   under legal hold.
 * - Every export writes, in one transaction, an `alert.export` audit entry per alert
 *   (format, alert ids, byte size and sha256 of the produced file) and an `export` event
 *   in the alert's history.
 */
export class IncidentExports {
  readonly #options: IncidentExportsOptions;

  constructor(options: IncidentExportsOptions) {
    this.#options = options;
  }

  async exportAlert(caller: TriageCaller, alertId: string, format: ExportFormat): Promise<ExportFile> {
    const alert = await findAlert(this.#options.db, caller.scope, alertId);
    if (alert === undefined) throw new AppError('alert-not-found', 404, 'No such alert');
    const [facts] = await this.#prepare(caller, [alert]);
    if (facts === undefined) throw new AppError('alert-not-found', 404, 'No such alert');
    const record = incidentRecord(facts);
    const base = `vigil-incident-${alert.id}`;
    let bytes: Buffer;
    switch (format) {
      case 'pdf':
        bytes = await this.#pdf(facts, record);
        break;
      case 'json':
        bytes = Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
        break;
      case 'csv':
        bytes = Buffer.from(incidentCsv([record]));
        break;
      case 'zip':
        bytes = await this.#bundle([facts], [record], { pdf: () => 'incident.pdf', json: 'incident.json', csv: 'incident.csv' }, (records) => records[0]);
        break;
    }
    const file = { filename: `${base}.${format}`, contentType: contentTypes[format], bytes };
    await this.#record(caller, [facts], format, file);
    return file;
  }

  /** Several alerts as one zip: a PDF each, `incidents.json`, `incidents.csv`, captures, audit trail, manifest. */
  async exportSelection(caller: TriageCaller, alertIds: readonly string[]): Promise<ExportFile> {
    const ids = [...new Set(alertIds)];
    const found: AlertRow[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const alert = await findAlert(this.#options.db, caller.scope, id);
      if (alert === undefined) missing.push(id);
      else found.push(alert);
    }
    if (missing.length > 0) throw new AppError('alert-not-found', 404, 'Some of the selected alerts do not exist or are out of your reach', { ids: missing });
    const facts = await this.#prepare(caller, found);
    const records = facts.map(incidentRecord);
    const now = this.#now();
    const bytes = await this.#bundle(facts, records, { pdf: (id) => `incidents/${id}.pdf`, json: 'incidents.json', csv: 'incidents.csv' }, (all) =>
      incidentSelectionSchema.parse({
        schema: 'vigil.incidents/1',
        exportedAt: now.toISOString(),
        exportedBy: caller.user.displayName,
        incidents: [...all],
      } satisfies IncidentSelection),
    );
    const file = { filename: `vigil-incidents-${stamp(now)}.zip`, contentType: contentTypes.zip, bytes };
    await this.#record(caller, facts, 'selection', file);
    return file;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** Checks the caller may export these alerts' text, then gathers their facts. */
  async #prepare(caller: TriageCaller, rows: readonly AlertRow[]): Promise<IncidentFacts[]> {
    if (caller.user.role !== 'dsl') throw new AppError('forbidden', 403, 'Only the DSL may export incidents');
    const { db } = this.#options;
    const catalog = this.#options.catalog();
    const access = await textAccessFor(db, caller.user, rows, catalog);
    const unrevealed = rows.filter((row) => !mayReadText(access, row, catalog)).map((row) => row.id);
    if (unrevealed.length > 0) {
      throw new AppError(
        'reveal-required',
        409,
        'A restricted alert is exported only after you reveal it in the console (with a reason): the export is the record that leaves the building',
        { ids: unrevealed },
      );
    }
    return incidentFacts({ db, catalog, caller, pupils: this.#options.pupils, now: this.#now() }, rows);
  }

  async #image(facts: IncidentFacts): Promise<{ bytes: Uint8Array; mime: string } | null> {
    const capture = facts.capture;
    // Never read, let alone copied: a possibly indecent capture.
    if (capture === null || capture.withheld || capture.stored === null) return null;
    const bytes = await this.#options.blobs.get(capture.sha256);
    return bytes === undefined ? null : { bytes, mime: capture.stored.mime };
  }

  async #pdf(facts: IncidentFacts, record: IncidentRecord): Promise<Buffer> {
    return incidentPdf({ record, timeline: facts.timeline, image: await this.#image(facts), school: facts.siteName });
  }

  async #bundle(
    facts: readonly IncidentFacts[],
    records: readonly IncidentRecord[],
    names: { pdf: (alertId: string) => string; json: string; csv: string },
    json: (records: readonly IncidentRecord[]) => unknown,
  ): Promise<Buffer> {
    const files: BundleFile[] = [];
    const captures = new Map<string, BundleFile>();
    for (const [index, fact] of facts.entries()) {
      const record = records[index];
      if (record === undefined) continue;
      files.push({ path: names.pdf(fact.alert.id), bytes: await this.#pdf(fact, record) });
      const capture = fact.capture;
      if (capture === null || captures.has(capture.sha256)) continue;
      if (capture.withheld) {
        const statement = `${legalHoldStatement(fact.siteName, capture.sha256, capture.stored?.bytes ?? null, 'bundle')}\n\nsha256: ${capture.sha256}\nbytes: ${capture.stored?.bytes ?? 'unknown'}\nalert: ${fact.alert.id}\n`;
        captures.set(capture.sha256, { path: `screenshots/${capture.sha256}.WITHHELD.txt`, bytes: new TextEncoder().encode(statement) });
        continue;
      }
      const image = await this.#image(fact);
      if (image === null) continue;
      captures.set(capture.sha256, { path: `screenshots/${capture.sha256}.${extensions[image.mime] ?? 'bin'}`, bytes: image.bytes });
    }
    files.push({ path: names.json, bytes: new TextEncoder().encode(`${JSON.stringify(json(records), null, 2)}\n`) });
    files.push({ path: names.csv, bytes: new TextEncoder().encode(incidentCsv(records)) });
    files.push(...captures.values());
    const audit = auditCsvHeader() + facts.flatMap((fact) => fact.audit.map((row) => auditCsvLine(row))).join('');
    files.push({ path: 'audit.csv', bytes: new TextEncoder().encode(audit) });
    return Buffer.from(await evidenceZip(files, this.#now()));
  }

  /** The audit entries, history events and legal holds of one export, in one transaction. */
  async #record(caller: TriageCaller, facts: readonly IncidentFacts[], format: ExportFormat | 'selection', file: ExportFile): Promise<void> {
    const alertIds = facts.map((fact) => fact.alert.id);
    const sha256 = sha256Hex(file.bytes);
    const held = facts.flatMap((fact) => (fact.capture?.withheld === true ? [fact] : []));
    await this.#options.db.transaction(async (tx) => {
      for (const fact of facts) {
        await tx.insert(alertEvents).values({
          alertId: fact.alert.id,
          actorUserId: caller.user.id,
          actorLabel: caller.user.displayName,
          kind: 'export',
          note: `Exported as ${formatNames[format]} (${file.filename}, sha256 ${sha256.slice(0, 12)}…)`,
        });
        await appendAudit(tx, {
          actorUserId: caller.user.id,
          actorLabel: caller.user.username,
          action: 'alert.export',
          targetType: 'alert',
          targetId: fact.alert.id,
          detail: { format, alertIds, filename: file.filename, bytes: file.bytes.byteLength, sha256, captureWithheld: fact.capture?.withheld ?? null },
          ip: caller.ip,
        });
      }
      if (held.length > 0) {
        await tx
          .update(alerts)
          .set({ legalHold: true })
          .where(
            inArray(
              alerts.id,
              held.map((fact) => fact.alert.id),
            ),
          );
        await tx
          .update(screenshots)
          .set({ legalHold: true })
          .where(
            inArray(
              screenshots.sha256,
              held.flatMap((fact) => (fact.capture === null ? [] : [fact.capture.sha256])),
            ),
          );
      }
    });
  }
}

/** `20261207-064604Z` */
function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.\d+Z$/, 'Z');
}
