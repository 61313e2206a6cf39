import { z } from 'zod';

/**
 * GET / PUT /api/settings/security: site-wide sign-in security (admins only). The PUT
 * body is the whole object; the answer is the stored state.
 */
export const securitySettingsSchema = z.strictObject({
  /** Teachers must set up and use an authenticator app (TOTP), like technicians. */
  requireTotpForTeachers: z.boolean(),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

export const defaultSecuritySettings: Readonly<SecuritySettings> = Object.freeze({ requireTotpForTeachers: false });
