import type { FastifyPluginAsync } from 'fastify';
import { policyScopeSchema, setPolicyRequestSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import type { PolicyScope } from '../db/schema/index.ts';
import { adminContext } from './admin-context.ts';
import { invalidField } from './admin-scope.ts';
import { readPolicy, writePolicy } from './policy-admin.service.ts';

interface PolicyParams {
  scope: string;
  scopeId: string;
}

function scopeOf(value: string): PolicyScope {
  const parsed = policyScopeSchema.safeParse(value);
  if (!parsed.success) throw invalidField('scope', `must be one of ${policyScopeSchema.options.join(', ')}`);
  return parsed.data;
}

/** GET/PUT /api/policies/:scope/:scopeId (site, room or device). */
export const policiesRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  const policies = app.agentServices.policies;

  app.get<{ Params: PolicyParams }>('/api/policies/:scope/:scopeId', async (request) => {
    const scope = scopeOf(request.params.scope);
    return readPolicy(adminContext(request, db), policies, scope, request.params.scopeId);
  });

  app.put<{ Params: PolicyParams }>('/api/policies/:scope/:scopeId', async (request) => {
    const scope = scopeOf(request.params.scope);
    // Checked twice on purpose: the contract's schema names bad values (`overrides.<key>`);
    // writePolicy then refuses unknown keys (which that schema drops) and stores the raw
    // object, since parsing would fill in defaults the level never set.
    decodeBody(setPolicyRequestSchema, request.body);
    const overrides = (request.body as { overrides: unknown }).overrides;
    return writePolicy(adminContext(request, db), policies, scope, request.params.scopeId, overrides);
  });
};
