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
import type { Infer } from '../triage/triage-types.ts';

// Administration types, inferred from the contract's schemas (console-api.schema.ts,
// "Administration"); never hand-written copies.

export type Site = Infer<typeof siteSchema>;
export type EnrolmentTokenRow = Infer<typeof enrolmentTokenRowSchema>;
export type CreateEnrolmentTokenResponse = Infer<typeof createEnrolmentTokenResponseSchema>;
export type PolicyScope = Infer<typeof policyScopeSchema>;
export type PolicyResponse = Infer<typeof policyResponseSchema>;
export type CustomWord = Infer<typeof customWordSchema>;
export type WordlistsResponse = Infer<typeof wordlistsResponseSchema>;
export type BuiltinTerm = WordlistsResponse['builtin'][number];
export type AddCustomWordRequest = Infer<typeof addCustomWordRequestSchema>;
export type RetentionClass = Infer<typeof retentionClassSchema>;
export type RetentionResponse = Infer<typeof retentionResponseSchema>;
export type CreateUserRequest = Infer<typeof createUserRequestSchema>;
export type UpdateUserRequest = Infer<typeof updateUserRequestSchema>;
