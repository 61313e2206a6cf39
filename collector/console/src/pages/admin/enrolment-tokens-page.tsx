import { useEffect, useId, useRef, useState, type FormEvent, type JSX } from 'react';
import type { RoomSummary } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Field } from '../../components/field.tsx';
import { Loading } from '../../components/loading.tsx';
import { Options } from '../../components/options.tsx';
import { useNow } from '../../components/use-now.ts';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { CopyButton, LoadFailure, StatusLine, useAnnouncer, useLoad, type Announce } from '../triage/page-kit.tsx';
import { ConfirmDialog, FormProblems, RowButton, roomsOfSite, siteName } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { CreateEnrolmentTokenResponse, EnrolmentTokenRow, Site } from './admin-types.ts';
import { TOKEN_STATE_LABELS, agentCommand, agentCommandFor, parseWholeNumber, tokenState } from './agent-command.ts';
import { AgentInstallPanel } from './agent-install-panel.tsx';
import { BrowserEnrolmentPanel } from './browser-enrolment-panel.tsx';

/** Enrolment tokens: create one (shown once with the agent command), list, revoke. */
export function EnrolmentTokensPage(): JSX.Element {
  usePageTitle('Enrolment tokens');
  const tokens = useLoad(() => adminApi.tokens(), 'tokens');
  const sites = useLoad(() => adminApi.sites(), 'sites');
  const rooms = useLoad(() => adminApi.rooms(), 'rooms');
  const { message, announce, statusRef } = useAnnouncer();
  const [created, setCreated] = useState<CreateEnrolmentTokenResponse | undefined>();
  const [revoking, setRevoking] = useState<EnrolmentTokenRow | undefined>();
  const now = useNow(60_000);

  const allSites = sites.data?.sites ?? [];
  const allRooms = rooms.data?.rooms ?? [];
  const roomName = (roomId: string | null) => (roomId === null ? 'Any room' : (allRooms.find((room) => room.id === roomId)?.name ?? roomId));
  const rows = [...(tokens.data?.tokens ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <section className="page" aria-labelledby="tokens-heading">
      <h1 id="tokens-heading">Enrolment tokens</h1>
      <p>
        A token lets new computers join Vigil. Run the agent command on each PC, or push the browser extension's policy to Chromebooks and Chrome/Edge; the
        token works for a limited number of computers and days.
      </p>
      <StatusLine message={message} statusRef={statusRef} />

      {created !== undefined && (
        <NewToken
          created={created}
          roomName={allRooms.find((room) => room.id === created.row.roomId)?.name}
          announce={announce}
          onDone={() => {
            setCreated(undefined);
            announce('The token is hidden now. It cannot be shown again.', { focus: true });
          }}
        />
      )}

      {sites.error !== undefined && <LoadFailure error={sites.error} what="create enrolment tokens" onRetry={sites.reload} />}
      {sites.data !== undefined && (
        <CreateTokenForm
          sites={allSites}
          rooms={allRooms}
          onCreated={(answer) => {
            setCreated(answer);
            tokens.reload();
          }}
        />
      )}

      <h2>Tokens</h2>
      {tokens.error !== undefined && <LoadFailure error={tokens.error} what="see enrolment tokens" onRetry={tokens.reload} />}
      {tokens.loading && tokens.data === undefined && <Loading label="Loading tokens…" />}
      {tokens.data !== undefined && rows.length === 0 && <p>No tokens yet.</p>}
      {rows.length > 0 && (
        <DataTable
          testId="tokens-table"
          caption="Enrolment tokens, newest first"
          columns={['Label', 'Site', 'Room', 'Uses left', 'Expires', 'Created', 'State', 'Actions']}
        >
          {rows.map((row) => {
            const state = tokenState(row, now);
            const name = row.label ?? `token created ${formatDateTime(row.createdAt)}`;
            return (
              <tr key={row.id} data-testid={`token-row-${row.id}`} data-state={state}>
                <th scope="row">{row.label ?? <span className="text-muted">No label</span>}</th>
                <td>{siteName(allSites, row.siteId)}</td>
                <td>{roomName(row.roomId)}</td>
                <td>{row.usesLeft}</td>
                <td>{formatDateTime(row.expiresAt)}</td>
                <td>{formatDateTime(row.createdAt)}</td>
                <td>{TOKEN_STATE_LABELS[state]}</td>
                <td className="cell-actions">
                  {state === 'active' && (
                    <RowButton hiddenText={name} danger onClick={() => setRevoking(row)}>
                      Revoke
                    </RowButton>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}

      {revoking !== undefined && (
        <ConfirmDialog
          title="Revoke this enrolment token?"
          confirmLabel="Revoke token"
          danger
          testId="revoke-token-dialog"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await adminApi.revokeToken(revoking.id);
            announce('Token revoked. Computers already enrolled with it keep working.', { focus: true });
            tokens.reload();
          }}
        >
          <p>No more computers can enrol with it. Computers that already enrolled keep working.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The fresh token, shown once: the server keeps only its hash. */
function NewToken(props: {
  readonly created: CreateEnrolmentTokenResponse;
  readonly roomName: string | undefined;
  readonly announce: Announce;
  readonly onDone: () => void;
}): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  // The collector names its TLS address for agents (wss://host:8443); without TLS, this page's own host.
  const command =
    props.created.agentUrl === undefined
      ? agentCommand(window.location.host, props.created.token, window.location.protocol === 'https:')
      : agentCommandFor(props.created.agentUrl, props.created.token);
  // Move focus here so keyboard and screen-reader users land on the token.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card new-token" aria-labelledby="new-token-heading" data-testid="new-token-panel">
      <h2 id="new-token-heading" ref={heading} tabIndex={-1}>
        New enrolment token
      </h2>
      <p>
        <strong>This token is shown only once.</strong> Copy it now; if it is lost, revoke it and create another.
      </p>
      <div className="copy-line">
        <span className="copy-label">Token</span>
        <code data-testid="new-token">{props.created.token}</code>
        <CopyButton text={props.created.token} label="Copy token" announce={props.announce} testId="copy-token" />
      </div>
      <AgentInstallPanel token={props.created.token} announce={props.announce} />
      <div className="copy-line">
        <span className="copy-label">From source (developers)</span>
        <code data-testid="agent-command">{command}</code>
        <CopyButton text={command} label="Copy command" announce={props.announce} testId="copy-command" />
      </div>
      <BrowserEnrolmentPanel token={props.created.token} agentUrl={props.created.agentUrl} roomName={props.roomName} announce={props.announce} />
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={props.onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

interface CreateTokenFormProps {
  readonly sites: readonly Site[];
  readonly rooms: readonly RoomSummary[];
  readonly onCreated: (answer: CreateEnrolmentTokenResponse) => void;
}

function CreateTokenForm(props: CreateTokenFormProps): JSX.Element {
  const id = useId();
  const [siteId, setSiteId] = useState('');
  const [roomId, setRoomId] = useState('');
  const [label, setLabel] = useState('');
  const [uses, setUses] = useState('30');
  const [days, setDays] = useState('7');
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const chosenSite = siteId !== '' ? siteId : (props.sites[0]?.id ?? '');
  const siteRooms = roomsOfSite(props.rooms, chosenSite);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const usesValue = parseWholeNumber(uses, 'Computers it can enrol', 1, 10_000);
    const daysValue = parseWholeNumber(days, 'Valid for (days)', 1, 90);
    const found = [
      ...(chosenSite === '' ? ['Choose a site.'] : []),
      ...(usesValue.ok ? [] : [usesValue.problem]),
      ...(daysValue.ok ? [] : [daysValue.problem]),
    ];
    setProblems(found);
    if (found.length > 0 || !usesValue.ok || !daysValue.ok) return;
    setBusy(true);
    try {
      const answer = await adminApi.createToken({
        siteId: chosenSite,
        ...(roomId === '' ? {} : { roomId }),
        ...(label.trim() === '' ? {} : { label: label.trim() }),
        uses: usesValue.value,
        days: daysValue.value,
      });
      setLabel('');
      props.onCreated(answer);
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  if (props.sites.length === 0) return <p>There are no sites yet. An administrator creates sites first.</p>;
  return (
    <form className="card form-grid" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-heading`} noValidate>
      <h2 id={`${id}-heading`} className="form-heading">
        Create a token
      </h2>
      <FormProblems problems={problems} />
      <Field id={`${id}-site`} label="Site">
        <select
          id={`${id}-site`}
          value={chosenSite}
          onChange={(e) => {
            setSiteId(e.target.value);
            setRoomId('');
          }}
        >
          <Options items={props.sites} label={(site) => site.name} />
        </select>
      </Field>
      <Field id={`${id}-room`} label="Room for the new computers">
        <select id={`${id}-room`} value={roomId} onChange={(e) => setRoomId(e.target.value)}>
          <option value="">No room (choose later)</option>
          <Options items={siteRooms} label={(room) => room.name} />
        </select>
      </Field>
      <Field id={`${id}-label`} label="Label (optional)">
        <input id={`${id}-label`} type="text" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="ICT suite refresh" />
      </Field>
      <Field id={`${id}-uses`} label="Computers it can enrol" className="field-narrow">
        <input id={`${id}-uses`} type="number" inputMode="numeric" min={1} max={10_000} step={1} value={uses} onChange={(e) => setUses(e.target.value)} />
      </Field>
      <Field id={`${id}-days`} label="Valid for (days)" className="field-narrow">
        <input id={`${id}-days`} type="number" inputMode="numeric" min={1} max={90} step={1} value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          Create token
        </button>
      </div>
    </form>
  );
}
