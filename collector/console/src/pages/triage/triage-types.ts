import type {
  alertActionResponseSchema,
  bulkResponseSchema,
  categoriesResponseSchema,
  AlertStatus,
} from '@vigil/shared/console';

// Response types the contract defines as schemas without a named type. Inferred from the
// schema (never hand-written) through zod's own type slot, as the console has no zod.

export type Infer<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type CategoriesResponse = Infer<typeof categoriesResponseSchema>;
export type CategoryInfo = CategoriesResponse['categories'][number];
export type BulkResponse = Infer<typeof bulkResponseSchema>;
export type AlertActionResponse = Infer<typeof alertActionResponseSchema>;
export type BulkAction = 'resolve' | 'dismiss' | 'escalate' | 'in-review' | 'assign-me';

export const STATUS_LABELS: Readonly<Record<AlertStatus, string>> = {
  new: 'New',
  'in-review': 'In review',
  escalated: 'Escalated',
  dismissed: 'Dismissed',
  resolved: 'Resolved',
};
