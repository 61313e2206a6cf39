import type { Access } from '../access-rules.ts';

// School sign-in's lines of the access table (auth/access-rules.ts merges them). The
// sign-in routes are public by nature: the provider's answer and the sealed cookies are
// what they check. Settings are admin-only.

export const ssoAccessRules: Readonly<Record<string, Access>> = {
  'GET /auth/oidc/start': 'public',
  'GET /auth/oidc/callback': 'public',
  'GET /api/auth/oidc': 'public',
  'POST /api/auth/oidc/totp': 'public',

  'GET /api/sso/settings': ['admin'],
  'PUT /api/sso/settings': ['admin'],
};
