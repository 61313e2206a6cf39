import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Read once from the collector's package.json (a JSON import would have to be listed
// in the composite TypeScript project).
const packageJson = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')));

export const collectorVersion: string = packageJson.version;
