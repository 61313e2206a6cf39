import { join, win32 } from 'node:path';
import { parseAgentConfig, type AgentConfig } from '../core/agent-config.ts';
import { defaultStateDir } from '../core/state-dir.ts';
import { loadOptions } from '../headless/options.ts';

// The tray app takes no command-line options (it is started by the OS at every login): IT
// pre-seeds one JSON file per computer at install time, the same keys as the headless
// agent's --config file (collector, enrolToken, stateDir, logLevel, lockCommand, …).
// VIGIL_* environment variables still override it, for testing.

export type TrayConfigResult = { ok: true; config: AgentConfig; path: string } | { ok: false; message: string; path: string };

/** Where the installer (or GPO / Intune / MDM) puts the computer's agent.json. */
export function machineConfigPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  switch (platform) {
    case 'win32':
      return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Vigil', 'agent.json');
    case 'darwin':
      return '/Library/Application Support/Vigil/agent.json';
    default:
      return '/etc/vigil/agent.json';
  }
}

/**
 * The state folder when agent.json names none. Windows: one per computer under ProgramData
 * (the installer lets every user write it), so the PC enrols once whoever logs in. macOS and
 * Linux: the headless default for the user running the app (their files are owner-only).
 */
export function trayStateDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Vigil', 'state');
  return defaultStateDir();
}

export function loadTrayConfig(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  path = machineConfigPath(platform, env),
): TrayConfigResult {
  const loaded = loadOptions(['--config', path], env);
  if (loaded.ok === 'help') return { ok: false, message: 'unexpected --help', path };
  if (!loaded.ok) return { ok: false, message: loaded.message, path };
  let config = loaded.config;
  // loadOptions fills in the headless default; the tray app's default differs on Windows.
  if (config.stateDir === defaultStateDir() && platform === 'win32') config = parseAgentConfig({ ...config, stateDir: trayStateDir(platform, env) });
  return { ok: true, config, path };
}

/** Where the tray app writes its log: the per-user logs folder Electron names. */
export function trayLogFile(logsDir: string): string {
  return join(logsDir, 'vigil-agent.log');
}
