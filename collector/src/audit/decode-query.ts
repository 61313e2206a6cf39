import type { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

/**
 * Decodes a query string (Fastify gives strings) or throws 400 `validation-failed`
 * naming the parameters, like `decodeBody` does for bodies.
 */
export function decodeQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('validation-failed', 400, 'The query parameters are not valid', { fields });
}
