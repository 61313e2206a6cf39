// electron-builder cannot run here (no Electron binary), so its configuration is checked instead:
// the properties IT relies on, and that every file it names exists.
import { constants, existsSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../core/agent-config.ts';
import { machineConfigPath } from './tray-config.ts';

const AGENT_DIR = join(import.meta.dirname, '..', '..');
const at = (path: string) => join(AGENT_DIR, path);
/** Windows Installer finds earlier versions by this code: it must never change once released. */
const UPGRADE_CODE = '60C8E0F9-D2BE-4D48-9D0F-DF0F3C9D3ED3';
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

interface BuilderConfig {
  appId: string;
  extraMetadata: { main: string };
  directories: { buildResources: string };
  extraResources: { from: string; to: string }[];
  win: { target: { target: string }[]; icon: string; extraResources: { from: string; to: string }[] };
  nsis: { oneClick: boolean; perMachine: boolean; include: string; runAfterFinish: boolean };
  msi: { oneClick: boolean; perMachine: boolean; upgradeCode: string };
  mac: {
    target: { target: string }[];
    icon: string;
    entitlements: string;
    entitlementsInherit: string;
    extraResources: { from: string }[];
    extendInfo: Record<string, unknown>;
  };
  pkg: { scripts: string; installLocation: string };
  linux: { target: string[]; icon: string };
  deb: { afterInstall: string; afterRemove: string };
}

const config = JSON.parse(await readFile(at('electron-builder.json'), 'utf8')) as BuilderConfig;
const text = (path: string) => readFile(at(path), 'utf8');

/** Enough of an XML check for a plist: every tag closed in order. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const body = xml
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  for (const [, close, name, selfClose] of body.matchAll(/<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>/g)) {
    if (selfClose === '/') continue;
    if (close === '/') {
      if (stack.pop() !== name) return false;
    } else stack.push(name ?? '');
  }
  return stack.length === 0;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(at(path), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

describe('electron-builder configuration', () => {
  it('names the app and runs the bundle build.ts writes', () => {
    expect(config.appId).toBe('org.vigil.agent');
    expect(config.extraMetadata.main).toBe('dist/electron/main.mjs');
  });

  it('builds a silent per-machine NSIS installer that starts the app for every user at login', async () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: true, runAfterFinish: false });
    const nsh = await text(config.nsis.include);
    expect(nsh).toContain('!macro customInstall');
    expect(nsh).toContain('WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "VigilAgent"');
    expect(nsh).toContain('DeleteRegValue HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "VigilAgent"');
    expect(nsh).toContain('/COLLECTOR=');
    expect(nsh).toContain('*S-1-5-32-545:(OI)(CI)M');
  });

  it('builds an MSI with a fixed upgrade code', () => {
    expect(config.msi).toMatchObject({ oneClick: true, perMachine: true });
    expect(config.msi.upgradeCode).toMatch(GUID);
    expect(config.msi.upgradeCode).toBe(UPGRADE_CODE);
  });

  it('ships a configuration template the agent accepts, installed where the tray app reads it on each OS', async () => {
    const template = config.extraResources.find((r) => r.to === 'agent.json.template');
    expect(template).toBeDefined();
    const parsed = agentConfigSchema.safeParse({ ...(JSON.parse(await text(template?.from ?? '')) as object), stateDir: '/x' });
    expect(parsed.success).toBe(true);
    expect(machineConfigPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData\\Vigil\\agent.json');
    expect(await text(config.nsis.include)).toContain('$COMMONAPPDATA\\Vigil\\agent.json');
    expect(await text(config.deb.afterInstall)).toContain(machineConfigPath('linux'));
    const postinstall = await text(join(config.directories.buildResources, config.pkg.scripts, 'postinstall'));
    expect(`${postinstall.match(/SUPPORT="([^"]+)"/)?.[1]}/agent.json`).toBe(machineConfigPath('darwin'));
    expect(await text('build/windows/vigil-machine-setup.ps1')).toContain("Join-Path $env:ProgramData 'Vigil'");
  });

  it("installs the machine set-up script with the MSI, where the console's MSI line runs it from", async () => {
    // The MSI takes no properties: `msiexec … /qn && powershell -File "%ProgramFiles%\Vigil Agent\resources\vigil-machine-setup.ps1" …`.
    const script = config.win.extraResources.find((r) => r.to === 'vigil-machine-setup.ps1');
    expect(script?.from).toBe('build/windows/vigil-machine-setup.ps1');
    const source = await text(script?.from ?? '');
    expect(source).toContain('[string]$Collector');
    expect(source).toContain('[string]$Token');
    expect(source).toContain("(Join-Path $env:ProgramFiles 'Vigil Agent')");
  });

  it('builds a macOS pkg: no Dock icon, the usage descriptions, a LaunchAgent for every user', async () => {
    expect(config.mac.target.map((t) => t.target)).toEqual(['pkg']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(String(config.mac.extendInfo.NSAppleEventsUsageDescription).length).toBeGreaterThan(40);
    expect(config.pkg.installLocation).toBe('/Applications');
    const scripts = join(config.directories.buildResources, config.pkg.scripts);
    expect(await isExecutable(join(scripts, 'postinstall'))).toBe(true);
    expect(await text(join(scripts, 'postinstall'))).toContain('/Library/LaunchAgents/org.vigil.agent.plist');
    const plist = await text(config.mac.extraResources[0]?.from ?? '');
    expect(wellFormed(plist)).toBe(true);
    expect(plist).toMatch(/<key>Label<\/key>\s*<string>org\.vigil\.agent<\/string>/);
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
    expect(plist).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(wellFormed(await text(config.mac.entitlements))).toBe(true);
  });

  it('has a PPPC profile: Screen Recording and Input Monitoring left for the user to allow, as Apple requires', async () => {
    const profile = await text('build/vigil-pppc.mobileconfig');
    expect(wellFormed(profile)).toBe(true);
    for (const service of ['ScreenCapture', 'ListenEvent']) {
      const block = profile.match(new RegExp(`<key>${service}</key>\\s*<array>([\\s\\S]*?)</array>`))?.[1] ?? '';
      expect(block).toContain('<string>org.vigil.agent</string>');
      expect(block).toMatch(/<key>Authorization<\/key>\s*<string>AllowStandardUserToSetSystemService<\/string>/);
    }
    expect(profile).toMatch(/<key>PayloadType<\/key>\s*<string>com\.apple\.TCC\.configuration-profile-policy<\/string>/);
    const uuids = [...profile.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)<\/string>/g)].map((m) => m[1]);
    expect(uuids).toHaveLength(2);
    expect(new Set(uuids).size).toBe(2);
    for (const uuid of uuids) expect(uuid).toMatch(GUID);
  });

  it('builds a deb that starts the app at every login through XDG autostart, and an AppImage', async () => {
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    const after = await text(config.deb.afterInstall);
    expect(after).toContain('/etc/xdg/autostart/vigil-agent.desktop');
    expect(after).toContain('[Desktop Entry]');
    expect(await isExecutable(config.deb.afterInstall)).toBe(true);
    expect(await text(config.deb.afterRemove)).toContain('rm -f /etc/xdg/autostart/vigil-agent.desktop');
  });

  it('names only files that exist, and a 512 px icon', async () => {
    const named = [
      config.nsis.include,
      config.win.icon,
      config.mac.icon,
      config.linux.icon,
      config.mac.entitlements,
      config.mac.entitlementsInherit,
      config.deb.afterInstall,
      config.deb.afterRemove,
      join(config.directories.buildResources, config.pkg.scripts),
      ...config.extraResources.map((r) => r.from),
      ...config.mac.extraResources.map((r) => r.from),
      ...config.win.extraResources.map((r) => r.from),
    ];
    for (const path of named) expect(existsSync(at(path)), path).toBe(true);
    const png = await readFile(at(config.win.icon));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(dirname(config.extraMetadata.main)).toBe('dist/electron');
  });
});
