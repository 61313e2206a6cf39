import type {
  createUserRequestSchema,
  customWordSchema,
  enrolmentTokenRowSchema,
  createEnrolmentTokenResponseSchema,
  policyResponseSchema,
  policyScopeSchema,
  retentionClassSchema,
  retentionResponseSchema,
  siteSchema,
  updateUserRequestSchema,
  wordlistsResponseSchema,
  addCustomWordRequestSchema,
} from '@vigil/shared/console';
import type { z } from 'zod';

// Administration types, inferred from the contract's schemas (console-api.schema.ts,
// "Administration"); never hand-written copies.

export type Site = z.infer<typeof siteSchema>;
export type EnrolmentTokenRow = z.infer<typeof enrolmentTokenRowSchema>;
export type CreateEnrolmentTokenResponse = z.infer<typeof createEnrolmentTokenResponseSchema>;
export type PolicyScope = z.infer<typeof policyScopeSchema>;
export type PolicyResponse = z.infer<typeof policyResponseSchema>;
export type CustomWord = z.infer<typeof customWordSchema>;
export type WordlistsResponse = z.infer<typeof wordlistsResponseSchema>;
export type BuiltinTerm = WordlistsResponse['builtin'][number];
export type AddCustomWordRequest = z.infer<typeof addCustomWordRequestSchema>;
export type RetentionClass = z.infer<typeof retentionClassSchema>;
export type RetentionResponse = z.infer<typeof retentionResponseSchema>;
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;
