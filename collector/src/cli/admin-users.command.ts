// `vigil admin create-user`: console accounts made from the server's shell (the first
// admin, or when the console is unreachable).
import { auditActor, cliActor } from '../audit/actor.ts';
import { hashPassword } from '../admin/password-hash.ts';
import { passwordPolicyProblem } from '../auth/password.ts';
import { findRoom, findSite } from '../admin/sites-rooms.repository.ts';
import { createUser, findUserByUsername } from '../admin/users.repository.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { userRoles, type UserRole } from '../db/schema/index.ts';
import { CliError, CliUsageError, list, required, text, type Subcommand } from './admin-cli.ts';
import { withDatabase } from './cli-database.ts';
import { newPasswordVariable, readNewPassword } from './admin-password-prompt.ts';

const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function isRole(value: string): value is UserRole {
  return (userRoles as readonly string[]).includes(value);
}

export const userSubcommands: Record<string, Subcommand> = {
  'create-user': {
    synopsis: `create-user --username <name> --role <${userRoles.join('|')}> [--display-name <text>] [--email <addr>] [--site <id|name>] [--rooms <id|name,…>]`,
    summary: 'add a console account',
    help: [
      `The password is read from ${newPasswordVariable}, or asked for twice (not echoed) on a terminal;`,
      'it is stored only as an argon2id hash. --rooms (teachers only) lists the rooms the teacher',
      'may watch and lock; --site limits the account to one site (default: every site).',
      'Prints the new user id. The creation is written to the audit log.',
    ].join('\n'),
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      email: { type: 'string' },
      site: { type: 'string' },
      rooms: { type: 'string', multiple: true },
    },
    run: async (values) => {
      const username = required(values, 'username');
      if (!usernamePattern.test(username)) throw new CliUsageError('--username must be 1-64 letters, digits or . _ @ - (starting with a letter or digit)');
      const role = required(values, 'role');
      if (!isRole(role)) throw new CliUsageError(`--role must be one of ${userRoles.join('|')}`);
      const displayName = text(values, 'display-name') ?? username;
      if (displayName.length > 200) throw new CliUsageError('--display-name must be at most 200 characters');
      const email = text(values, 'email');
      if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliUsageError('--email must look like name@school.example');
      const roomRefs = list(values, 'rooms');
      if (roomRefs.length > 0 && role !== 'teacher') throw new CliUsageError('--rooms applies to teachers only (other roles are not limited by room)');
      // Ask before opening the database, so nobody types a password for nothing.
      const password = await readNewPassword();
      const problem = passwordPolicyProblem(password, { username, displayName });
      if (problem !== undefined) throw new CliUsageError(problem);

      return withDatabase(async ({ db }) => {
        const siteRef = text(values, 'site');
        const site = siteRef === undefined ? undefined : await findSite(db, siteRef);
        if (siteRef !== undefined && site === undefined) throw new CliError(`--site: no site "${siteRef}"`);
        const roomIds: string[] = [];
        for (const ref of roomRefs) {
          const room = await findRoom(db, ref);
          if (room === undefined) throw new CliError(`--rooms: no room "${ref}"`);
          if (site !== undefined && room.siteId !== site.id) throw new CliError(`--rooms: room "${ref}" is not on site "${site.name}"`);
          roomIds.push(room.id);
        }
        if ((await findUserByUsername(db, username)) !== undefined) throw new CliError(`a user named "${username}" already exists`);
        const passwordHash = await hashPassword(password);
        const user = await db.transaction(async (tx) => {
          const created = await createUser(tx, { username, displayName, role, email, passwordHash, siteId: site?.id ?? null, roomIds });
          await appendAudit(tx, {
            ...auditActor(cliActor),
            action: 'user.create',
            targetType: 'user',
            targetId: created.id,
            detail: { username, role, displayName, siteId: site?.id ?? null, roomIds },
          });
          return created;
        });
        console.log(user.id);
        console.error(`created ${role} "${username}"${roomIds.length > 0 ? ` for ${roomIds.length} room(s)` : ''}`);
        return 0;
      });
    },
  },
};
