import { z } from 'zod';
import { userRoles } from '../db/schema/users.schema.ts';
import { AppError } from '../errors/app-error.ts';
import { maxPresentedPasswordLength } from './password.ts';

// The /api/auth wire format. The console will need these too: when it starts calling
// them, move this file's schemas into @vigil/shared (which the console may import).

const username = z.string().trim().min(1).max(64);
const password = z.string().min(1).max(maxPresentedPasswordLength);
const totpCode = z.string().trim().max(16);

export const loginBodySchema = z.strictObject({ username, password, totp: totpCode.optional() });
export type LoginBody = z.infer<typeof loginBodySchema>;

export const totpConfirmBodySchema = z.strictObject({ code: totpCode });

/** New user names: letters, digits and . _ - @ (e-mail style names work). */
export const newUsernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ - @ only');

export const setupBodySchema = z.strictObject({
  token: z.string().min(1).max(200),
  username: newUsernameSchema,
  password,
  displayName: z.string().trim().min(1).max(100),
});
export type SetupBody = z.infer<typeof setupBodySchema>;

export const meResponseSchema = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(userRoles),
    /** Rooms assigned to the user (user_rooms); a teacher acts on these only. */
    rooms: z.array(z.object({ id: z.string(), name: z.string(), siteId: z.string() })),
  }),
  /** Send as `x-csrf-token` on every POST/PUT/PATCH/DELETE. */
  csrfToken: z.string(),
  /** The session is restricted until TOTP is enrolled (POST /api/auth/totp/enrol, …/confirm). */
  totpEnrolmentRequired: z.boolean(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const totpEnrolResponseSchema = z.object({ secret: z.string(), uri: z.string() });
export type TotpEnrolResponse = z.infer<typeof totpEnrolResponseSchema>;

/** Decodes a request body or throws 400 `validation-failed` naming the fields (never their values). */
export function decodeBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('validation-failed', 400, 'The request body is not valid', { fields });
}
