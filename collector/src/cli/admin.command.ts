// `vigil admin <subcommand>`: operator tasks against the configured database.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { listDevices } from '../admin/devices.repository.ts';
import { createEnrolmentToken } from '../admin/enrolment-tokens.repository.ts';
import { createRoom, createSite, defaultSite, findRoom, findSite, listRooms } from '../admin/sites-rooms.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { runMigrations } from '../db/migrate.ts';
import { ensureMonthlyPartitions } from '../db/partitions.ts';
import { CliError, withDatabase } from './cli-database.ts';

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

interface Subcommand {
  readonly usage: string;
  readonly options?: ParseArgsConfig['options'];
  run(values: Values): Promise<number>;
}

const cliActor = { actorLabel: 'cli', actorUserId: null } as const;

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined) throw new CliError(`--${name} is required`);
  return value;
}

const unitMs: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` → milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*([mhd])$/.exec(raw.trim());
  if (match === null) return undefined;
  const unit = unitMs[match[2] ?? ''];
  const amount = Number(match[1]);
  return unit !== undefined && amount > 0 ? amount * unit : undefined;
}

function pad(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

const subcommands: Record<string, Subcommand> = {
  migrate: {
    usage: 'migrate                                   apply pending database migrations',
    run: () =>
      withDatabase(
        async (database, log) => {
          const { applied } = await runMigrations(database.pool, log);
          await ensureMonthlyPartitions(database.pool);
          console.log(`${applied} migration(s) applied; schema up to date (${database.kind}: ${database.displayUrl})`);
          return 0;
        },
        { migrate: false },
      ),
  },
  'create-site': {
    usage: 'create-site --name <name>                 add a site (school)',
    options: { name: { type: 'string' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const site = await db.transaction(async (tx) => {
          const created = await createSite(tx, required(values, 'name'));
          await appendAudit(tx, { ...cliActor, action: 'site.create', targetType: 'site', targetId: created.id, detail: { name: created.name } });
          return created;
        });
        console.log(site.id);
        return 0;
      }),
  },
  'create-room': {
    usage: 'create-room --name <name> [--site <id|name>]   add a room (to the only/default site)',
    options: { name: { type: 'string' }, site: { type: 'string' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const siteRef = text(values, 'site');
        const site = siteRef === undefined ? await defaultSite(db) : await findSite(db, siteRef);
        if (site === undefined) throw new CliError(`no site "${siteRef ?? ''}"`);
        const room = await db.transaction(async (tx) => {
          const created = await createRoom(tx, site.id, required(values, 'name'));
          await appendAudit(tx, { ...cliActor, action: 'room.create', targetType: 'room', targetId: created.id, detail: { name: created.name, siteId: site.id } });
          return created;
        });
        console.log(room.id);
        return 0;
      }),
  },
  'list-rooms': {
    usage: 'list-rooms [--json]                       rooms with their site',
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
    usage: 'create-token --room <id|name> [--uses N=1] [--expires 7d] [--label text]   enrolment token for agents',
    options: { room: { type: 'string' }, uses: { type: 'string' }, expires: { type: 'string' }, label: { type: 'string' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const room = await findRoom(db, required(values, 'room'));
        if (room === undefined) throw new CliError(`no room "${required(values, 'room')}"`);
        const uses = Number(text(values, 'uses') ?? '1');
        if (!Number.isInteger(uses) || uses < 1 || uses > 10_000) throw new CliError('--uses must be an integer 1..10000');
        const lifetime = parseDuration(text(values, 'expires') ?? '7d');
        if (lifetime === undefined) throw new CliError('--expires must look like 30m, 24h or 7d');
        const created = await db.transaction(async (tx) => {
          const token = await createEnrolmentToken(tx, {
            siteId: room.siteId,
            roomId: room.id,
            expiresAt: new Date(Date.now() + lifetime),
            uses,
            label: text(values, 'label'),
          });
          await appendAudit(tx, { ...cliActor, action: 'enrolment-token.create', targetType: 'enrolment-token', targetId: token.id, detail: { roomId: room.id, uses } });
          return token;
        });
        console.log(created.token);
        console.error(`enrolment token for room "${room.name}": ${uses} use(s), expires ${created.expiresAt.toISOString()}; it is shown only once`);
        return 0;
      }),
  },
  'list-devices': {
    usage: 'list-devices [--room <id|name>] [--json]   enrolled devices and their status',
    options: { room: { type: 'string' }, json: { type: 'boolean' } },
    run: (values) =>
      withDatabase(async ({ db }) => {
        const roomRef = text(values, 'room');
        const room = roomRef === undefined ? undefined : await findRoom(db, roomRef);
        if (roomRef !== undefined && room === undefined) throw new CliError(`no room "${roomRef}"`);
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

function usage(): string {
  return ['usage: vigil admin <subcommand>', ...Object.values(subcommands).map((command) => `  ${command.usage}`)].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const subcommand = name === undefined ? undefined : subcommands[name];
  if (subcommand === undefined) {
    console.error(usage());
    return 2;
  }
  let values: Values;
  try {
    values = parseArgs({ args: rest, options: subcommand.options ?? {}, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage()}`);
    return 2;
  }
  try {
    return await subcommand.run(values);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      return 1;
    }
    console.error(`vigil admin ${name ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
