import { incidentCsvColumns, type IncidentRecord } from '@vigil/shared/console';
import { csvByteOrderMark, csvLine } from '../audit/audit-csv.ts';

// incident.csv: one row per incident, the columns of `incidentCsvColumns` (README
// "Incident export"), RFC 4180 with a UTF-8 BOM and cells defused against formula
// injection, exactly as the audit export (audit/audit-csv.ts).

function row(record: IncidentRecord): Array<string | number | null> {
  const evidence = record.evidence[0];
  const values: Record<(typeof incidentCsvColumns)[number], string | number | null> = {
    incident_id: record.incidentId,
    category_id: record.category.id,
    category: record.category.label,
    severity: record.severity,
    status: record.status,
    occurred_at: record.occurredAt,
    recorded_at: record.recordedAt,
    pupil_name: record.pupil?.name ?? null,
    pupil_upn: record.pupil?.upn ?? null,
    year_group: record.pupil?.yearGroup ?? null,
    tutor_group: record.pupil?.tutorGroup ?? null,
    os_user: record.osUser,
    site: record.location.site,
    room: record.location.room,
    device: record.location.device,
    app: record.where.app,
    window_title: record.where.windowTitle,
    url: record.where.url,
    term: record.flagged.term,
    context: record.flagged.context,
    description: record.description,
    actions: record.actions.map((action) => `${action.at} ${action.by} ${action.kind}${action.note === null ? '' : `: ${action.note}`}`).join(' | '),
    linked_staff: record.linkedStaff.map((staff) => `${staff.name} (${staff.role})`).join('; '),
    evidence_sha256: evidence?.sha256 ?? null,
    evidence_withheld: evidence === undefined ? null : evidence.withheld ? 'yes' : 'no',
    legal_hold: record.legalHold ? 'yes' : 'no',
    exported_at: record.exportedAt,
    exported_by: record.exportedBy,
  };
  return incidentCsvColumns.map((column) => values[column]);
}

export function incidentCsv(records: readonly IncidentRecord[]): string {
  return csvByteOrderMark + csvLine(incidentCsvColumns) + records.map((record) => csvLine(row(record))).join('');
}
