// The .deb's enrolment step, run by postinst with the packaged Node (bundled by build-deb.ts
// into /opt/vigil-agent/lib/postinst-enrol.mjs):
//
// 1. /etc/vigil/agent.json (0600 root: it may hold the token) from the file IT pre-seeded and/or
//    VIGIL_COLLECTOR and VIGIL_TOKEN (or VIGIL_ENROL_TOKEN) in the install command's environment;
// 2. when a token is there and the PC is not enrolled yet, the installed agent runs once as the
//    system service until the collector's welcome leaves device.json in the state folder;
// 3. then the token is removed from agent.json: the identity in the root-only state folder is
//    all the agent needs from now on, and a token left on disk could enrol other machines.
//
// It never fails the install (exit 0, a line on stderr saying what to do): without a collector
// or when the collector cannot be reached, the service enrols at its first start instead.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONFIG = process.env.VIGIL_CONFIG_FILE ?? '/etc/vigil/agent.json';
const STATE_DIR = '/var/lib/vigil-agent';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = join(ROOT, 'node');
const AGENT = join(ROOT, 'agent', 'main.mjs');
const TIMEOUT_MS = Number(process.env.VIGIL_ENROL_TIMEOUT_SECONDS ?? '60') * 1000;

const say = (line: string) => process.stderr.write(`vigil-agent: ${line}\n`);

type Config = Record<string, unknown>;

function readConfig(): Config | string {
  if (!existsSync(CONFIG)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(CONFIG, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `${CONFIG} must hold a JSON object`;
    return { ...parsed };
  } catch (err) {
    return `${CONFIG} is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
}

function writeConfig(config: Config): void {
  const temp = `${CONFIG}.dpkg-tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, CONFIG);
}

/** Runs the installed service until device.json appears (enrolled) or it exits or times out. */
function enrolOnce(): Promise<{ enrolled: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [AGENT, '--system', '--config', CONFIG, '--state-dir', STATE_DIR], {
      // A fixed environment: nothing of the installer's (the token is in the file, never in ps).
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', VIGIL_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started = Date.now();
    const timer = setInterval(() => {
      if (existsSync(join(STATE_DIR, 'device.json'))) finish(true);
      else if (Date.now() - started > TIMEOUT_MS) finish(false);
    }, 100);
    let done = false;
    const finish = (enrolled: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      // SIGTERM: the agent stops in order (bye, outbox flushed) and the service takes over.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      child.once('close', () => resolve({ enrolled, output }));
      if (child.exitCode !== null || child.signalCode !== null) resolve({ enrolled, output });
    };
    child.once('exit', () => finish(existsSync(join(STATE_DIR, 'device.json'))));
  });
}

async function main(): Promise<void> {
  const found = readConfig();
  if (typeof found === 'string') {
    say(`${found}: fix it, then run \`dpkg-reconfigure vigil-agent\` or restart the service`);
    return;
  }
  const config: Config = { ...found };
  const collector = process.env.VIGIL_COLLECTOR?.trim();
  const token = (process.env.VIGIL_TOKEN ?? process.env.VIGIL_ENROL_TOKEN)?.trim();
  if (collector !== undefined && collector !== '') config.collector = collector;
  if (token !== undefined && token !== '') config.enrolToken = token;
  if (typeof config.collector !== 'string') {
    say(`no collector given: write ${CONFIG} ({"collector": "wss://…:8443", "enrolToken": "…"}, mode 0600) or reinstall with VIGIL_COLLECTOR=… VIGIL_TOKEN=…`);
    return;
  }
  writeConfig(config);
  const enrolled = existsSync(join(STATE_DIR, 'device.json'));
  if (!enrolled && typeof config.enrolToken !== 'string') {
    say(`not enrolled and no enrolment token: add "enrolToken" to ${CONFIG} (or VIGIL_TOKEN=… when installing)`);
    return;
  }
  if (!enrolled) {
    const result = await enrolOnce();
    if (!result.enrolled) {
      say(`enrolment did not complete; the service will try again with the token in ${CONFIG}. The agent said:\n${result.output.trim()}`);
      return;
    }
    say(`enrolled with ${String(config.collector)}`);
  }
  if ('enrolToken' in config) {
    delete config.enrolToken;
    writeConfig(config);
  }
}

await main();
