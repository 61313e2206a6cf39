import type { JSX } from 'react';
import type { AgentInstallResponse } from '@vigil/shared/console';
import { Loading } from '../../components/loading.tsx';
import { CopyButton, LoadFailure, useLoad, type Announce } from '../triage/page-kit.tsx';
import { adminApi } from './admin-api.ts';
import { installLines, type InstallLine } from './agent-command.ts';

/**
 * The install lines for the fresh token, per platform, built from the collector's PUBLIC_URL
 * (GET /api/agent-install), never from this browser's address. Shown only while the token is.
 */
export function AgentInstallPanel(props: { readonly token: string; readonly announce: Announce }): JSX.Element {
  const facts = useLoad(() => adminApi.agentInstall(), 'agent-install');
  if (facts.error !== undefined) return <LoadFailure error={facts.error} what="show the install lines" onRetry={facts.reload} />;
  if (facts.data === undefined) return <Loading label="Loading install lines…" />;
  return <InstallLines facts={facts.data} token={props.token} announce={props.announce} />;
}

function InstallLines(props: { readonly facts: AgentInstallResponse; readonly token: string; readonly announce: Announce }): JSX.Element {
  const lines = installLines(props.facts, props.token);
  return (
    <section className="agent-install" aria-labelledby="agent-install-heading" data-testid="agent-install-panel">
      <h3 id="agent-install-heading">Install on PCs</h3>
      {lines.publicUrlSet ? (
        <p>
          These lines fetch the package from <code>{props.facts.publicUrl}</code> and point the agent at <code>{props.facts.agentUrl}</code>.
        </p>
      ) : (
        <p className="notice" data-testid="public-url-missing">
          <strong>PUBLIC_URL is not set</strong>, so the collector does not know the address PCs reach it at. Set <code>PUBLIC_URL</code> (e.g.{' '}
          <code>https://vigil.school.lan</code>) and restart the collector; until then replace the placeholders below.
        </p>
      )}
      <Line label="Debian / Ubuntu (.deb)" line={lines.deb} testId="install-deb" announce={props.announce} />
      <Line label="Windows installer (.exe)" line={lines.exe} testId="install-exe" announce={props.announce} />
      <Line label="Windows MSI (GPO, Intune)" line={lines.msi} testId="install-msi" announce={props.announce} />
      <p className="text-muted">
        The MSI cannot take the collector and token itself: the machine set-up script (<code>agent/build/windows/vigil-machine-setup.ps1</code>) writes them
        after it.
      </p>
    </section>
  );
}

function Line(props: { readonly label: string; readonly line: InstallLine; readonly testId: string; readonly announce: Announce }): JSX.Element {
  return (
    <div className="install-line" data-testid={props.testId} data-served={String(props.line.served)}>
      <div className="copy-line">
        <span className="copy-label">{props.label}</span>
        <code data-testid={`${props.testId}-command`}>{props.line.command}</code>
        <CopyButton text={props.line.command} label={`Copy ${props.label} line`} announce={props.announce} testId={`copy-${props.testId}`} />
      </div>
      <p className="text-muted" data-testid={`${props.testId}-availability`}>
        {props.line.served
          ? `${props.line.file} is served by this collector.`
          : `No package here yet: build it (agent/README.md) and copy it into the collector's DATA_DIR/downloads folder.`}
      </p>
    </div>
  );
}
