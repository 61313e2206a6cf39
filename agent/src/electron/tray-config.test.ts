import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStateDir } from '../core/state-dir.ts';
import { loadTrayConfig, machineConfigPath, trayStateDir } from './tray-config.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function configFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-traycfg-'));
  dirs.push(dir);
  const path = join(dir, 'agent.json');
  await writeFile(path, content);
  return path;
}

describe('tray app configuration', () => {
  it('is read from the per-computer file the installer or MDM writes', () => {
    expect(machineConfigPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Vigil\\agent.json');
    expect(machineConfigPath('win32', {})).toBe('C:\\ProgramData\\Vigil\\agent.json');
    expect(machineConfigPath('darwin', {})).toBe('/Library/Application Support/Vigil/agent.json');
    expect(machineConfigPath('linux', {})).toBe('/etc/vigil/agent.json');
  });

  it('loads the collector and enrolment token, with a per-computer state folder on Windows', async () => {
    const path = await configFile(JSON.stringify({ collector: 'wss://vigil.school.lan', enrolToken: 'vigil-enrol-0123456789abcdef' }));
    const win = loadTrayConfig('win32', { ProgramData: 'C:\\ProgramData' }, path);
    expect(win).toMatchObject({ ok: true, config: { collector: 'wss://vigil.school.lan', stateDir: 'C:\\ProgramData\\Vigil\\state' } });
    const linux = loadTrayConfig('linux', {}, path);
    expect(linux).toMatchObject({ ok: true, config: { stateDir: defaultStateDir() } });
    expect(trayStateDir('linux', {})).toBe(defaultStateDir());
  });

  it('keeps a state folder the file names', async () => {
    const path = await configFile(JSON.stringify({ collector: 'ws://c:8080', stateDir: 'D:\\Vigil' }));
    expect(loadTrayConfig('win32', {}, path)).toMatchObject({ ok: true, config: { stateDir: 'D:\\Vigil' } });
  });

  it('explains a missing or bad file in one line naming it', async () => {
    const missing = loadTrayConfig('linux', {}, '/nonexistent/vigil/agent.json');
    expect(missing).toMatchObject({ ok: false, path: '/nonexistent/vigil/agent.json' });
    expect(missing.ok ? '' : missing.message).toContain('/nonexistent/vigil/agent.json');
    const bad = loadTrayConfig('linux', {}, await configFile(JSON.stringify({ collector: 'ftp://x' })));
    expect(bad.ok ? '' : bad.message).toMatch(/"collector" in .*agent\.json: must be a ws/);
  });
});
