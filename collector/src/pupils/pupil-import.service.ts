import type { PupilField, PupilImportPreview, PupilImportResult } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import type { AdminContext } from '../admin/admin-context.ts';
import { auditChange } from '../admin/admin-context.ts';
import { assertSite, invalidField, notFound } from '../admin/admin-scope.ts';
import { sites, type PupilAccountKind } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { parseCsv, type CsvTable } from './csv-parser.ts';
import { proposeMapping } from './column-mapping.ts';
import { applyImport, type ImportPlan } from './pupil-import.repository.ts';
import { readPupils } from './pupil-rows.ts';

// The two steps of an import: preview (parse, propose a mapping, read the first rows, list
// every problem; writes nothing) and import (the same file with the confirmed mapping, in
// one transaction, audited). The file travels twice rather than being kept between steps:
// the collector stays stateless and a preview never leaves a copy of pupil data behind.

const previewRows = 20;

function tableOf(csv: string): CsvTable {
  const table = parseCsv(csv);
  if (table.header.length === 0 || table.header.every((name) => name === '')) throw new AppError('pupil-import-empty', 400, 'The file has no header row');
  return table;
}

async function assertSiteExists(context: AdminContext, siteId: string): Promise<void> {
  assertSite(context.user, siteId);
  const [site] = await context.db.select({ id: sites.id }).from(sites).where(eq(sites.id, siteId)).limit(1);
  if (site === undefined) throw notFound('site', siteId);
}

export async function previewImport(
  context: AdminContext,
  request: { siteId: string; csv: string; mapping?: readonly PupilField[] | undefined },
): Promise<PupilImportPreview> {
  await assertSiteExists(context, request.siteId);
  const table = tableOf(request.csv);
  const proposed = proposeMapping(table.header);
  const mapping = request.mapping?.length === table.header.length ? [...request.mapping] : proposed;
  const { pupils, problems } = readPupils(table, mapping);
  if (!mapping.includes('misId'))
    problems.unshift({ row: null, code: 'missing-key', message: 'No column holds the UPN or MIS id: choose one before importing.' });
  return {
    delimiter: table.delimiter,
    columns: table.header.map((header, index) => ({
      index,
      header,
      proposed: proposed[index] ?? 'ignore',
      samples: table.records.slice(0, 3).map((record) => record.fields[index] ?? ''),
    })),
    mapping,
    rowCount: table.records.length,
    rows: pupils.slice(0, previewRows),
    problems,
  };
}

function checkMapping(mapping: readonly PupilField[], columns: number): void {
  if (mapping.length !== columns) throw invalidField('mapping', `needs one field per column: the file has ${columns}, the mapping ${mapping.length}`);
  const single = mapping.filter((field) => field !== 'ignore' && field !== 'classes');
  const twice = single.find((field, index) => single.indexOf(field) !== index);
  if (twice !== undefined) throw invalidField('mapping', `"${twice}" is chosen for two columns`);
  if (!mapping.includes('misId')) throw new AppError('pupil-import-no-key', 400, 'Choose the column holding the UPN or MIS id: re-imports match pupils on it');
  const has = (field: PupilField) => mapping.includes(field);
  const named = has('fullName') || ((has('givenName') || has('legalGivenName')) && (has('familyName') || has('legalFamilyName')));
  if (!named) throw new AppError('pupil-import-no-name', 400, 'Choose the forename and surname columns (or one full-name column)');
}

function mappedParts(mapping: readonly PupilField[]): ImportPlan['mapped'] {
  const has = (field: PupilField) => mapping.includes(field);
  const kinds = new Set<PupilAccountKind>();
  if (has('osUsername')) kinds.add('os');
  if (has('googleAccount')) kinds.add('google');
  if (has('microsoftAccount')) kinds.add('microsoft');
  return { yearGroup: has('yearGroup'), tutorGroup: has('tutorGroup'), classes: has('classes'), kinds };
}

export async function runImport(
  context: AdminContext,
  request: { siteId: string; csv: string; mapping: readonly PupilField[]; full: boolean; fileName?: string | undefined },
): Promise<PupilImportResult> {
  await assertSiteExists(context, request.siteId);
  const table = tableOf(request.csv);
  checkMapping(request.mapping, table.header.length);
  const { pupils, problems } = readPupils(table, request.mapping);
  // A full import of a file that read as nobody would mark the whole school as left.
  if (pupils.length === 0) throw new AppError('pupil-import-empty', 400, 'No row of the file could be imported', { problems });
  return context.db.transaction(async (tx) => {
    const result = await applyImport(
      tx,
      {
        siteId: request.siteId,
        pupils,
        full: request.full,
        rows: table.records.length,
        fileName: request.fileName ?? null,
        actor: context.actor,
        now: context.now,
        mapped: mappedParts(request.mapping),
      },
      problems,
    );
    await auditChange(tx, context, {
      action: 'pupils.import',
      targetType: 'site',
      targetId: request.siteId,
      detail: {
        runId: result.runId,
        fileName: request.fileName ?? null,
        full: request.full,
        rows: result.rows,
        added: result.added,
        updated: result.updated,
        unchanged: result.unchanged,
        left: result.left,
        problems: result.problems.length,
      },
    });
    return result;
  });
}
