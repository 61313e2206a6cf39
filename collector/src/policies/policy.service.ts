import { makeEnvelope, type Policy } from '@vigil/shared';
import { auditActor, type Actor } from '../audit/actor.ts';
import type { PolicyProvider } from '../agents/agent-hub.contract.ts';
import { connectedAmong, noAgentHub, type AgentHubRef } from '../agent-services/agent-hub-ref.ts';
import { notifyControl } from '../agent-services/control-channel.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { PolicyScope } from '../db/schema/index.ts';
import { decodePolicyPatch, decodeStoredLayer, resolvePolicy, type PolicyPatch } from './policy-layers.ts';
import { devicePlacements, devicesInScope, findLayer, findLayerForUpdate, layersFor, scopeExists, upsertLayer, type PolicyRow } from './policy.repository.ts';
import type { ServiceLog } from '../agent-services/service-log.ts';

export type SetPolicyResult =
  | { readonly ok: true; readonly layer: PolicyPatch; readonly previous: PolicyPatch | undefined }
  | { readonly ok: false; readonly code: 'policy-invalid' | 'scope-unknown'; readonly message: string };

export interface SetPolicyOptions {
  /** Merge into the stored layer instead of replacing it (the CLI's `--merge`). */
  readonly merge?: boolean;
}

export interface PolicyServiceOptions {
  readonly db: Db;
  readonly log: ServiceLog;
  readonly hub?: AgentHubRef;
}

/**
 * Policies scoped site → room → device. Writes are validated, stored, audited and
 * announced on the control channel; every collector node then pushes the re-resolved
 * policy to the affected agents connected to it (`pushForScope`).
 */
export class PolicyService implements PolicyProvider {
  readonly #db: Db;
  readonly #log: ServiceLog;
  readonly #hub: AgentHubRef;

  constructor(options: PolicyServiceOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#hub = options.hub ?? noAgentHub;
  }

  /** The effective policy; an unknown device gets the default. */
  async forDevice(deviceId: string): Promise<Policy> {
    return (await this.forDevices([deviceId])).get(deviceId) ?? resolvePolicy([]);
  }

  /** Effective policies of many devices in two queries (a site-wide push may cover hundreds). */
  async forDevices(deviceIds: readonly string[]): Promise<Map<string, Policy>> {
    const placements = await devicePlacements(this.#db, deviceIds);
    const rows = await layersFor(this.#db, {
      siteIds: placements.map((p) => p.siteId),
      roomIds: placements.flatMap((p) => (p.roomId === null ? [] : [p.roomId])),
      deviceIds: placements.map((p) => p.id),
    });
    const layers = new Map<string, PolicyPatch | undefined>();
    const layerOf = (scope: PolicyScope, scopeId: string | null): PolicyPatch[] => {
      if (scopeId === null) return [];
      const key = `${scope}:${scopeId}`;
      if (!layers.has(key)) layers.set(key, this.#decodeRow(rows.find((row) => row.scope === scope && row.scopeId === scopeId)));
      const layer = layers.get(key);
      return layer === undefined ? [] : [layer];
    };
    const policies = new Map<string, Policy>();
    for (const placement of placements) {
      policies.set(
        placement.id,
        resolvePolicy([...layerOf('site', placement.siteId), ...layerOf('room', placement.roomId), ...layerOf('device', placement.id)]),
      );
    }
    return policies;
  }

  /** The settings stored at one level (undefined when none, or when unreadable). */
  async getLayer(scope: PolicyScope, scopeId: string): Promise<PolicyPatch | undefined> {
    return this.#decodeRow(await findLayer(this.#db, scope, scopeId));
  }

  /**
   * Stores the settings of one level. `settings` is untrusted (console, CLI): it is
   * decoded strictly and a problem comes back as a result naming the key, never thrown.
   * Replaces the level's settings unless `merge`; `{}` clears the level.
   */
  async setPolicy(scope: PolicyScope, scopeId: string, settings: unknown, actor: Actor, options: SetPolicyOptions = {}): Promise<SetPolicyResult> {
    const decoded = decodePolicyPatch(settings);
    if (!decoded.ok) return decoded;
    if (!(await scopeExists(this.#db, scope, scopeId))) return { ok: false, code: 'scope-unknown', message: `no ${scope} with id "${scopeId}"` };
    return this.#db.transaction(async (tx) => {
      const previous = this.#decodeRow(await findLayerForUpdate(tx, scope, scopeId));
      const layer = options.merge === true ? { ...previous, ...decoded.value } : decoded.value;
      await upsertLayer(tx, scope, scopeId, layer, actor.userId);
      await appendAudit(tx, {
        ...auditActor(actor),
        action: 'policy.change',
        targetType: scope,
        targetId: scopeId,
        detail: { settings: layer, previous: previous ?? null },
      });
      await notifyControl(tx, { kind: 'policy', scope, scopeId });
      return { ok: true, layer, previous };
    });
  }

  /** Sends the re-resolved policy to the connected devices a level applies to; returns how many. */
  async pushForScope(scope: PolicyScope, scopeId: string): Promise<number> {
    const hub = this.#hub();
    if (hub === undefined) return 0;
    const targets = connectedAmong(hub, await devicesInScope(this.#db, scope, scopeId));
    return this.pushTo(targets);
  }

  /** Sends each of these devices (if connected here) its current policy; returns how many. */
  async pushTo(deviceIds: readonly string[]): Promise<number> {
    const hub = this.#hub();
    if (hub === undefined || deviceIds.length === 0) return 0;
    const policies = await this.forDevices(connectedAmong(hub, deviceIds));
    let sent = 0;
    for (const [deviceId, policy] of policies) if (hub.send(deviceId, makeEnvelope('policy', policy))) sent += 1;
    return sent;
  }

  #decodeRow(row: PolicyRow | undefined): PolicyPatch | undefined {
    if (row === undefined) return undefined;
    const decoded = decodeStoredLayer(row.settings);
    if (decoded.ok) return decoded.value;
    // Never crash an agent's welcome over one bad row: the other levels still apply.
    this.#log.error({ scope: row.scope, scopeId: row.scopeId, problem: decoded.message }, 'stored policy layer is invalid and was skipped');
    return undefined;
  }
}
