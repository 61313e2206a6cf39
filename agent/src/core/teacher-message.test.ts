import { describe, expect, it } from 'vitest';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { showTeacherMessage } from './teacher-message.ts';
import { RecordingOutbox, silentLog } from './test-kit/core-test-kit.ts';

const MESSAGE = { id: '01KDXS0000MSG0000000000001', text: 'Five minutes left', from: 'Ms Khan' };

describe('showTeacherMessage', () => {
  it('shows the message and queues a message-shown saying where it went', async () => {
    const p = createFakePlatform();
    p.notifier.via = 'window';
    const outbox = new RecordingOutbox();
    await showTeacherMessage({ notifier: p.notifier, clock: p.clock, outbox, log: silentLog }, { ...MESSAGE, reportShown: true });
    expect(p.notifier.messages).toEqual([{ title: 'Message from Ms Khan', body: 'Five minutes left' }]);
    const shown = outbox.of('message-shown');
    expect(shown.map((m) => m.payload)).toEqual([{ id: expect.any(String) as string, messageId: MESSAGE.id, via: 'window', at: p.clock.now() }]);
    expect(shown[0]?.id).toBe(shown[0]?.payload.id);
  });

  it('reports "none" when nothing could show it', async () => {
    const p = createFakePlatform();
    p.notifier.via = 'none';
    const outbox = new RecordingOutbox();
    await showTeacherMessage({ notifier: p.notifier, clock: p.clock, outbox, log: silentLog }, { ...MESSAGE, from: '', reportShown: true });
    expect(p.notifier.messages[0]?.title).toBe('Message from your teacher');
    expect(outbox.of('message-shown').map((m) => m.payload.via)).toEqual(['none']);
  });

  it('reports nothing to a collector that did not ask (older collectors refuse unknown messages), or when the notifier cannot tell', async () => {
    const p = createFakePlatform();
    p.notifier.via = 'window';
    const outbox = new RecordingOutbox();
    await showTeacherMessage({ notifier: p.notifier, clock: p.clock, outbox, log: silentLog }, MESSAGE);
    p.notifier.via = undefined;
    await showTeacherMessage({ notifier: p.notifier, clock: p.clock, outbox, log: silentLog }, { ...MESSAGE, reportShown: true });
    expect(p.notifier.messages).toHaveLength(2);
    expect(outbox.records).toEqual([]);
  });
});
