import { index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, ulidId } from './columns.ts';

/** A school. A trust runs several sites on one collector cluster. */
export const sites = pgTable('sites', {
  id: ulidId(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

/** A classroom or ICT suite; teachers are assigned rooms, devices sit in one. */
export const rooms = pgTable(
  'rooms',
  {
    id: ulidId(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('rooms_site_name_unique').on(t.siteId, t.name), index('rooms_site_idx').on(t.siteId)],
);
