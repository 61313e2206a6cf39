// The Linux package, end to end: `pnpm -F @vigil/agent package:deb` builds the .deb, `dpkg -i`
// installs it for real with the collector and token in the install command's environment (as
// the console's install line does), postinst enrols and takes the token out of the config file,
// and the installed service — its ExecStart read from the installed unit, since CI has no
// systemd — runs under Xvfb: the device is online and a typed phrase becomes an alert.
// `dpkg -P` at the end must leave nothing behind. Needs root and dpkg (CI runs as root on Debian).
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { baseEnv, runNode, startProcess, type NodeProcess } from './support/processes.ts';
import { ensurePupil, PUPIL, run } from './support/pupil.ts';
import { CollectorProcess, type LogLine } from './support/system.ts';

const PACKAGE = 'vigil-agent';
const UNIT = '/lib/systemd/system/vigil-agent.service';
const CONFIG = '/etc/vigil/agent.json';
const STATE_DIR = '/var/lib/vigil-agent';
const TITLE = 'Homework notes';
/** Everything the package puts on the machine, or its scripts create. */
const INSTALLED_PATHS = ['/opt/vigil-agent', UNIT, CONFIG, STATE_DIR, '/usr/share/doc/vigil-agent'];

let outDir: string | undefined;
let debFile = '';
let db: SystemDatabase | undefined;
let x: Xvfb | undefined;
let collector: CollectorProcess | undefined;
let service: NodeProcess | undefined;
let installOutput = '';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const installed = async () => (await run('dpkg-query', ['-W', '-f', '${Status}', PACKAGE])).stdout.includes('installed');

/** `Key=value` lines of the installed unit. */
async function unitSettings(key: string): Promise<string[]> {
  const unit = await readFile(UNIT, 'utf8');
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
}

const serviceLog = (match: (l: LogLine) => boolean, timeoutMs: number, what: string) =>
  waitFor(
    () => {
      const found = service?.logs().find(match);
      if (found === undefined && service?.running !== true) throw new Error(`the installed service exited\n${service?.output().slice(-4_000) ?? ''}`);
      return found;
    },
    { timeoutMs, intervalMs: 50, message: what },
  );

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('agent-deb.test.ts must run as root: it installs the .deb with dpkg -i and runs the service as root');
  if ((await run('dpkg-deb', ['--version'])).code !== 0) throw new Error('agent-deb.test.ts needs dpkg-deb (part of dpkg): apt-get install dpkg');
  // A package left by an interrupted run of this test would make dpkg -i an upgrade.
  if (await installed()) await run('dpkg', ['-P', PACKAGE], { timeoutMs: 60_000 });
  await ensurePupil();
  outDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-deb-'));
  const built = await runNode('agent/packaging/deb/build-deb.ts', ['--out', outDir], baseEnv({}));
  if (built.code !== 0) throw new Error(`package:deb failed: ${built.stderr}`);
  const debs = (await readdir(outDir)).filter((f) => f.endsWith('.deb'));
  expect(debs).toEqual([expect.stringMatching(/^vigil-agent_\d+\.\d+\.\d+_amd64\.deb$/)]);
  debFile = join(outDir, debs[0] ?? '');

  db = await createSystemDatabase();
  x = await startXvfb();
  collector = await CollectorProcess.create(db.url);
  await collector.start();
  const token = await collector.createEnrolmentToken();
  // As the console's line: `sudo VIGIL_COLLECTOR=… VIGIL_TOKEN=… apt install ./vigil-agent_….deb`.
  const install = await run('dpkg', ['-i', debFile], { timeoutMs: 120_000, env: { ...baseEnv({}), VIGIL_COLLECTOR: collector.url, VIGIL_TOKEN: token } });
  installOutput = `${install.stdout}\n${install.stderr}`;
  if (install.code !== 0) throw new Error(`dpkg -i failed (${String(install.code)}):\n${installOutput}`);
}, 420_000);

afterAll(async () => {
  await service?.stop('SIGTERM');
  if (await installed()) await run('dpkg', ['-P', PACKAGE], { timeoutMs: 60_000 });
  await collector?.dispose();
  await x?.stop();
  await db?.drop();
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
});

describe('the vigil-agent .deb', () => {
  it('postinst enrols with the token from the install command, then removes the token from the config file', async () => {
    expect(installOutput).toContain('vigil-agent: enrolled with');
    const config = JSON.parse(await readFile(CONFIG, 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({ collector: collector?.url });
    expect((await stat(CONFIG)).mode & 0o777).toBe(0o600);
    const state = await stat(STATE_DIR);
    expect({ uid: state.uid, mode: state.mode & 0o777 }).toEqual({ uid: 0, mode: 0o700 });
    const device = JSON.parse(await readFile(join(STATE_DIR, 'device.json'), 'utf8')) as { deviceId: string };
    const row = await db?.pool.query<{ id: string }>('select id from devices where id = $1', [device.deviceId]);
    expect(row?.rows).toHaveLength(1);
  });

  it("the installed unit's command runs the service: online, and a typed phrase becomes an alert", { timeout: 120_000 }, async () => {
    const [execStart] = await unitSettings('ExecStart');
    const [command = '', ...args] = (execStart ?? '').split(/\s+/);
    expect(command).toBe('/opt/vigil-agent/node');
    const env: Record<string, string> = {};
    for (const line of await unitSettings('Environment')) {
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    // No logind here: name the session the unit would find on seat0.
    service = startProcess(command, [...args, '--session-user', PUPIL, '--display', x?.display ?? ''], {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      VIGIL_LOG_LEVEL: 'debug',
      ...env,
    });
    await serviceLog((l) => l.msg === 'connected to the collector', 30_000, 'the service to connect');
    await serviceLog((l) => l.msg === 'word list in force', 30_000, 'the word list');
    await serviceLog((l) => l.msg === 'keyboard hook running', 30_000, "the session helper's keyboard hook");
    const device = JSON.parse(await readFile(join(STATE_DIR, 'device.json'), 'utf8')) as { deviceId: string };
    await waitFor(
      async () => (await db?.pool.query<{ status: string }>('select status from devices where id = $1', [device.deviceId]))?.rows[0]?.status === 'online',
      {
        timeoutMs: 15_000,
        message: 'the device online',
      },
    );

    await x?.openXterm(TITLE);
    await serviceLog((l) => l.msg === 'focused window changed' && l.title === TITLE, 15_000, 'the terminal focused');
    await x?.xdotoolType('i want to kill myself');
    await x?.xdotool('key', 'Return');
    const alert = await waitFor(
      async () => (await db?.pool.query<{ device_id: string; os_user: string }>("select device_id, os_user from alerts where term = 'kill myself'"))?.rows[0],
      { timeoutMs: 20_000, intervalMs: 100, message: 'the alert from the installed agent' },
    );
    expect(alert).toEqual({ device_id: device.deviceId, os_user: PUPIL });
  });

  it('dpkg -P removes the package, its state and its configuration: no file left behind', { timeout: 90_000 }, async () => {
    await service?.stop('SIGTERM');
    const purge = await run('dpkg', ['-P', PACKAGE], { timeoutMs: 60_000 });
    expect(purge.code, purge.stderr).toBe(0);
    expect(await installed()).toBe(false);
    const left = [];
    for (const path of INSTALLED_PATHS) if (await exists(path)) left.push(path);
    expect(left).toEqual([]);
  });
});
