import { describe, expect, it } from 'vitest';
import type { AgentInstallResponse } from '@vigil/shared/console';
import { installLines, shellWord } from './agent-command.ts';

const TOKEN = 'vigil-enrol-AbC_123.pin-Xy_z';
const served: AgentInstallResponse = {
  publicUrl: 'https://vigil.school.lan',
  agentUrl: 'wss://vigil.school.lan:8443',
  packages: [
    { file: 'vigil-agent_0.2.0_amd64.deb', kind: 'deb', version: '0.2.0', bytes: 10 },
    { file: 'vigil-agent_0.1.0_amd64.deb', kind: 'deb', version: '0.1.0', bytes: 10 },
    { file: 'vigil-agent-0.2.0.msi', kind: 'msi', version: '0.2.0', bytes: 10 },
  ],
};

describe('install lines', () => {
  it('builds the .deb line from PUBLIC_URL and the newest package the collector serves', () => {
    const lines = installLines(served, TOKEN);
    expect(lines.publicUrlSet).toBe(true);
    expect(lines.deb).toEqual({
      file: 'vigil-agent_0.2.0_amd64.deb',
      served: true,
      command: `curl -fsSLO https://vigil.school.lan/downloads/vigil-agent_0.2.0_amd64.deb && sudo VIGIL_COLLECTOR=wss://vigil.school.lan:8443 VIGIL_TOKEN=${TOKEN} apt install ./vigil-agent_0.2.0_amd64.deb`,
    });
  });

  it('installs the MSI silently and passes the collector and token to the machine set-up script', () => {
    const { msi } = installLines(served, TOKEN);
    expect(msi.served).toBe(true);
    expect(msi.command).toBe(
      `curl.exe -fsSLO "https://vigil.school.lan/downloads/vigil-agent-0.2.0.msi" && msiexec /i "vigil-agent-0.2.0.msi" /qn && powershell -ExecutionPolicy Bypass -File "%ProgramFiles%\\Vigil Agent\\resources\\vigil-machine-setup.ps1" -Collector "wss://vigil.school.lan:8443" -Token "${TOKEN}"`,
    );
  });

  it('gives the NSIS installer its /COLLECTOR= and /TOKEN= switches, and says when no package is served', () => {
    const { exe } = installLines(served, TOKEN);
    expect(exe.served).toBe(false);
    expect(exe.command).toContain(`/S /COLLECTOR=wss://vigil.school.lan:8443 /TOKEN=${TOKEN}`);
  });

  it('without PUBLIC_URL uses visible placeholders, never an address guessed from the browser', () => {
    const lines = installLines({ publicUrl: null, agentUrl: null, packages: [] }, TOKEN);
    expect(lines.publicUrlSet).toBe(false);
    expect(lines.deb.command).toBe(
      `curl -fsSLO 'https://<PUBLIC_URL>/downloads/vigil-agent_<version>_amd64.deb' && sudo VIGIL_COLLECTOR='wss://<collector-host>:8443' VIGIL_TOKEN=${TOKEN} apt install './vigil-agent_<version>_amd64.deb'`,
    );
    expect(lines.deb.served).toBe(false);
    expect(lines.msi.command).toContain('"https://<PUBLIC_URL>/downloads/vigil-agent-<version>.msi"');
  });

  it('quotes shell words that are not plainly safe, a quote inside included', () => {
    expect(shellWord('wss://a.b:8443')).toBe('wss://a.b:8443');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});
