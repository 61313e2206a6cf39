import { useId, useState, type FormEvent, type JSX } from 'react';
import type { RoomSummary, UserRole, UserRow } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { FormDialog } from '../../components/form-dialog.tsx';
import { Options } from '../../components/options.tsx';
import { FormProblems, roomsOfSite } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { Site, UpdateUserRequest } from './admin-types.ts';
import { ROLE_OPTIONS, passwordProblem, usernameProblem } from './user-format.ts';

interface RoleSiteRoomsValue {
  readonly role: UserRole;
  readonly siteId: string;
  readonly roomIds: readonly string[];
}

/** Role, site and rooms: shared by "Add a user" and "Edit". Rooms matter for teachers (their live view). */
function RoleSiteRooms(props: {
  readonly idPrefix: string;
  readonly value: RoleSiteRoomsValue;
  readonly sites: readonly Site[];
  readonly rooms: readonly RoomSummary[];
  readonly onChange: (value: RoleSiteRoomsValue) => void;
}): JSX.Element {
  const { value, idPrefix } = props;
  const roomsShown =
    value.siteId === ''
      ? [...props.rooms].sort((a, b) => a.siteName.localeCompare(b.siteName) || a.name.localeCompare(b.name))
      : roomsOfSite(props.rooms, value.siteId);
  const chosen = new Set(value.roomIds);
  const roleHelp = ROLE_OPTIONS.find((option) => option.role === value.role)?.help ?? '';
  return (
    <>
      <Field id={`${idPrefix}-role`} label="Role" help={roleHelp}>
        <select
          id={`${idPrefix}-role`}
          value={value.role}
          onChange={(e) => props.onChange({ ...value, role: e.target.value as UserRole })}
          aria-describedby={`${idPrefix}-role-help`}
        >
          {ROLE_OPTIONS.map((option) => (
            <option key={option.role} value={option.role}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${idPrefix}-site`} label="Site">
        <select id={`${idPrefix}-site`} value={value.siteId} onChange={(e) => props.onChange({ ...value, siteId: e.target.value, roomIds: [] })}>
          <option value="">All sites</option>
          <Options items={props.sites} label={(site) => site.name} />
        </select>
      </Field>
      <fieldset className="field field-wide">
        <legend>Rooms{value.role === 'teacher' ? ' (the rooms this teacher can see and lock)' : ' (only teachers use rooms)'}</legend>
        {roomsShown.length === 0 && <p className="field-help">No rooms at this site.</p>}
        <div className="checkbox-grid">
          {roomsShown.map((room) => (
            <label key={room.id} className="check-label">
              <input
                type="checkbox"
                checked={chosen.has(room.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(room.id);
                  else next.delete(room.id);
                  props.onChange({ ...value, roomIds: [...next] });
                }}
              />
              {value.siteId === '' ? `${room.siteName} · ${room.name}` : room.name}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}

export function CreateUserForm(props: {
  readonly sites: readonly Site[];
  readonly rooms: readonly RoomSummary[];
  readonly onCreated: (username: string) => void;
}): JSX.Element {
  const id = useId();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [access, setAccess] = useState<RoleSiteRoomsValue>({ role: 'teacher', siteId: '', roomIds: [] });
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = [usernameProblem(username), displayName.trim() === '' ? 'Name: write the person’s name.' : undefined, passwordProblem(password)].filter(
      (problem): problem is string => problem !== undefined,
    );
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      await adminApi.createUser({
        username: username.trim(),
        displayName: displayName.trim(),
        ...(email.trim() === '' ? {} : { email: email.trim() }),
        role: access.role,
        siteId: access.siteId === '' ? null : access.siteId,
        roomIds: [...access.roomIds],
        password,
      });
      props.onCreated(username.trim());
      setUsername('');
      setDisplayName('');
      setEmail('');
      setPassword('');
      setAccess({ role: 'teacher', siteId: '', roomIds: [] });
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card">
      <summary>Add a user</summary>
      <form className="form-grid" onSubmit={(event) => void submit(event)} noValidate data-testid="create-user-form" aria-label="Add a user">
        <FormProblems problems={problems} />
        <Field id={`${id}-username`} label="User name">
          <input
            id={`${id}-username`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field id={`${id}-name`} label="Name">
          <input id={`${id}-name`} type="text" autoComplete="off" maxLength={100} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
        <Field id={`${id}-email`} label="Email (optional)">
          <input id={`${id}-email`} type="email" autoComplete="off" maxLength={200} value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <RoleSiteRooms idPrefix={id} value={access} sites={props.sites} rooms={props.rooms} onChange={setAccess} />
        <Field
          id={`${id}-password`}
          label="First password"
          help="At least 12 characters. Give it to the person in person. Technicians, DSLs and administrators also set up two-factor sign-in."
        >
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={`${id}-password-help`}
          />
        </Field>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            Create user
          </button>
        </div>
      </form>
    </details>
  );
}

export function EditUserDialog(props: {
  readonly user: UserRow;
  readonly sites: readonly Site[];
  readonly rooms: readonly RoomSummary[];
  readonly onSave: (change: UpdateUserRequest) => Promise<void>;
  readonly onClose: () => void;
}): JSX.Element {
  const id = useId();
  const [displayName, setDisplayName] = useState(props.user.displayName);
  const [access, setAccess] = useState<RoleSiteRoomsValue>({
    role: props.user.role,
    siteId: props.user.siteId ?? '',
    roomIds: props.user.rooms.map((room) => room.id),
  });

  return (
    <FormDialog
      title={`Edit ${props.user.username}`}
      testId="edit-user-dialog"
      onClose={props.onClose}
      check={() => (displayName.trim() === '' ? 'Name: write the person’s name.' : undefined)}
      onSubmit={() =>
        props.onSave({ displayName: displayName.trim(), role: access.role, siteId: access.siteId === '' ? null : access.siteId, roomIds: [...access.roomIds] })
      }
      submitLabel="Save changes"
      formClassName="form-grid"
      noValidate
    >
      <Field id={`${id}-name`} label="Name">
        <input id={`${id}-name`} type="text" maxLength={100} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <RoleSiteRooms idPrefix={id} value={access} sites={props.sites} rooms={props.rooms} onChange={setAccess} />
    </FormDialog>
  );
}

export function ResetPasswordDialog(props: {
  readonly user: UserRow;
  readonly onSave: (password: string) => Promise<void>;
  readonly onClose: () => void;
}): JSX.Element {
  const id = useId();
  const [password, setPassword] = useState('');

  return (
    <FormDialog
      title={`Reset the password of ${props.user.username}`}
      testId="reset-password-dialog"
      onClose={props.onClose}
      check={() => passwordProblem(password)}
      onSubmit={() => props.onSave(password)}
      submitLabel="Save new password"
      noValidate
    >
      <Field id={`${id}-password`} label="New password" help="At least 12 characters. Their other sessions end.">
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={`${id}-password-help`}
        />
      </Field>
    </FormDialog>
  );
}
