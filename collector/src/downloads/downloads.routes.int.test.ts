import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentInstallResponseSchema } from '@vigil/shared/console';
import { afterAll, describe, expect, it } from 'vitest';
import { useAdminTestApp } from '../admin/testing/use-admin-test-app.ts';
import { agentUrlFor } from './downloads.plugin.ts';
import { packageVersion } from './downloads.service.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-downloads-'));
const downloads = join(dataDir, 'downloads');
mkdirSync(downloads);
writeFileSync(join(downloads, 'vigil-agent_0.1.0_amd64.deb'), 'deb bytes');
writeFileSync(join(downloads, 'vigil-agent_0.2.0_amd64.deb'), 'newer deb bytes');
writeFileSync(join(downloads, 'vigil-agent-0.2.0.msi'), 'msi bytes');
writeFileSync(join(downloads, 'notes.txt'), 'not a package');
// A secret beside the folder, and a link pointing at it from inside.
writeFileSync(join(dataDir, 'secret.deb'), 'outside the downloads folder');
symlinkSync(join(dataDir, 'secret.deb'), join(downloads, 'escape.deb'));

const t = useAdminTestApp({ DATA_DIR: dataDir, PUBLIC_URL: 'https://vigil.school.example/' });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('agent downloads', () => {
  it('serves a package from DATA_DIR/downloads to anyone, as a download', async () => {
    const response = await t.call(undefined, 'GET', '/downloads/vigil-agent_0.1.0_amd64.deb');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('deb bytes');
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['content-disposition']).toBe('attachment; filename="vigil-agent_0.1.0_amd64.deb"');
  });

  it('refuses path traversal, links out of the folder, other files and missing packages with 404', async () => {
    for (const url of [
      '/downloads/..%2Fsecret.deb',
      '/downloads/%2E%2E%2Fsecret.deb',
      '/downloads/..%5Csecret.deb',
      '/downloads/escape.deb',
      '/downloads/notes.txt',
      '/downloads/.hidden.deb',
      '/downloads/missing_1.0.0_amd64.deb',
    ]) {
      const response = await t.call(undefined, 'GET', url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.body).not.toContain('outside the downloads folder');
    }
    expect((await t.call(undefined, 'GET', '/downloads/../secret.deb')).body).not.toContain('outside the downloads folder');
  });

  it('tells IT staff PUBLIC_URL, the agents address and the packages on offer, newest first; not teachers', async () => {
    const response = await t.call(await t.as('technician'), 'GET', '/api/agent-install');
    expect(response.statusCode).toBe(200);
    const body = agentInstallResponseSchema.parse(response.json());
    expect(body.publicUrl).toBe('https://vigil.school.example');
    expect(body.agentUrl).toBe('wss://vigil.school.example');
    expect(body.packages.map((p) => [p.kind, p.file, p.version])).toEqual([
      ['deb', 'vigil-agent_0.2.0_amd64.deb', '0.2.0'],
      ['deb', 'vigil-agent_0.1.0_amd64.deb', '0.1.0'],
      ['deb', 'escape.deb', null],
      ['msi', 'vigil-agent-0.2.0.msi', '0.2.0'],
    ]);
    expect((await t.call(await t.as('teacher'), 'GET', '/api/agent-install')).statusCode).toBe(403);
  });
});

describe('agent addresses and package versions', () => {
  it('builds the agents address from PUBLIC_URL: its host with the TLS port, or PUBLIC_URL itself without TLS', () => {
    expect(agentUrlFor('https://vigil.school.example', 8443)).toBe('wss://vigil.school.example:8443');
    expect(agentUrlFor('http://10.0.0.5:8080', 8443)).toBe('wss://10.0.0.5:8443');
    expect(agentUrlFor('http://[fd00::5]:8080', 8443)).toBe('wss://[fd00::5]:8443');
    expect(agentUrlFor('http://10.0.0.5:8080', undefined)).toBe('ws://10.0.0.5:8080');
    expect(agentUrlFor(undefined, 8443)).toBeNull();
  });

  it('reads versions from the package names electron-builder and package:deb write', () => {
    expect(packageVersion('vigil-agent_1.2.3_amd64.deb')).toBe('1.2.3');
    expect(packageVersion('vigil-agent-1.2.3.msi')).toBe('1.2.3');
    expect(packageVersion('Vigil-Agent-Setup-0.1.0.exe')).toBe('0.1.0');
    expect(packageVersion('vigil-agent.pkg')).toBeNull();
  });
});
