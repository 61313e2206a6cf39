// The agent as the computer's root service (`--system`): the device secret, outbox and caches
// sit in a state folder only root can reach, and the pupil's X session is served by a session
// helper running as an unprivileged user. What the pupil types still becomes an alert; the
// pupil cannot read the identity or the outbox; a helper killed by PID is started again and
// the collector hears of it. Needs root (it starts processes as another user): CI runs as root.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { baseEnv, startNode } from './support/processes.ts';
import { ensurePupil, PUPIL, run } from './support/pupil.ts';
import { AgentProcess, CollectorProcess, type LogLine } from './support/system.ts';

const TITLE = 'Maths homework';

/** `cmd` as the pupil, through runuser (root switching user without a password). */
const asPupil = (...cmd: string[]) => run('runuser', ['-u', PUPIL, '--', ...cmd]);

async function uidOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
}

let db: SystemDatabase | undefined;
let x: Xvfb | undefined;
let collector: CollectorProcess | undefined;
let agent: AgentProcess | undefined;
let pupilUid: number;
let deviceId: string;

const helperPids = () => (agent?.logs() ?? []).filter((l) => l.msg === 'session helper started').map((l) => Number(l.helperPid));
const typeLine = async (text: string) => {
  await x?.xdotoolType(text);
  await x?.xdotool('key', 'Return');
};
const alertsFor = async (term: string) =>
  (await db?.pool.query<{ os_user: string; screenshot_sha256: string | null }>('select os_user, screenshot_sha256 from alerts where term = $1', [term]))
    ?.rows ?? [];
const untilAlert = (term: string) => waitFor(async () => (await alertsFor(term))[0], { timeoutMs: 20_000, intervalMs: 100, message: `the "${term}" alert` });

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error('agent-system-service.test.ts must run as root: it runs the agent as a root service and its session helper as the user vigil-test-pupil');
  }
  pupilUid = await ensurePupil();
  db = await createSystemDatabase();
  // Xvfb without an auth file lets any local user's client in: the helper connects as the pupil.
  x = await startXvfb();
  collector = await CollectorProcess.create(db.url);
  await collector.start();
  const token = await collector.createEnrolmentToken();
  // Heartbeats every 5 s, so the restart counters they carry arrive quickly.
  await collector.admin(['set-policy', '--scope', 'room', '--id', 'ICT Suite', '--json', JSON.stringify({ heartbeatSeconds: 5 })]);
  agent = await AgentProcess.create({ collectorUrl: collector.url, display: x.display, args: ['--system', '--session-user', PUPIL, '--display', x.display] });
  // Others may pass through the test's folder (not list it): the state folder's own mode is the only barrier.
  await chmod(dirname(agent.stateDir), 0o711);
  await x.openXterm(TITLE);
  await agent.start(token);
  await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the first connection');
  await agent.waitForLog((l) => l.msg === 'word list in force', 15_000, 'the word list');
  await agent.focused(TITLE);
  deviceId = (JSON.parse(await readFile(join(agent.stateDir, 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
}, 120_000);

afterAll(async () => {
  await agent?.dispose();
  await collector?.dispose();
  await x?.stop();
  await db?.drop();
});

describe('the agent as a root service with a session helper', () => {
  it('the service runs as root and its session helper as the pupil', async () => {
    expect(await uidOf(agent?.pid ?? -1)).toBe(0);
    const [helper] = helperPids();
    expect(helper).toBeGreaterThan(0);
    expect(await uidOf(helper ?? -1)).toBe(pupilUid);
    expect(pupilUid).not.toBe(0);
  });

  it("a phrase typed in the pupil's session becomes an alert with a screenshot, reported as the pupil's", async () => {
    await typeLine('i want to kill myself');
    const alert = await untilAlert('kill myself');
    expect(alert.os_user).toBe(PUPIL);
    expect(alert.screenshot_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the pupil cannot read the device secret, the outbox or the policy cache', async () => {
    const stateDir = agent?.stateDir ?? '';
    const folder = await stat(stateDir);
    expect({ uid: folder.uid, mode: folder.mode & 0o777 }).toEqual({ uid: 0, mode: 0o700 });
    const outbox = join(stateDir, 'outbox');
    const segment = (await readdir(outbox)).find((f) => f.endsWith('.seg'));
    expect(segment).toBeDefined();
    // The files exist (root reads them): what the pupil meets is the permission, not absence.
    const attempts = [
      await asPupil('cat', join(stateDir, 'device.json')),
      await asPupil('cat', join(stateDir, 'policy.json')),
      await asPupil('ls', stateDir),
      await asPupil('ls', outbox),
      await asPupil('cat', join(outbox, segment ?? 'missing')),
    ];
    for (const attempt of attempts) {
      expect(attempt.code).not.toBe(0);
      expect(attempt.stderr).toContain('Permission denied');
    }
    // The same user can do ordinary things: the failures above are not a broken runuser.
    expect((await asPupil('cat', '/etc/hostname')).code).toBe(0);
  });

  it('refuses to start on a state folder others can write to, naming it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-e2e-open-state-'));
    try {
      const open = join(root, 'state');
      await mkdir(open);
      await chmod(open, 0o777);
      const proc = startNode(
        'agent/src/headless/main.ts',
        ['--system', '--session-user', PUPIL, '--collector', collector?.url ?? '', '--state-dir', open],
        baseEnv({}),
      );
      expect((await proc.exited).code).toBe(2);
      expect(proc.stderr.join('\n')).toContain(`vigil-agent: state folder: ${open} was writable by others (mode 0777)`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a session helper killed by PID is started again, counted, and the collector hears of it', { timeout: 90_000 }, async () => {
    const [first] = helperPids();
    const hooks = () => (agent?.logs() ?? []).filter((l) => l.msg === 'keyboard hook running').length;
    const hooksBefore = hooks();
    process.kill(first ?? -1, 'SIGKILL');
    await agent?.waitForLog((l) => l.msg === 'the session helper died; restarting it' && l.restarts === 1, 10_000, 'the death noticed');
    await waitFor(() => helperPids().length === 2, { timeoutMs: 20_000, message: 'a new session helper' });
    expect(await uidOf(helperPids()[1] ?? -1)).toBe(pupilUid);
    await waitFor(() => hooks() > hooksBefore, { timeoutMs: 30_000, message: "the new helper's keyboard hook" });
    // The keyboard went down with the helper: the heartbeat says so, and the collector logs it.
    const report = (l: LogLine) => l.msg === 'agent reports lost records or restarts' && l.deviceId === deviceId && Number(l.keyboardHookRestarts) >= 1;
    await collector?.waitForLog(report, 30_000, 'the restart in a heartbeat');
    // And the new helper feeds the service like the first.
    await x?.xdotool('windowactivate', '--sync', (await x.xdotool('search', '--name', `^${TITLE}$`)).trim().split('\n')[0] ?? '');
    await typeLine('nobody would miss me');
    expect((await untilAlert('nobody would miss me')).os_user).toBe(PUPIL);
  });
});
