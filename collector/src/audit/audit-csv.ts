import type { AuditLogRow } from './audit-query.repository.ts';

// The audit export as CSV (RFC 4180: comma-separated, CRLF line ends, every cell in
// double quotes with inner quotes doubled). Headed by a UTF-8 byte-order mark so Excel,
// which most schools open it in, reads accented names correctly.

export const csvByteOrderMark = '\uFEFF';

// actor_name and target_name are today's names for the ids (empty when gone); the ids are the record.
export const auditCsvColumns = ['id', 'at', 'actor', 'action', 'target_type', 'target_id', 'ip', 'detail', 'actor_name', 'target_name'] as const;

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection,
// OWASP): actor names, window titles and notes in `detail` can come from anyone.
const formulaStarts = new Set(['=', '+', '-', '@', '\t', '\r']);

/** One cell: defused against formula injection, then quoted. Null is an empty cell. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (formulaStarts.has(text.charAt(0))) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvLine(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function auditCsvHeader(): string {
  return csvByteOrderMark + csvLine(auditCsvColumns);
}

export function auditCsvLine(row: AuditLogRow, names: { readonly actorName?: string | undefined; readonly targetName?: string | undefined } = {}): string {
  return csvLine([
    row.id,
    row.at.toISOString(),
    row.actorLabel,
    row.action,
    row.targetType,
    row.targetId,
    row.ip,
    row.detail === null ? null : JSON.stringify(row.detail),
    names.actorName,
    names.targetName,
  ]);
}

/** `vigil-audit-20250303-083000Z.csv` */
export function auditCsvFilename(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.\d+Z$/, 'Z');
  return `vigil-audit-${stamp}.csv`;
}
