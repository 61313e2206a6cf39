import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../testing/wait-for.ts';
import { createRemotePlatform } from './remote-platform.ts';
import { SessionLink, type SessionLinkOptions } from './session-link.ts';
import type { SessionTarget } from './session-target.ts';

// The service's end of the session channel against a stand-in helper (fixtures/fake-helper.mjs)
// started as the current user: events reach the core's ports, requests are answered, and a
// helper that dies, hangs or breaks the protocol is killed, counted and started again.

const FAKE_HELPER = fileURLToPath(new URL('./fixtures/fake-helper.mjs', import.meta.url));
const me = userInfo();
const target: SessionTarget = { user: me.username, uid: me.uid, gid: me.gid, home: me.homedir, display: ':0' };

const links: SessionLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop()));
});

function link(mode = 'good', opts: Partial<SessionLinkOptions> = {}): SessionLink {
  const l = new SessionLink({
    command: () => ({ execPath: process.execPath, args: [FAKE_HELPER, '--mode', mode] }),
    restart: { initialMs: 50, maxMs: 200 },
    ...opts,
  });
  links.push(l);
  return l;
}

describe('SessionLink and the remote platform', () => {
  it("delivers the helper's keys, key status and window to the core's ports", async () => {
    const l = link();
    const platform = createRemotePlatform(l);
    const keys: string[] = [];
    const statuses: string[] = [];
    const windows: (string | undefined)[] = [];
    platform.windows.watch((w) => windows.push(w?.title));
    await platform.keys.start(
      (k) => keys.push(k),
      (s) => statuses.push(s),
    );
    await l.setTarget(target);
    await waitFor(() => keys.length === 2, { timeoutMs: 5_000, message: 'the keys' });
    expect(keys).toEqual(['h', 'i']);
    expect(statuses).toEqual(['unavailable', 'ok']);
    expect(windows).toEqual(['Homework']);
  });

  it('answers requests through the ports; the screenshot is hashed by the service', async () => {
    const l = link();
    const platform = createRemotePlatform(l);
    await l.setTarget(target);
    await waitFor(() => l.connected, { timeoutMs: 5_000, message: 'the helper' });
    const shot = await platform.capture.capture({ maxWidth: 320 });
    expect(shot).toMatchObject({ width: 2, height: 1, mime: 'image/png' });
    expect(Buffer.from(shot.bytes).toString('base64')).toBe('iVBORw0KGgo=');
    expect(shot.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await platform.idle.idleSeconds()).toBe(42);
    expect(await platform.locker.isLocked()).toBe(false);
    await platform.locker.lock({ message: 'Eyes front', reason: 'teacher' });
    expect(await platform.windows.current()).toEqual({ app: 'xterm', title: 'Homework' });
    await expect(platform.notifier.notify('Hi', 'there')).rejects.toThrow('no notification daemon');
  });

  it('a killed helper is started again and counted; the keyboard is unavailable meanwhile', async () => {
    const l = link();
    const platform = createRemotePlatform(l);
    const statuses: string[] = [];
    await platform.keys.start(
      () => undefined,
      (s) => statuses.push(s),
    );
    await l.setTarget(target);
    await waitFor(() => statuses.at(-1) === 'ok', { timeoutMs: 5_000, message: 'the first helper' });
    const first = l.helperPid;
    process.kill(first ?? -1, 'SIGKILL');
    await waitFor(() => l.connected && l.helperPid !== first && statuses.at(-1) === 'ok', { timeoutMs: 5_000, message: 'the second helper' });
    expect(l.restarts).toBe(1);
    expect(statuses).toEqual(['unavailable', 'ok', 'unavailable', 'ok']);
    await expect(createRemotePlatform(l).idle.idleSeconds()).resolves.toBe(42);
  });

  it('requests fail at once while no helper is connected', async () => {
    const platform = createRemotePlatform(link());
    await expect(platform.idle.idleSeconds()).rejects.toThrow('not running');
    expect(await platform.windows.current()).toBeUndefined();
  });

  it.each(['garbage', 'old-version', 'long-line'])('a helper sending %s is killed and started again', async (mode) => {
    const l = link(mode, { maxLineBytes: 1_000 });
    await l.setTarget(target);
    await waitFor(() => l.restarts >= 2, { timeoutMs: 5_000, message: 'the helper dropped twice' });
    expect(l.connected).toBe(false);
  });

  it('a reply of the wrong shape fails the request and drops the helper', async () => {
    const l = link('bad-reply');
    await l.setTarget(target);
    await waitFor(() => l.connected, { timeoutMs: 5_000, message: 'the helper' });
    await expect(createRemotePlatform(l).idle.idleSeconds()).rejects.toThrow('malformed idle-seconds reply');
    await waitFor(() => l.restarts === 1, { timeoutMs: 5_000, message: 'the helper dropped' });
  });

  it('a helper that stops answering (SIGSTOP) is killed and started again', async () => {
    const l = link('good', { pingMs: 100, pingTimeoutMs: 300 });
    await l.setTarget(target);
    await waitFor(() => l.connected, { timeoutMs: 5_000, message: 'the helper' });
    const first = l.helperPid;
    process.kill(first ?? -1, 'SIGSTOP');
    await waitFor(() => l.connected && l.helperPid !== first, { timeoutMs: 5_000, message: 'a new helper' });
    expect(l.restarts).toBe(1);
  });

  it('moving to another session stops the old helper without counting it', async () => {
    const l = link();
    await l.setTarget(target);
    await waitFor(() => l.connected, { timeoutMs: 5_000, message: 'the helper' });
    const first = l.helperPid;
    await l.setTarget({ ...target, display: ':1' });
    await waitFor(() => l.connected && l.helperPid !== first, { timeoutMs: 5_000, message: 'the helper of the new session' });
    await l.setTarget(undefined);
    expect({ connected: l.connected, restarts: l.restarts }).toEqual({ connected: false, restarts: 0 });
  });
});
