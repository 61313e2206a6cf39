import { defineConfig } from 'drizzle-kit';

// `pnpm -F @vigil/collector db:generate` diffs src/db/schema against drizzle/meta and
// writes the next migration into drizzle/. Read it before committing; never edit a
// migration after it has landed. Partitioning and the audit-log triggers are custom
// migrations (`drizzle-kit generate --custom --name <what>`), see drizzle/README.md.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
