// Policies from the console: read one level's overrides and the policy in force there,
// replace one level's overrides. Storing, auditing (`policy.change`) and the push to
// agents are the PolicyService's (policies/policy.service.ts), the same path the CLI takes.
import { policySchema, type Policy } from '@vigil/shared';
import type { PolicyScope } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { resolvePolicy, type PolicyPatch } from '../policies/policy-layers.ts';
import type { PolicyService } from '../policies/policy.service.ts';
import type { AdminContext } from './admin-context.ts';
import { assertSite, notFound } from './admin-scope.ts';
import { findDeviceRow } from './devices.repository.ts';
import { roomById, siteById } from './sites-rooms.repository.ts';

export interface PolicyView {
  readonly scope: PolicyScope;
  readonly scopeId: string;
  readonly overrides: PolicyPatch;
  readonly effective: Policy;
}

/** Where a level sits: its site, and its room for a device in one. */
interface Placement {
  readonly siteId: string;
  readonly roomId: string | null;
}

async function placementOf(context: AdminContext, scope: PolicyScope, scopeId: string): Promise<Placement> {
  if (scope === 'site') {
    const site = await siteById(context.db, scopeId);
    if (site === undefined) throw notFound('site', scopeId);
    return { siteId: site.id, roomId: null };
  }
  if (scope === 'room') {
    const room = await roomById(context.db, scopeId);
    if (room === undefined) throw notFound('room', scopeId);
    return { siteId: room.siteId, roomId: room.id };
  }
  const device = await findDeviceRow(context.db, scopeId);
  if (device === undefined) throw notFound('device', scopeId);
  return { siteId: device.siteId, roomId: device.roomId };
}

async function viewOf(policies: PolicyService, scope: PolicyScope, scopeId: string, placement: Placement): Promise<PolicyView> {
  const overrides = (await policies.getLayer(scope, scopeId)) ?? {};
  if (scope === 'device') return { scope, scopeId, overrides, effective: await policies.forDevice(scopeId) };
  const layers: PolicyPatch[] = [];
  const site = await policies.getLayer('site', placement.siteId);
  if (site !== undefined) layers.push(site);
  if (scope === 'room') layers.push(overrides);
  return { scope, scopeId, overrides, effective: resolvePolicy(layers) };
}

export async function readPolicy(context: AdminContext, policies: PolicyService, scope: PolicyScope, scopeId: string): Promise<PolicyView> {
  const placement = await placementOf(context, scope, scopeId);
  assertSite(context.user, placement.siteId);
  return viewOf(policies, scope, scopeId, placement);
}

const strictOverrides = policySchema.partial().strict();

/**
 * Replaces the level's overrides with `overrides` (untrusted: checked key by key, each
 * problem named as `overrides.<key>`; `{}` clears the level). Connected agents it applies
 * to get their new policy through the control channel once the change commits.
 */
export async function writePolicy(
  context: AdminContext,
  policies: PolicyService,
  scope: PolicyScope,
  scopeId: string,
  overrides: unknown,
): Promise<PolicyView> {
  const checked = strictOverrides.safeParse(overrides);
  if (!checked.success) {
    const fields = checked.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: ['overrides', ...issue.path, key].map(String).join('.'), message: 'unknown setting' }))
        : [{ path: ['overrides', ...issue.path].map(String).join('.'), message: issue.message }],
    );
    throw new AppError('validation-failed', 400, 'The request body is not valid', { fields });
  }
  const placement = await placementOf(context, scope, scopeId);
  assertSite(context.user, placement.siteId);
  // The raw object, not the parsed one: the service keeps only the keys given (parsing fills defaults).
  const result = await policies.setPolicy(scope, scopeId, overrides, context.actor);
  if (!result.ok) {
    if (result.code === 'scope-unknown') throw notFound(scope, scopeId);
    throw new AppError('validation-failed', 400, 'The request body is not valid', { fields: [{ path: 'overrides', message: result.message }] });
  }
  return viewOf(policies, scope, scopeId, placement);
}
