// Policy layers: each of site, room and device may set some settings; the policy an agent
// enforces is the shared default overlaid with site, then room, then device (a shallow
// merge: a layer that sets a key replaces the whole value, lists included).
import { defaultPolicy, policySchema, type Policy } from '@vigil/shared';
import type { z } from 'zod';

/** Some settings of a policy, as one layer stores them. */
export type PolicyPatch = Partial<Policy>;

export type PolicyPatchResult =
  { readonly ok: true; readonly value: PolicyPatch } | { readonly ok: false; readonly code: 'policy-invalid'; readonly message: string };

const patchSchema = policySchema.partial();
const strictPatchSchema = patchSchema.strict();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(issues: z.ZodError['issues']): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `unknown setting "${key}"`).join('; ');
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}

function decode(input: unknown, strict: boolean): PolicyPatchResult {
  if (!isRecord(input)) return { ok: false, code: 'policy-invalid', message: 'policy settings must be a JSON object' };
  const parsed = (strict ? strictPatchSchema : patchSchema).safeParse(input);
  if (!parsed.success) return { ok: false, code: 'policy-invalid', message: describeIssues(parsed.error.issues) };
  // The schema fills defaults (idleWarningSeconds) even into a partial; a layer must
  // carry only what it was given, or an empty room layer would reset the site's value.
  const value: PolicyPatch = { ...parsed.data };
  for (const key of Object.keys(value) as Array<keyof PolicyPatch>) if (!Object.hasOwn(input, key)) delete value[key];
  return { ok: true, value };
}

/** Decodes settings someone wants to store: unknown keys are refused, each error names its key. */
export function decodePolicyPatch(input: unknown): PolicyPatchResult {
  return decode(input, true);
}

/**
 * Decodes a layer read back from the database. Keys this version does not know (written
 * by a newer collector, or since retired) are dropped rather than failing the layer.
 */
export function decodeStoredLayer(input: unknown): PolicyPatchResult {
  return decode(input, false);
}

/** The default policy overlaid with each layer in order (site, room, device). */
export function resolvePolicy(layers: readonly PolicyPatch[]): Policy {
  const merged: Policy = {
    ...defaultPolicy,
    signInTitlePatterns: [...defaultPolicy.signInTitlePatterns],
    noCaptureCategories: [...defaultPolicy.noCaptureCategories],
  };
  for (const layer of layers) Object.assign(merged, layer);
  return merged;
}
