import { policySchema, type Policy } from '@vigil/shared/protocol';

// The policy editor edits one scope's layer (site, room or device). Each setting is
// either inherited (shown with the effective value, greyed) or overridden here. The form
// works on strings and flags; this module turns it into the `overrides` object and
// checks it with the protocol's own schema, so the console and collector agree on limits.

export type PolicyKey = keyof Policy;

export interface PolicyFieldInfo {
  readonly key: PolicyKey;
  readonly label: string;
  readonly help: string;
  readonly kind: 'number' | 'text' | 'longtext' | 'flag' | 'lines' | 'categories';
  readonly min?: number;
  readonly max?: number;
}

export const POLICY_FIELDS: readonly PolicyFieldInfo[] = [
  {
    key: 'idleLockMinutes',
    label: 'Idle lock (minutes)',
    help: 'Lock the screen after this many minutes without input; 0 turns idle lock off.',
    kind: 'number',
    min: 0,
    max: 240,
  },
  {
    key: 'idleWarningSeconds',
    label: 'Warning before idle lock (seconds)',
    help: 'How long before the idle lock the user is warned.',
    kind: 'number',
    min: 0,
    max: 300,
  },
  { key: 'aupText', label: 'Acceptable use notice', help: 'Shown to users so monitoring is never hidden.', kind: 'longtext' },
  { key: 'aupVersion', label: 'Acceptable use notice version', help: 'Change it when the text changes, so users see the new notice.', kind: 'text' },
  {
    key: 'showAupOnLogin',
    label: 'Show the notice on first sign-in of each user',
    help: 'Users see the notice the first time they sign in (and after a new version).',
    kind: 'flag',
  },
  { key: 'captureScreenshots', label: 'Take screenshots with alerts', help: 'A screenshot gives the alert its context.', kind: 'flag' },
  {
    key: 'noCaptureCategories',
    label: 'Never take screenshots for these categories',
    help: 'Alerts in these categories are raised without a screenshot.',
    kind: 'categories',
  },
  {
    key: 'signInTitlePatterns',
    label: 'Sign-in window title patterns',
    help: 'One regular expression per line (case-insensitive). Matching pauses while the focused window title matches one.',
    kind: 'lines',
  },
  {
    key: 'alertCooldownSeconds',
    label: 'Alert cooldown (seconds)',
    help: 'The same term on the same computer raises at most one alert in this time.',
    kind: 'number',
    min: 0,
    max: 86_400,
  },
  { key: 'heartbeatSeconds', label: 'Heartbeat (seconds)', help: 'How often each computer reports that it is alive.', kind: 'number', min: 5, max: 300 },
];

export type FieldValue = string | boolean | readonly string[];

export interface PolicyDraft {
  /** Settings overridden at this scope; the rest inherit. */
  readonly overridden: Readonly<Record<PolicyKey, boolean>>;
  /** Numbers as typed; patterns one per line; flags; category id lists. */
  readonly values: Readonly<Record<PolicyKey, FieldValue>>;
}

function toFieldValue(field: PolicyFieldInfo, value: Policy[PolicyKey]): FieldValue {
  switch (field.kind) {
    case 'number':
      return String(value);
    case 'lines':
      return (value as readonly string[]).join('\n');
    case 'categories':
      return [...(value as readonly string[])];
    case 'flag':
      return value as boolean;
    case 'text':
    case 'longtext':
      return value as string;
  }
}

/** The form for a scope: overridden settings show their own value, the rest the effective one. */
export function draftFromPolicy(overrides: Partial<Policy>, effective: Policy): PolicyDraft {
  const overridden = {} as Record<PolicyKey, boolean>;
  const values = {} as Record<PolicyKey, FieldValue>;
  for (const field of POLICY_FIELDS) {
    const own = overrides[field.key];
    overridden[field.key] = own !== undefined;
    values[field.key] = toFieldValue(field, own ?? effective[field.key]);
  }
  return { overridden, values };
}

export interface PolicyProblem {
  readonly key: PolicyKey;
  readonly message: string;
}

export type OverridesResult = { readonly ok: true; readonly overrides: Partial<Policy> } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

function fromFieldValue(field: PolicyFieldInfo, value: FieldValue): unknown {
  switch (field.kind) {
    case 'number': {
      const text = String(value).trim();
      return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    }
    case 'lines':
      return String(value)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    case 'categories':
      return [...(value as readonly string[])];
    case 'flag':
      return value === true;
    case 'text':
    case 'longtext':
      return String(value);
  }
}

/** The overrides to PUT for this draft, or the problems (named by setting) that stop it. */
export function overridesFromDraft(draft: PolicyDraft): OverridesResult {
  const candidate: Record<string, unknown> = {};
  const problems: PolicyProblem[] = [];
  for (const field of POLICY_FIELDS) {
    if (!draft.overridden[field.key]) continue;
    const value = fromFieldValue(field, draft.values[field.key]);
    if (typeof value === 'number' && Number.isNaN(value)) {
      problems.push({ key: field.key, message: `${field.label}: enter a whole number from ${field.min} to ${field.max}.` });
      continue;
    }
    candidate[field.key] = value;
  }
  const parsed = policySchema.partial().safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as PolicyKey;
      const field = POLICY_FIELDS.find((info) => info.key === key);
      const line = field?.kind === 'lines' && typeof issue.path[1] === 'number' ? ` (line ${issue.path[1] + 1})` : '';
      problems.push({ key, message: `${field?.label ?? String(key)}${line}: ${issue.message}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  // Only the keys the user overrode: defaults the schema would add must not become overrides.
  const overrides: Record<string, unknown> = {};
  for (const key of Object.keys(candidate)) overrides[key] = (parsed.data as Record<string, unknown>)[key];
  return { ok: true, overrides: overrides as Partial<Policy> };
}

/** Number of settings overridden at this scope. */
export function overrideCount(draft: PolicyDraft): number {
  return POLICY_FIELDS.filter((field) => draft.overridden[field.key]).length;
}
