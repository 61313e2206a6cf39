import { spawnSync } from 'node:child_process';
import { findExecutable } from '../platform/node/exec.ts';

/** A command the tests need and the Debian package that ships it. */
export interface SystemTool {
  bin: string;
  apt: string;
}

/** Everything the X11 adapters and their tests use (scripts/bootstrap.sh installs the same list). */
export const X11_TEST_TOOLS = {
  xvfb: { bin: 'Xvfb', apt: 'xvfb' },
  xdpyinfo: { bin: 'xdpyinfo', apt: 'x11-utils' },
  xprop: { bin: 'xprop', apt: 'x11-utils' },
  xwininfo: { bin: 'xwininfo', apt: 'x11-utils' },
  xmodmap: { bin: 'xmodmap', apt: 'x11-xserver-utils' },
  xset: { bin: 'xset', apt: 'x11-xserver-utils' },
  xrandr: { bin: 'xrandr', apt: 'x11-xserver-utils' },
  openbox: { bin: 'openbox', apt: 'openbox' },
  xterm: { bin: 'xterm', apt: 'xterm' },
  xdotool: { bin: 'xdotool', apt: 'xdotool' },
  xprintidle: { bin: 'xprintidle', apt: 'xprintidle' },
  i3lock: { bin: 'i3lock', apt: 'i3lock' },
  imagemagick: { bin: 'import', apt: 'imagemagick' },
} as const satisfies Record<string, SystemTool>;

/**
 * Makes sure each tool is on PATH. Running as root on Debian/Ubuntu, a missing one is installed with
 * apt-get (serialised with flock, since test files run in parallel); otherwise the error names the
 * package to install.
 */
export async function ensureTools(tools: readonly SystemTool[], opts: { install?: boolean } = {}): Promise<void> {
  const missing: SystemTool[] = [];
  for (const tool of tools) {
    if ((await findExecutable(tool.bin)) === undefined) missing.push(tool);
  }
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.apt))];
  const hint = `missing ${missing.map((t) => t.bin).join(', ')}: install with "apt-get install -y ${packages.join(' ')}"`;
  const canInstall = (opts.install ?? true) && process.getuid?.() === 0 && (await findExecutable('apt-get')) !== undefined;
  if (!canInstall) throw new Error(hint);
  aptInstall(packages, hint);
  for (const tool of missing) {
    if ((await findExecutable(tool.bin)) === undefined) throw new Error(`${hint} (automatic install did not provide ${tool.bin})`);
  }
}

function aptInstall(packages: string[], hint: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages];
  // flock: parallel test files may try to install at once and apt's own lock would fail one of them.
  const attempt = (args: string[]) => spawnSync('flock', ['/tmp/vigil-apt.lock', ...args], { env, stdio: 'pipe', encoding: 'utf8', timeout: 600_000 });
  let result = attempt(install);
  if (result.status !== 0) {
    attempt(['apt-get', 'update', '-qq']);
    result = attempt(install);
  }
  if (result.status !== 0) throw new Error(`${hint} (apt-get failed: ${result.stderr.trim().slice(-500)})`);
}
