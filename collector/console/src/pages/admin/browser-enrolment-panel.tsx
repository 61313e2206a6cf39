import type { JSX } from 'react';
import { CopyButton, type Announce } from '../triage/page-kit.tsx';
import { browserCollectorUrl, browserEnrolment } from './browser-enrolment.ts';

/**
 * Beside the PC agent command: how to enrol Chromebooks and Chrome/Edge with the same
 * fresh token. The token is inside the policy text, so this is shown only as long as
 * the token itself is.
 */
export function BrowserEnrolmentPanel(props: {
  readonly token: string;
  readonly agentUrl: string | undefined;
  readonly roomName: string | undefined;
  readonly announce: Announce;
}): JSX.Element {
  const panel = browserEnrolment({ collectorUrl: browserCollectorUrl(props.agentUrl, window.location.origin), token: props.token, roomName: props.roomName });
  return (
    <section className="browser-enrolment" aria-labelledby="browser-enrolment-heading" data-testid="browser-enrolment-panel">
      <h3 id="browser-enrolment-heading">Chromebooks and Chrome/Edge</h3>
      <div className="copy-line">
        <span className="copy-label">Extension id</span>
        <code data-testid="extension-id">{panel.extensionId}</code>
        <CopyButton text={panel.extensionId} label="Copy extension id" announce={props.announce} testId="copy-extension-id" />
      </div>
      <div className="copy-line">
        <span className="copy-label">Force-install entry</span>
        <code data-testid="forcelist-entry">{panel.forcelistEntry}</code>
        <CopyButton text={panel.forcelistEntry} label="Copy force-install entry" announce={props.announce} testId="copy-forcelist-entry" />
      </div>

      <h4>Google Admin console (Chromebooks, managed Chrome)</h4>
      <ol className="steps">
        {panel.googleAdminSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <PolicyBlock
        label="Managed configuration (Policy for extensions)"
        copyLabel="Copy managed configuration"
        text={panel.managedPolicyJson}
        testId="managed-policy"
        announce={props.announce}
      />

      <h4>Intune or Group Policy (Windows), policy files (Linux)</h4>
      <ol className="steps">
        {panel.intuneGpoSteps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <PolicyBlock label="3rdparty policy" copyLabel="Copy 3rdparty policy" text={panel.thirdPartyJson} testId="third-party-policy" announce={props.announce} />
    </section>
  );
}

function PolicyBlock(props: {
  readonly label: string;
  readonly copyLabel: string;
  readonly text: string;
  readonly testId: string;
  readonly announce: Announce;
}): JSX.Element {
  return (
    <div className="policy-block">
      <div className="copy-line">
        <span className="copy-label">{props.label}</span>
        <CopyButton text={props.text} label={props.copyLabel} announce={props.announce} testId={`copy-${props.testId}`} />
      </div>
      <pre className="policy-json" data-testid={props.testId}>
        {props.text}
      </pre>
    </div>
  );
}
