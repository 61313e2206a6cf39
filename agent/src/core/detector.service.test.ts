import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '@vigil/shared/protocol';
import { createFakePlatform, type FakePlatform } from '@vigil/agent/platform/fake';
import { DetectorService, EVIDENCE_MAX_BYTES } from './detector.service.ts';
import type { ForeignLock } from './ports.ts';
import { Outbox } from './outbox/index.ts';
import { decodeRecord } from './outbox-records.ts';
import { PolicyState } from './policy-state.ts';
import { makeWordlist, RecordingOutbox, SettableLock, silentLog, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { WordlistState } from './wordlist-state.ts';

const HOMEWORK = { app: 'xterm', title: 'History homework' };

interface Rig {
  p: FakePlatform;
  outbox: RecordingOutbox;
  lock: SettableLock;
  policy: PolicyState;
  wordlist: WordlistState;
  detector: DetectorService;
}

const running: DetectorService[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

async function rig(policy: Partial<Policy> = {}, outbox: Pick<Outbox, 'enqueue'> = new RecordingOutbox()): Promise<Rig> {
  const p = createFakePlatform();
  const lock = new SettableLock();
  const policyState = new PolicyState({ initial: { ...defaultPolicy, ...policy } });
  const wordlist = new WordlistState();
  await wordlist.apply(TEST_WORDLIST);
  const detector = new DetectorService({
    keys: p.keys,
    windows: p.windows,
    capture: p.capture,
    clock: p.clock,
    outbox,
    policy: policyState,
    wordlist,
    lock,
    osUser: 'pupil.jones',
    log: silentLog,
  });
  running.push(detector);
  await detector.start();
  p.windows.set(HOMEWORK);
  return { p, outbox: outbox instanceof RecordingOutbox ? outbox : new RecordingOutbox(), lock, policy: policyState, wordlist, detector };
}

describe('DetectorService', () => {
  it('turns a typed phrase into one alert with the term, window, redacted context and a screenshot upload', async () => {
    const { p, outbox, detector } = await rig();
    p.keys.type('i really want to kill myself\n');
    await detector.drain();
    const [alert] = outbox.of('alert');
    expect(outbox.of('alert')).toHaveLength(1);
    expect(alert?.payload).toMatchObject({
      source: 'typed',
      term: 'kill myself',
      category: 'self-harm',
      severity: 5,
      context: 'i really want to kill myself',
      windowTitle: 'History homework',
      app: 'xterm',
      osUser: 'pupil.jones',
    });
    expect(alert?.payload.id).toBe(alert?.id);
    const [upload] = outbox.records.filter((r) => r.message.type === 'screenshot');
    expect(upload?.input.kind).toBe('state');
    expect(outbox.records.find((r) => r.message.type === 'alert')?.input.kind).toBe('alert');
    expect(upload?.message.payload).toMatchObject({ alertId: alert?.id, sha256: alert?.payload.screenshot?.sha256, width: 1280, mime: 'image/jpeg' });
    expect(upload?.bytes?.byteLength).toBe(alert?.payload.screenshot?.bytes);
    expect(p.capture.calls).toEqual([{ maxWidth: 1280, quality: 70 }]);
  });

  it('matches leet-speak with a typo corrected by Backspace', async () => {
    const { p, outbox, detector } = await rig();
    p.keys.type('k1ll myzz\b\bs3lf\n');
    await detector.drain();
    expect(outbox.of('alert').map((a) => a.payload.term)).toEqual(['kill myself']);
  });

  it('reports the same term in the same window once per cooldown, and again in another window or after it', async () => {
    const { p, outbox, detector } = await rig({ alertCooldownSeconds: 300 });
    p.keys.type('kill myself\n');
    p.keys.type('kill myself\n');
    p.clock.advance(60_000);
    p.keys.type('kms\n');
    p.keys.type('kms\n');
    p.windows.set({ app: 'firefox', title: 'Chat' });
    p.keys.type('kill myself\n');
    p.windows.set(HOMEWORK);
    p.clock.advance(300_000);
    p.keys.type('kill myself\n');
    await detector.drain();
    expect(outbox.of('alert').map((a) => `${a.payload.term}@${a.payload.windowTitle}`)).toEqual([
      'kill myself@History homework',
      'kms@History homework',
      'kill myself@Chat',
      'kill myself@History homework',
    ]);
    expect(detector.stats.suppressed).toBe(2);
  });

  it('does not match in a sign-in window, and forgets what was typed there', async () => {
    const { p, outbox, detector } = await rig();
    p.windows.set({ app: 'firefox', title: 'Sign in - Google Accounts' });
    expect(detector.keyboardState()).toBe('paused');
    p.keys.type('kill myself\n');
    p.keys.type('kill my');
    p.windows.set(HOMEWORK);
    expect(detector.keyboardState()).toBe('ok');
    p.keys.type('self\n');
    await detector.drain();
    expect(outbox.records).toEqual([]);
  });

  it('pauses while the screen is locked and resets the line, then resumes', async () => {
    const { p, outbox, lock, detector } = await rig();
    p.keys.type('kill my');
    lock.set(true);
    p.keys.type('self\n kms\n');
    lock.set(false);
    p.keys.type('self\n');
    await detector.drain();
    expect(outbox.records).toEqual([]);
    p.keys.type('kms\n');
    await detector.drain();
    expect(outbox.of('alert').map((a) => a.payload.term)).toEqual(['kms']);
  });

  it('pauses while the key source sees a lock screen it did not start, and reads keys again after it', async () => {
    const p = createFakePlatform();
    let lockListener: (lock: ForeignLock | undefined) => void = () => {};
    const keys = Object.assign(p.keys, {
      watchForeignLock(listener: (lock: ForeignLock | undefined) => void) {
        lockListener = listener;
        return () => {};
      },
    });
    const outbox = new RecordingOutbox();
    const wordlist = new WordlistState();
    await wordlist.apply(TEST_WORDLIST);
    const policy = new PolicyState({ initial: defaultPolicy });
    const detector = new DetectorService({
      keys,
      windows: p.windows,
      capture: p.capture,
      clock: p.clock,
      outbox,
      policy,
      wordlist,
      lock: new SettableLock(),
      osUser: 'pupil',
      log: silentLog,
    });
    running.push(detector);
    await detector.start();
    p.windows.set(HOMEWORK);
    p.keys.type('kill my');
    lockListener({ reason: 'keyboard-grab' });
    expect(detector.keyboardState()).toBe('paused');
    // Even keys a source did deliver under the lock screen (the pupil's password) are not matched.
    p.keys.type('self\n kms\n');
    lockListener(undefined);
    expect(detector.keyboardState()).toBe('ok');
    p.keys.type('self\n');
    await detector.drain();
    expect(outbox.records).toEqual([]);
    p.keys.type('kms\n');
    await detector.drain();
    expect(outbox.of('alert').map((a) => a.payload.term)).toEqual(['kms']);
  });

  it('redacts digit runs, e-mail addresses and long tokens, and keeps the context within 120 characters', async () => {
    const { p, outbox, detector } = await rig();
    p.keys.type(`${'blah '.repeat(30)}ring 07700900123 or jo.bloggs@example.com key a1b2c3d4e5f6g7h8i9 i want to kill myself now\n`);
    await detector.drain();
    const context = outbox.of('alert')[0]?.payload.context ?? '';
    expect(context.length).toBeLessThanOrEqual(120);
    expect(context).toContain('kill myself');
    expect(context).not.toMatch(/\d{3}/);
    expect(context).not.toContain('@example.com');
    expect(context).not.toContain('a1b2c3d4e5f6g7h8i9');
    expect(context).toContain('[email]');
  });

  it('puts no typed text on disk or in any record beyond the redacted context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-detector-'));
    try {
      const outbox = await Outbox.open({ dir });
      const { p, detector } = await rig({}, outbox);
      const secretWords = 'zebracrossing quokkapassword';
      p.keys.type(`${secretWords} ${'and then some more filler text '.repeat(6)}i want to kill myself\n`);
      p.keys.type(`${secretWords} with no hit at all\n`);
      await detector.drain();
      const records = await outbox.peek(100);
      expect(records).toHaveLength(2);
      await outbox.close();
      const files = await readdir(dir);
      for (const f of files) {
        const bytes = await readFile(join(dir, f));
        expect(bytes.includes('zebracrossing'), f).toBe(false);
        expect(bytes.includes('quokka'), f).toBe(false);
      }
      const decoded = decodeRecord(records[0] ?? { body: '' });
      if (!decoded.ok || decoded.value.message.type !== 'alert') throw new Error('expected the alert first');
      const alert = decoded.value.message;
      expect(alert.payload.context.length).toBeLessThanOrEqual(120);
      // Only the redacted context carries typed text: nothing else in the alert does.
      const { context: _context, ...rest } = alert.payload;
      expect(JSON.stringify(rest)).not.toMatch(/filler|want to/);
      expect(records.map((r) => r.body).join('\n')).not.toMatch(/zebra|quokka/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('scans window titles and URLs when the window changes', async () => {
    const { p, outbox, detector } = await rig();
    p.windows.set({ app: 'chrome', title: 'Unblocked Games 66 - Google Chrome' });
    p.windows.set({ app: 'chrome', title: 'New tab', url: 'https://example.org/?q=free+p0rn' });
    await detector.drain();
    expect(outbox.of('alert').map((a) => [a.payload.source, a.payload.term])).toEqual([
      ['title', 'unblocked games'],
      ['url', 'porn'],
    ]);
    expect(outbox.of('alert')[1]?.payload.url).toBe('https://example.org/?q=free+p0rn');
  });

  it('takes no screenshot when the policy turns capture off, globally or for the category', async () => {
    const perCategory = await rig({ noCaptureCategories: ['self-harm'] });
    perCategory.p.keys.type('kill myself\n');
    perCategory.p.windows.set({ app: 'chrome', title: 'unblocked games' });
    await perCategory.detector.drain();
    expect(perCategory.outbox.of('alert').map((a) => [a.payload.term, a.payload.screenshot === undefined])).toEqual([
      ['kill myself', true],
      ['unblocked games', false],
    ]);
    const off = await rig({ captureScreenshots: false });
    off.p.keys.type('kms\n');
    await off.detector.drain();
    expect(off.outbox.records.map((r) => r.message.type)).toEqual(['alert']);
    expect(off.p.capture.calls).toEqual([]);
  });

  it('still queues the alert when the screen capture fails', async () => {
    const { p, outbox, detector } = await rig();
    p.capture.failWith = new Error('no screen');
    p.keys.type('kms\n');
    await detector.drain();
    expect(outbox.records.map((r) => r.message.type)).toEqual(['alert']);
    expect(detector.stats.captureFailures).toBe(1);
  });

  it('re-encodes oversized evidence smaller, and sends the alert without it if it stays too large', async () => {
    const { p, outbox, detector } = await rig();
    const real = p.capture.capture.bind(p.capture);
    const sizes = [EVIDENCE_MAX_BYTES + 1, 50_000, EVIDENCE_MAX_BYTES + 1, EVIDENCE_MAX_BYTES + 1];
    p.capture.capture = async (opts) => ({ ...(await real(opts)), bytes: new Uint8Array(sizes.shift() ?? 1) });
    p.keys.type('kms\n');
    p.windows.set({ app: 'xterm', title: 'Other' });
    p.keys.type('kms\n');
    await detector.drain();
    expect(p.capture.calls.map((c) => [c.maxWidth, c.quality])).toEqual([
      [1280, 70],
      [1024, 40],
      [1280, 70],
      [1024, 40],
    ]);
    expect(outbox.of('alert').map((a) => a.payload.screenshot?.bytes)).toEqual([50_000, undefined]);
  });

  it('applies a new word list at once', async () => {
    const { p, outbox, wordlist, detector } = await rig();
    p.keys.type('meet me at the skate park\n');
    await wordlist.apply(makeWordlist([{ term: 'skate park', category: 'grooming', severity: 4, match: 'phrase' }]));
    p.keys.type('meet me at the skate park\n');
    await detector.drain();
    expect(outbox.of('alert').map((a) => a.payload.term)).toEqual(['skate park']);
  });

  it('reports a phrase typed last once typing pauses, without waiting for Enter', async () => {
    const { p, outbox, detector } = await rig();
    p.keys.type('i want to kill myself');
    p.clock.advance(4_000);
    await detector.drain();
    expect(outbox.records).toEqual([]);
    p.clock.advance(1_000);
    await detector.drain();
    expect(outbox.of('alert').map((a) => a.payload.term)).toEqual(['kill myself']);
  });

  it('says the keyboard is unavailable when the hook cannot run', async () => {
    const { p, detector } = await rig();
    expect(detector.keyboardState()).toBe('ok');
    p.keys.setStatus('unavailable', 'no XRecord');
    expect(detector.keyboardState()).toBe('unavailable');
  });
});
