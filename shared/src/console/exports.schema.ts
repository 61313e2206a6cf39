import { z } from 'zod';
import { severitySchema } from '../protocol/wordlist.schema.ts';
import { alertStatusSchema } from './console-api.schema.ts';

// Incident export (collector/src/exports): the machine-readable record of one alert that a
// DSL takes to the school's safeguarding system (CPOMS, MyConcern, a paper log). The shape
// is versioned by `schema`; README.md "Records that leave the building → Incident export"
// maps every field onto CPOMS and MyConcern incident fields. Everything textual that came
// from a PC (context, titles, URLs, user names) is hostile input: render it as text.

export const incidentSchemaVersion = 'vigil.incident/1';

const isoSchema = z.iso.datetime({ offset: true });

export const incidentActionSchema = z.object({
  at: isoSchema,
  by: z.string(),
  /** `status` (with the change in `note`), `note`, `assign`, `export`. */
  kind: z.enum(['status', 'note', 'assign', 'export']),
  note: z.string().nullable(),
});

export const incidentEvidenceSchema = z.object({
  kind: z.literal('screenshot'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Null while the bytes have not arrived from the PC. */
  bytes: z.number().int().nonnegative().nullable(),
  mime: z.string().nullable(),
  /** True: possibly indecent imagery, never copied out — held under legal hold for the police. */
  withheld: z.boolean(),
});

export const incidentRecordSchema = z.object({
  schema: z.literal(incidentSchemaVersion),
  incidentId: z.string(),
  category: z.object({ id: z.string(), label: z.string() }),
  severity: severitySchema,
  restricted: z.boolean(),
  status: alertStatusSchema,
  /** When it happened on the PC (the agent's clock). */
  occurredAt: isoSchema,
  /** When the collector received it. */
  recordedAt: isoSchema,
  /** From the pupil directory; null when the login matches no pupil. */
  pupil: z.object({ name: z.string(), upn: z.string().nullable(), yearGroup: z.string().nullable(), tutorGroup: z.string().nullable() }).nullable(),
  osUser: z.string().nullable(),
  location: z.object({ site: z.string(), room: z.string().nullable(), device: z.string() }),
  where: z.object({ app: z.string().nullable(), windowTitle: z.string().nullable(), url: z.string().nullable() }),
  flagged: z.object({
    source: z.enum(['typed', 'title', 'url']),
    term: z.string(),
    terms: z.array(z.object({ term: z.string(), category: z.string(), severity: severitySchema })),
    context: z.string().nullable(),
  }),
  /** Plain language: "Typed on <device> in <app>: '<context>' matched <term> (<category>)". */
  description: z.string(),
  actions: z.array(incidentActionSchema),
  /** Staff who acted on the alert, were assigned it, revealed it or exported it. */
  linkedStaff: z.array(z.object({ name: z.string(), role: z.string() })),
  reveals: z.array(z.object({ at: isoSchema, by: z.string(), reason: z.string() })),
  evidence: z.array(incidentEvidenceSchema),
  legalHold: z.boolean(),
  exportedAt: isoSchema,
  exportedBy: z.string(),
});
export type IncidentRecord = z.infer<typeof incidentRecordSchema>;

/** `incident.csv` / `incidents.csv`: one row per incident, these columns in this order. */
export const incidentCsvColumns = [
  'incident_id',
  'category_id',
  'category',
  'severity',
  'status',
  'occurred_at',
  'recorded_at',
  'pupil_name',
  'pupil_upn',
  'year_group',
  'tutor_group',
  'os_user',
  'site',
  'room',
  'device',
  'app',
  'window_title',
  'url',
  'term',
  'context',
  'description',
  'actions',
  'linked_staff',
  'evidence_sha256',
  'evidence_withheld',
  'legal_hold',
  'exported_at',
  'exported_by',
] as const;

/** POST /api/exports: a selection of alerts → one zip (a PDF each, combined JSON and CSV). */
export const exportSelectionRequestSchema = z.strictObject({
  ids: z.array(z.string().min(1).max(64)).min(1).max(100),
});
export type ExportSelectionRequest = z.infer<typeof exportSelectionRequestSchema>;

/** `incidents.json` in a selection's zip. */
export const incidentSelectionSchema = z.object({
  schema: z.literal('vigil.incidents/1'),
  exportedAt: isoSchema,
  exportedBy: z.string(),
  incidents: z.array(incidentRecordSchema),
});
export type IncidentSelection = z.infer<typeof incidentSelectionSchema>;
