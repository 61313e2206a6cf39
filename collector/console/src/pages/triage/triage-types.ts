import type { alertActionResponseSchema, bulkResponseSchema, categoriesResponseSchema, AlertStatus } from '@vigil/shared/console';
import type { z } from 'zod';

// Response types the contract defines as schemas without a named type, inferred from the
// schema (never hand-written).

export type CategoriesResponse = z.infer<typeof categoriesResponseSchema>;
export type CategoryInfo = CategoriesResponse['categories'][number];
export type BulkResponse = z.infer<typeof bulkResponseSchema>;
export type AlertActionResponse = z.infer<typeof alertActionResponseSchema>;
export type BulkAction = 'resolve' | 'dismiss' | 'escalate' | 'in-review' | 'assign-me';

export const STATUS_LABELS: Readonly<Record<AlertStatus, string>> = {
  new: 'New',
  'in-review': 'In review',
  escalated: 'Escalated',
  dismissed: 'Dismissed',
  resolved: 'Resolved',
};
