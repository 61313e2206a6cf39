import type pg from 'pg';

/** Tables partitioned by calendar month (UTC) and the column they are partitioned on. */
export const monthlyPartitionedTables = [{ table: 'activity_spans', column: 'started_at' }] as const;

/**
 * Makes sure the monthly partitions around `now` exist (the function comes from the
 * custom migration 0001). Run at start-up and daily by the retention job, so ingest
 * never falls into the default partition in normal operation.
 */
export async function ensureMonthlyPartitions(pool: pg.Pool, now: Date = new Date(), monthsBack = 1, monthsAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (const { table, column } of monthlyPartitionedTables) {
    const result = await pool.query<{ name: string }>(
      `select vigil_ensure_month_partition($1, $2, $3::timestamptz + make_interval(months => m)) as name
         from generate_series($4::int, $5::int) as m`,
      [table, column, now.toISOString(), -monthsBack, monthsAhead],
    );
    created.push(...result.rows.map((row) => row.name));
  }
  return created;
}
