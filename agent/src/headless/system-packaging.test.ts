import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOptions } from './options.ts';

// The packaging files of system mode (agent/build/): none of them can run here (no systemd,
// Windows or macOS on CI), so this reads them for the settings the design depends on.

const text = (path: string) => readFile(fileURLToPath(new URL(`../../build/${path}`, import.meta.url)), 'utf8');

/** Enough of an XML check for a plist: every tag closed in order (as electron/packaging.test.ts). */
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

describe('system-mode packaging', () => {
  it('the systemd unit runs the bundle with --system in a 0700 state folder, restarted, hardened, PAM still working', async () => {
    const unit = await text('linux/vigil-agent.service');
    const setting = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    const exec = setting('ExecStart')[0] ?? '';
    expect(exec).toMatch(/main\.mjs .*--system/);
    // The flags after the script are ones the agent accepts.
    const args = exec
      .slice(exec.indexOf('main.mjs') + 'main.mjs'.length)
      .trim()
      .split(/\s+/)
      .filter((a) => a !== '--config' && !a.endsWith('.json'));
    expect(loadOptions([...args, '--collector', 'ws://c:1'], {})).toMatchObject({ ok: true, config: { stateDir: '/var/lib/vigil-agent' }, system: {} });
    expect(setting('StateDirectory')).toEqual(['vigil-agent']);
    expect(setting('StateDirectoryMode')).toEqual(['0700']);
    expect(setting('UMask')).toEqual(['0077']);
    expect(setting('Restart')).toEqual(['always']);
    expect(setting('ProtectSystem')).toEqual(['strict']);
    expect(setting('CapabilityBoundingSet')[0]?.split(' ').sort()).toEqual(['CAP_DAC_READ_SEARCH', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID']);
    // i3lock checks passwords through setgid unix_chkpwd; the helper must reach /tmp/.X11-unix.
    expect(setting('NoNewPrivileges')).toEqual(['no']);
    expect(setting('PrivateTmp')).toEqual(['no']);
  });

  it('the Windows script closes %ProgramData%\\Vigil to all but SYSTEM and Administrators and registers a LocalSystem service', async () => {
    const ps1 = await text('windows/vigil-service-setup.ps1');
    expect(ps1).toMatch(/icacls \$root \/inheritance:r \/grant:r '\*S-1-5-18:\(OI\)\(CI\)F' '\*S-1-5-32-544:\(OI\)\(CI\)F'/);
    expect(ps1).toContain("'*S-1-5-32-545'");
    expect(ps1).toMatch(/obj= LocalSystem/);
    expect(ps1).toMatch(/--system/);
    expect(ps1).toContain('NOT YET USABLE');
  });

  it('the macOS launch daemon runs as root with --system; the session helper is a per-user LaunchAgent', async () => {
    const daemon = await text('macos/org.vigil.agent.daemon.plist');
    const helper = await text('macos/org.vigil.session-helper.plist');
    expect([wellFormed(daemon), wellFormed(helper)]).toEqual([true, true]);
    expect(daemon).toMatch(/<key>UserName<\/key>\s*<string>root<\/string>/);
    expect(daemon).toMatch(/<string>--system<\/string>/);
    expect(daemon).toContain('/Library/Application Support/Vigil/state');
    expect(helper).toMatch(/<key>LimitLoadToSessionType<\/key>\s*<string>Aqua<\/string>/);
    expect(helper).toContain('session-helper.mjs');
  });
});
