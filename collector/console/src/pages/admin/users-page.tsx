import { useState, type JSX } from 'react';
import type { UserRow } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Loading } from '../../components/loading.tsx';
import { RelativeTime } from '../../components/relative-time.tsx';
import { useNow } from '../../components/use-now.ts';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { ConfirmDialog, RowButton, siteName } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { UpdateUserRequest } from './admin-types.ts';
import { accountState, roleLabel } from './user-format.ts';
import { SecuritySettingsPanel } from './security-settings-panel.tsx';
import { CreateUserForm, EditUserDialog, ResetPasswordDialog } from './user-forms.tsx';

type Pending = { readonly kind: 'edit' | 'password' | 'totp' | 'disable'; readonly user: UserRow };

/** Users (admin only): create, edit role and rooms, disable, unlock, reset password or two-factor. */
export function UsersPage(): JSX.Element {
  usePageTitle('Users');
  const { me } = useSession();
  const users = useLoad(() => adminApi.users(), 'users');
  const sites = useLoad(() => adminApi.sites(), 'sites');
  const rooms = useLoad(() => adminApi.rooms(), 'rooms');
  const { message, announce, statusRef } = useAnnouncer();
  const [pending, setPending] = useState<Pending | undefined>();
  const now = useNow(30_000);

  const update = async (user: UserRow, change: UpdateUserRequest, done: string) => {
    await adminApi.updateUser(user.id, change);
    // The button used may disappear with the new state (Unlock, Disable): focus the message.
    announce(done, { focus: true });
    users.reload();
  };
  const quick = (user: UserRow, change: UpdateUserRequest, done: string) => {
    update(user, change, done).catch((error: unknown) => announce(`Could not change ${user.username}: ${describeError(error)}`, { focus: true }));
  };

  const allSites = sites.data?.sites ?? [];
  const allRooms = rooms.data?.rooms ?? [];
  const rows = [...(users.data?.users ?? [])].sort((a, b) => a.username.localeCompare(b.username, 'en-GB'));

  return (
    <section className="page" aria-labelledby="users-heading">
      <h1 id="users-heading">Users</h1>
      <StatusLine message={message} statusRef={statusRef} />
      {users.error !== undefined && <LoadFailure error={users.error} what="manage users" onRetry={users.reload} />}
      {users.data !== undefined && <SecuritySettingsPanel announce={(text) => announce(text)} />}

      {users.data !== undefined && (
        <CreateUserForm
          sites={allSites}
          rooms={allRooms}
          onCreated={(username) => {
            announce(`User ${username} created. They set up two-factor sign-in the first time they sign in, if their role needs it.`);
            users.reload();
          }}
        />
      )}

      {users.loading && users.data === undefined && <Loading label="Loading users…" />}
      {rows.length > 0 && (
        <DataTable
          testId="users-table"
          caption="Console users"
          columns={['User name', 'Name', 'Role', 'Site', 'Rooms', 'Two-factor', 'State', 'Last sign-in', 'Actions']}
        >
          {rows.map((user) => {
            const state = accountState(user, now);
            const isMe = user.id === me.user.id;
            return (
              <tr key={user.id} data-testid={`user-row-${user.username}`} data-state={state}>
                <th scope="row">
                  {user.username}
                  {isMe && <span className="tag">You</span>}
                </th>
                <td>{user.displayName}</td>
                <td>{roleLabel(user.role)}</td>
                <td>{siteName(allSites, user.siteId)}</td>
                <td>{user.rooms.length === 0 ? '—' : user.rooms.map((room) => room.name).join(', ')}</td>
                <td>{user.totpEnrolled ? 'Set up' : 'Not set up'}</td>
                <td>
                  {state === 'disabled' && 'Disabled'}
                  {state === 'locked' && user.lockedUntil !== null && `Locked until ${formatDateTime(user.lockedUntil)}`}
                  {state === 'active' && 'Active'}
                </td>
                <td>{user.lastLoginAt === null ? 'Never' : <RelativeTime at={user.lastLoginAt} />}</td>
                <td className="cell-actions">
                  <RowButton hiddenText={user.username} onClick={() => setPending({ kind: 'edit', user })}>
                    Edit
                  </RowButton>
                  {state === 'locked' && (
                    <RowButton hiddenText={user.username} onClick={() => quick(user, { unlock: true }, `${user.username} unlocked.`)}>
                      Unlock
                    </RowButton>
                  )}
                  <RowButton hiddenText={`for ${user.username}`} onClick={() => setPending({ kind: 'password', user })}>
                    Reset password
                  </RowButton>
                  {user.totpEnrolled && (
                    <RowButton hiddenText={`for ${user.username}`} onClick={() => setPending({ kind: 'totp', user })}>
                      Reset two-factor
                    </RowButton>
                  )}
                  {user.disabled ? (
                    <RowButton hiddenText={user.username} onClick={() => quick(user, { disabled: false }, `${user.username} enabled.`)}>
                      Enable
                    </RowButton>
                  ) : (
                    !isMe && (
                      <RowButton hiddenText={user.username} danger onClick={() => setPending({ kind: 'disable', user })}>
                        Disable
                      </RowButton>
                    )
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}

      {pending?.kind === 'edit' && (
        <EditUserDialog
          user={pending.user}
          sites={allSites}
          rooms={allRooms}
          onClose={() => setPending(undefined)}
          onSave={(change) => update(pending.user, change, `${pending.user.username} updated.`)}
        />
      )}
      {pending?.kind === 'password' && (
        <ResetPasswordDialog
          user={pending.user}
          onClose={() => setPending(undefined)}
          onSave={(password) => update(pending.user, { password }, `New password set for ${pending.user.username}. Give it to them in person.`)}
        />
      )}
      {pending?.kind === 'totp' && (
        <ConfirmDialog
          title={`Reset two-factor sign-in for ${pending.user.username}?`}
          confirmLabel="Reset two-factor"
          danger
          testId="reset-totp-dialog"
          onClose={() => setPending(undefined)}
          onConfirm={() =>
            update(pending.user, { resetTotp: true }, `Two-factor reset for ${pending.user.username}. They set it up again at their next sign-in.`)
          }
        >
          <p>Use this when they lost their phone. They will have to set up an authenticator app again at their next sign-in.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'disable' && (
        <ConfirmDialog
          title={`Disable ${pending.user.username}?`}
          confirmLabel="Disable account"
          danger
          testId="disable-user-dialog"
          onClose={() => setPending(undefined)}
          onConfirm={() => update(pending.user, { disabled: true }, `${pending.user.username} disabled.`)}
        >
          <p>They can no longer sign in, and their open sessions end. Their history and audit entries are kept.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
