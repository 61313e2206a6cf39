// `vigil admin <subcommand>`: operator tasks against the configured database.
import { parseArgs } from 'node:util';
import { auditActor, cliActor } from '../audit/actor.ts';
import { listDevices } from '../admin/devices.repository.ts';
import { createEnrolmentToken } from '../admin/enrolment-tokens.repository.ts';
import { createRoom, createSite, defaultSite, findRoom, findSite, listRooms } from '../admin/sites-rooms.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { migrateSchema } from '../db/database.ts';
import { agentSubcommands } from './admin-agents.command.ts';
import { collectorPin, tlsSubcommands } from './admin-tls.command.ts';
import { CliError, CliUsageError, integer, pad, parseDuration, required, text, type Subcommand, type Values } from './admin-cli.ts';
import { userSubcommands } from './admin-users.command.ts';
import { withDatabase } from './cli-database.ts';

export { parseDuration } from './admin-cli.ts';

const cliAudit = auditActor(cliActor);

const baseSubcommands: Record<string, Subcommand> = {
  migrate: {
    synopsis: 'migrate',
    summary: 'apply pending database migrations',
    run: () =>
      withDatabase(
        async (database, log) => {
          const { applied } = await migrateSchema(database, log);
          console.log(`${applied} migration(s) applied; schema up to date (${database.kind}: ${database.displayUrl})`);
          return 0;
        },
        { migrate: false },
      ),
  },
  'create-site': {
    synopsis: 'create-site --name <name>',
    summary: 'add a site (school)',
    options: { name: { type: 'string' } },
    run: (values) => {
      const name = required(values, 'name');
      return withDatabase(async ({ db }) => {
        const site = await db.transaction(async (tx) => {
          const created = await createSite(tx, name);
          await appendAudit(tx, { ...cliAudit, action: 'site.create', targetType: 'site', targetId: created.id, detail: { name: created.name } });
          return created;
        });
        console.log(site.id);
        return 0;
      });
    },
  },
  'create-room': {
    synopsis: 'create-room --name <name> [--site <id|name>]',
    summary: 'add a room (to the only site, or the default site created on demand)',
    options: { name: { type: 'string' }, site: { type: 'string' } },
    run: (values) => {
      // Checked before the database: a missing --name must not create the default site.
      const name = required(values, 'name');
      return withDatabase(async ({ db }) => {
        const siteRef = text(values, 'site');
        const site = siteRef === undefined ? await defaultSite(db) : await findSite(db, siteRef);
        if (site === undefined) throw new CliError(`--site: no site "${siteRef ?? ''}"`);
        const room = await db.transaction(async (tx) => {
          const created = await createRoom(tx, site.id, name);
          await appendAudit(tx, {
            ...cliAudit,
            action: 'room.create',
            targetType: 'room',
            targetId: created.id,
            detail: { name: created.name, siteId: site.id },
          });
          return created;
        });
        console.log(room.id);
        return 0;
      });
    },
  },
  'list-rooms': {
    synopsis: 'list-rooms [--json]',
    summary: 'rooms with their site',
    options: { json: { type: 'boolean' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const rooms = await listRooms(db);
        if (values.json === true) console.log(JSON.stringify(rooms));
        else console.log(pad([['ID', 'SITE', 'ROOM'], ...rooms.map((room) => [room.id, room.siteName, room.name])]));
        return 0;
      }),
  },
  'create-token': {
    synopsis: 'create-token --room <id|name> [--uses N=1] [--expires 7d] [--label <text>]',
    summary: "enrolment token for agents (printed once; carries the collector's key pin)",
    options: { room: { type: 'string' }, uses: { type: 'string' }, expires: { type: 'string' }, label: { type: 'string' } },
    run: (values) => {
      const roomRef = required(values, 'room');
      const uses = integer(values, 'uses', 1, 10_000) ?? 1;
      const lifetime = parseDuration(text(values, 'expires') ?? '7d');
      if (lifetime === undefined) throw new CliUsageError('--expires must look like 30m, 24h or 7d');
      return withDatabase(async ({ db }, log) => {
        const room = await findRoom(db, roomRef);
        if (room === undefined) throw new CliError(`--room: no room "${roomRef}"`);
        const pin = await collectorPin(log);
        const created = await db.transaction(async (tx) => {
          const token = await createEnrolmentToken(tx, {
            siteId: room.siteId,
            roomId: room.id,
            expiresAt: new Date(Date.now() + lifetime),
            uses,
            label: text(values, 'label'),
            pin,
          });
          await appendAudit(tx, {
            ...cliAudit,
            action: 'enrolment-token.create',
            targetType: 'enrolment-token',
            targetId: token.id,
            detail: { roomId: room.id, uses },
          });
          return token;
        });
        console.log(created.token);
        console.error(
          `enrolment token for room "${room.name}": ${uses} use(s), expires ${created.expiresAt.toISOString()}; it is shown only once` +
            (pin === undefined ? '; TLS=off: no key pin in it (agents need --pin <proxy pin> or --insecure)' : "; it carries the collector's key pin"),
        );
        return 0;
      });
    },
  },
  'list-devices': {
    synopsis: 'list-devices [--room <id|name>] [--json]',
    summary: 'enrolled devices and their status',
    options: { room: { type: 'string' }, json: { type: 'boolean' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const roomRef = text(values, 'room');
        const room = roomRef === undefined ? undefined : await findRoom(db, roomRef);
        if (roomRef !== undefined && room === undefined) throw new CliError(`--room: no room "${roomRef}"`);
        const devices = await listDevices(db, room === undefined ? {} : { roomId: room.id });
        if (values.json === true) {
          console.log(JSON.stringify(devices));
          return 0;
        }
        const rows = devices.map((d) => [d.id, d.hostname, d.roomName ?? '-', d.status, d.lastSeenAt?.toISOString() ?? 'never', d.agentVersion ?? '-']);
        console.log(pad([['ID', 'HOSTNAME', 'ROOM', 'STATUS', 'LAST SEEN', 'AGENT'], ...rows]));
        return 0;
      }),
  },
};

const subcommands: Record<string, Subcommand> = { ...baseSubcommands, ...userSubcommands, ...agentSubcommands, ...tlsSubcommands };

function usage(): string {
  return [
    'usage: vigil admin <subcommand> [flags]     (vigil admin <subcommand> --help for more)',
    ...Object.values(subcommands).flatMap((command) => [`  ${command.synopsis}`, `      ${command.summary}`]),
    'exit codes: 0 done, 1 failed, 2 bad usage',
  ].join('\n');
}

function subcommandHelp(command: Subcommand): string {
  return [`usage: vigil admin ${command.synopsis}`, '', command.summary, ...(command.help === undefined ? [] : ['', command.help])].join('\n');
}

/** `vigil admin …`: returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const subcommand = name === undefined ? undefined : subcommands[name];
  if (subcommand === undefined) {
    console.error(`${name === undefined ? '' : `unknown subcommand "${name}"\n`}${usage()}`);
    return 2;
  }
  let values: Values;
  try {
    values = parseArgs({ args: rest, options: { ...subcommand.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${subcommandHelp(subcommand)}`);
    return 2;
  }
  if (values.help === true) {
    console.log(subcommandHelp(subcommand));
    return 0;
  }
  try {
    return await subcommand.run(values);
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof CliError) {
      console.error(error.message);
      return 1;
    }
    console.error(`vigil admin ${name ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
