// `vigil admin set-policy | show-policy | lock | unlock`: what agents are told, from the
// server's shell. The change is stored and audited here; a running collector hears of it
// on the database's control channel and pushes it to the connected agents at once.
import { cliActor } from '../audit/actor.ts';
import { deviceIdsInRoom, resolveDeviceRefs } from '../admin/devices.repository.ts';
import { findRoom, findSite } from '../admin/sites-rooms.repository.ts';
import type { Db } from '../db/database.ts';
import { policyScopes, type PolicyScope } from '../db/schema/index.ts';
import { LockService } from '../locks/lock.service.ts';
import type { Logger } from '../logging/logger.ts';
import { PolicyService } from '../policies/policy.service.ts';
import { CliError, CliUsageError, integer, list, required, text, type Subcommand, type Values } from './admin-cli.ts';
import { withDatabase } from './cli-database.ts';

function isScope(value: string): value is PolicyScope {
  return (policyScopes as readonly string[]).includes(value);
}

/** The id behind `--id` (an id, or a site / room name, or a device host name). */
async function scopeId(db: Db, scope: PolicyScope, ref: string): Promise<string> {
  if (scope === 'site') {
    const site = await findSite(db, ref);
    if (site === undefined) throw new CliError(`--id: no site "${ref}"`);
    return site.id;
  }
  if (scope === 'room') {
    const room = await findRoom(db, ref);
    if (room === undefined) throw new CliError(`--id: no room "${ref}"`);
    return room.id;
  }
  return (await devices(db, [ref], undefined, 'id'))[0] ?? ref;
}

/** Devices from `--device` refs and/or every device of `--room`. */
async function devices(db: Db, refs: readonly string[], roomRef: string | undefined, flag = 'device'): Promise<string[]> {
  const { ids, problems } = await resolveDeviceRefs(db, refs);
  if (problems.length > 0) throw new CliError(`--${flag}: ${problems.join('; ')}`);
  if (roomRef === undefined) return ids;
  const room = await findRoom(db, roomRef);
  if (room === undefined) throw new CliError(`--room: no room "${roomRef}"`);
  const inRoom = await deviceIdsInRoom(db, room.id);
  if (inRoom.length === 0) throw new CliError(`--room: room "${room.name}" has no devices`);
  return [...new Set([...ids, ...inRoom])];
}

function targets(values: Values): { refs: string[]; room: string | undefined } {
  const refs = list(values, 'device');
  const room = text(values, 'room');
  if (refs.length === 0 && room === undefined) throw new CliUsageError('--device (or --room) is required');
  return { refs, room };
}

const quietLog = (log: Logger) => log.child({ module: 'cli' });

export const agentSubcommands: Record<string, Subcommand> = {
  'set-policy': {
    synopsis: `set-policy --scope <${policyScopes.join('|')}> --id <id|name> --json '{…}' [--merge]`,
    summary: 'store the policy settings of one level (site, room or device)',
    help: [
      'The effective policy of a device is the default, overlaid by its site, its room, then the',
      'device itself. --json holds the settings of this level only, e.g. \'{"idleLockMinutes": 10}\';',
      "it replaces what the level had ('{}' clears it) unless --merge. --id takes an id, a site or",
      'room name, or a device host name. Connected agents receive the new policy at once.',
    ].join('\n'),
    options: { scope: { type: 'string' }, id: { type: 'string' }, json: { type: 'string' }, merge: { type: 'boolean' } },
    run: async (values) => {
      const scope = required(values, 'scope');
      if (!isScope(scope)) throw new CliUsageError(`--scope must be one of ${policyScopes.join('|')}`);
      const ref = required(values, 'id');
      let settings: unknown;
      try {
        settings = JSON.parse(required(values, 'json'));
      } catch (error) {
        if (error instanceof CliUsageError) throw error;
        throw new CliUsageError(`--json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      return withDatabase(async ({ db }, log) => {
        const id = await scopeId(db, scope, ref);
        const result = await new PolicyService({ db, log: quietLog(log) }).setPolicy(scope, id, settings, cliActor, { merge: values.merge === true });
        if (!result.ok) {
          if (result.code === 'policy-invalid') throw new CliUsageError(`--json: ${result.message}`);
          throw new CliError(`--id: ${result.message}`);
        }
        console.log(JSON.stringify(result.layer));
        console.error(`policy for ${scope} ${id} stored; connected agents are updated by the running collector`);
        return 0;
      });
    },
  },
  'show-policy': {
    synopsis: 'show-policy --device <id|hostname> | --scope <site|room|device> --id <id|name>',
    summary: "a device's effective policy, or the settings stored at one level",
    options: { device: { type: 'string' }, scope: { type: 'string' }, id: { type: 'string' } },
    run: (values) =>
      withDatabase(async ({ db }, log) => {
        const service = new PolicyService({ db, log: quietLog(log) });
        const device = text(values, 'device');
        if (device !== undefined) {
          const [id] = await devices(db, [device], undefined);
          console.log(JSON.stringify(await service.forDevice(id ?? device), null, 2));
          return 0;
        }
        const scope = required(values, 'scope');
        if (!isScope(scope)) throw new CliUsageError(`--scope must be one of ${policyScopes.join('|')}`);
        const layer = await service.getLayer(scope, await scopeId(db, scope, required(values, 'id')));
        console.log(JSON.stringify(layer ?? {}, null, 2));
        return 0;
      }),
  },
  lock: {
    synopsis: 'lock --device <id|hostname>… | --room <id|name> [--message <text>] [--minutes N]',
    summary: 'lock screens until unlocked (or for N minutes)',
    help: 'Repeat --device (or separate with commas) for several devices; --room locks every device in it.',
    options: { device: { type: 'string', multiple: true }, room: { type: 'string' }, message: { type: 'string' }, minutes: { type: 'string' } },
    run: async (values) => {
      const { refs, room } = targets(values);
      const minutes = integer(values, 'minutes', 1, 43_200);
      const message = text(values, 'message');
      if (message !== undefined && message.length > 500) throw new CliUsageError('--message must be at most 500 characters');
      return withDatabase(async ({ db }, log) => {
        const ids = await devices(db, refs, room);
        const until = minutes === undefined ? undefined : new Date(Date.now() + minutes * 60_000);
        const result = await new LockService({ db, log: quietLog(log) }).lockDevices(ids, { message, until, by: cliActor });
        if (!result.ok) throw result.code === 'lock-invalid' ? new CliUsageError(result.message) : new CliError(result.message);
        console.log(result.lockId);
        console.error(`${ids.length} device(s) locked${until === undefined ? '' : ` until ${until.toISOString()}`}`);
        return 0;
      });
    },
  },
  unlock: {
    synopsis: 'unlock --device <id|hostname>… | --room <id|name>',
    summary: 'lift a lock',
    options: { device: { type: 'string', multiple: true }, room: { type: 'string' } },
    run: async (values) => {
      const { refs, room } = targets(values);
      return withDatabase(async ({ db }, log) => {
        const ids = await devices(db, refs, room);
        const result = await new LockService({ db, log: quietLog(log) }).unlockDevices(ids, cliActor);
        if (!result.ok) throw new CliError(result.message);
        console.log(result.lockId);
        console.error(`${ids.length} device(s) unlocked`);
        return 0;
      });
    },
  },
};
