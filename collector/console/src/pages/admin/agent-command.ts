import type { AgentInstallResponse, AgentPackage } from '@vigil/shared/console';
import type { EnrolmentTokenRow } from './admin-types.ts';

// Text for the enrolment-token page: the command IT runs on a new PC, and a token's state.

/**
 * The agent command for a fresh token, pointing at this collector as the browser sees it
 * (`window.location`): `pnpm agent -- --collector ws://HOST:PORT --enrol-token TOKEN`.
 * A console served over HTTPS means the collector speaks TLS, so the agent uses wss://.
 */
export function agentCommand(host: string, token: string, secure = false): string {
  return agentCommandFor(`${secure ? 'wss' : 'ws'}://${host}`, token);
}

/** The command for the collector's own agent address (`agentUrl` from the token answer: wss://host:8443). */
export function agentCommandFor(collectorUrl: string, token: string): string {
  return `pnpm agent -- --collector ${collectorUrl} --enrol-token ${token}`;
}

/** Stand-ins shown when the collector was started without PUBLIC_URL. */
export const PUBLIC_URL_PLACEHOLDER = 'https://<PUBLIC_URL>';
export const AGENT_URL_PLACEHOLDER = 'wss://<collector-host>:8443';

/** A word for a POSIX shell: as it is when it is plainly safe, else in single quotes. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._:/=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface InstallLine {
  /** The package file the line downloads. */
  readonly file: string;
  /** Whether the collector serves that file now (it is in DATA_DIR/downloads). */
  readonly served: boolean;
  readonly command: string;
}

export interface InstallLines {
  /** False: PUBLIC_URL is not set and the lines hold placeholders. */
  readonly publicUrlSet: boolean;
  readonly deb: InstallLine;
  readonly msi: InstallLine;
  readonly exe: InstallLine;
}

function newest(packages: readonly AgentPackage[], kind: AgentPackage['kind'], fallback: string): { file: string; served: boolean } {
  const found = packages.find((p) => p.kind === kind);
  return found === undefined ? { file: fallback, served: false } : { file: found.file, served: true };
}

/**
 * The install lines for a fresh token, from what the collector says about itself (PUBLIC_URL,
 * its agents' address, the packages it serves) — never from the browser's address bar, which
 * may be a name the PCs cannot reach (localhost, an SSH tunnel, a reverse proxy's inside).
 */
export function installLines(facts: AgentInstallResponse, token: string): InstallLines {
  const base = facts.publicUrl ?? PUBLIC_URL_PLACEHOLDER;
  const agent = facts.agentUrl ?? AGENT_URL_PLACEHOLDER;
  const deb = newest(facts.packages, 'deb', 'vigil-agent_<version>_amd64.deb');
  const msi = newest(facts.packages, 'msi', 'vigil-agent-<version>.msi');
  const exe = newest(facts.packages, 'exe', 'vigil-agent-setup-<version>.exe');
  const url = (file: string) => `${base}/downloads/${file}`;
  return {
    publicUrlSet: facts.publicUrl !== null,
    deb: {
      ...deb,
      command: `curl -fsSLO ${shellWord(url(deb.file))} && sudo VIGIL_COLLECTOR=${shellWord(agent)} VIGIL_TOKEN=${shellWord(token)} apt install ${shellWord(`./${deb.file}`)}`,
    },
    // The MSI takes no properties (electron-builder's MSI has no custom actions): the machine
    // set-up script it installs writes the configuration after it (agent/README.md, "Windows — MSI").
    msi: {
      ...msi,
      command: `curl.exe -fsSLO "${url(msi.file)}" && msiexec /i "${msi.file}" /qn && powershell -ExecutionPolicy Bypass -File "%ProgramFiles%\\Vigil Agent\\resources\\vigil-machine-setup.ps1" -Collector "${agent}" -Token "${token}"`,
    },
    exe: { ...exe, command: `curl.exe -fsSLO "${url(exe.file)}" && "${exe.file}" /S /COLLECTOR=${agent} /TOKEN=${token}` },
  };
}

export type TokenState = 'active' | 'revoked' | 'expired' | 'used-up';

export function tokenState(row: Pick<EnrolmentTokenRow, 'revokedAt' | 'expiresAt' | 'usesLeft'>, now: number): TokenState {
  if (row.revokedAt !== null) return 'revoked';
  const expires = Date.parse(row.expiresAt);
  if (!Number.isNaN(expires) && expires <= now) return 'expired';
  if (row.usesLeft <= 0) return 'used-up';
  return 'active';
}

export const TOKEN_STATE_LABELS: Readonly<Record<TokenState, string>> = {
  active: 'Active',
  revoked: 'Revoked',
  expired: 'Expired',
  'used-up': 'Used up',
};

/** Whole numbers in a range from a form field, or a sentence saying what is wrong. */
export function parseWholeNumber(text: string, label: string, min: number, max: number): { ok: true; value: number } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, problem: `${label}: enter a whole number from ${min} to ${max}.` };
  const value = Number(trimmed);
  if (value < min || value > max) return { ok: false, problem: `${label}: enter a whole number from ${min} to ${max}.` };
  return { ok: true, value };
}
