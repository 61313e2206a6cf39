import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '@vigil/shared/protocol';
import { FakeNotifier } from '@vigil/agent/platform/fake';
import { AupAckStore } from './aup-ack.store.ts';
import { AUP_NOTICE_TITLE, AupNoticeService } from './aup-notice.service.ts';
import { realClock, silentLog } from './test-kit/core-test-kit.ts';

let dir: string;
let store: AupAckStore;
let notifier: FakeNotifier;
let policy: Policy;
let user: string;

function service(): AupNoticeService {
  return new AupNoticeService({ notifier, store, policy: () => policy, osUser: () => user, clock: realClock, log: silentLog });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-aup-'));
  store = new AupAckStore(dir);
  notifier = new FakeNotifier();
  notifier.via = 'window';
  policy = { ...defaultPolicy, showAupOnLogin: true, aupVersion: '2026-09', aupText: 'This computer is monitored.' };
  user = 'amira';
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the acceptable-use notice on the headless agent', () => {
  it('shows the notice once per user and version, as a notice that stays until it is acknowledged', async () => {
    expect(await service().check()).toBe('shown');
    expect(notifier.messages).toEqual([{ title: AUP_NOTICE_TITLE, body: 'This computer is monitored.', notice: true }]);
    expect(await store.acknowledged('amira', '2026-09')).toBe(true);
    // A restart of the agent: recorded, so not again.
    expect(await service().check()).toBe('seen');
    // Another pupil signs in on the same PC.
    user = 'ben';
    expect(await service().check()).toBe('shown');
    // The school publishes a new version: everyone sees it again.
    policy = { ...policy, aupVersion: '2027-01', aupText: 'New rules.' };
    user = 'amira';
    expect(await service().check()).toBe('shown');
    expect(notifier.messages.map((m) => m.body)).toEqual(['This computer is monitored.', 'This computer is monitored.', 'New rules.']);
  });

  it('does nothing when the policy does not ask for it or nobody is signed in', async () => {
    policy = { ...policy, showAupOnLogin: false };
    expect(await service().check()).toBe('off');
    policy = { ...policy, showAupOnLogin: true };
    user = '';
    expect(await service().check()).toBe('nobody');
    expect(notifier.messages).toEqual([]);
  });

  it('records nothing when nothing could show it, and tries again at the next check', async () => {
    notifier.via = 'none';
    const aup = service();
    expect(await aup.check()).toBe('not-shown');
    expect(await store.acknowledged('amira', '2026-09')).toBe(false);
    notifier.via = 'window';
    expect(await aup.check()).toBe('shown');
    expect(notifier.messages).toHaveLength(2);
  });

  it('a state folder that cannot record it still shows it once per run, and a damaged record shows it again', async () => {
    const failing = {
      acknowledged: (u: string, v: string) => store.acknowledged(u, v),
      record: () => Promise.reject(new Error('ENOSPC: no space left on device')),
    };
    const aup = new AupNoticeService({ notifier, store: failing, policy: () => policy, osUser: () => user, clock: realClock, log: silentLog });
    expect(await aup.check()).toBe('shown');
    expect(await aup.check()).toBe('seen');
    expect(notifier.messages).toHaveLength(1);

    await store.record('ben', '2026-09', 1);
    await writeFile(store.fileFor('ben'), '{not json');
    user = 'ben';
    expect(await service().check()).toBe('shown');
  });

  it('two checks at once (a policy and a new session together) show one notice', async () => {
    const aup = service();
    const results = await Promise.all([aup.check(), aup.check()]);
    expect(results.sort()).toEqual(['seen', 'shown']);
    expect(notifier.messages).toHaveLength(1);
  });
});
