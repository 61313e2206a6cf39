import { describe, expect, it } from 'vitest';
import { decodeBinary, type BinaryMessage } from '@vigil/shared/protocol';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { LiveService } from './live.service.ts';
import { silentLog } from './test-kit/core-test-kit.ts';

function rig(connected = true) {
  const p = createFakePlatform();
  const sent: { envelope: BinaryMessage; bytes: number }[] = [];
  const live = new LiveService({
    capture: p.capture,
    clock: p.clock,
    log: silentLog,
    send: (frame) => {
      const decoded = decodeBinary(frame);
      if (!decoded.ok) throw new Error(decoded.detail);
      if (connected) sent.push({ envelope: decoded.value.envelope, bytes: decoded.value.bytes.byteLength });
      return connected;
    },
  });
  return { p, live, sent };
}

describe('LiveService', () => {
  it('streams at the asked rate and width only while asked, sending unchanged screens as markers', async () => {
    const { p, live, sent } = rig();
    await p.clock.advanceAsync(5_000);
    expect(sent).toEqual([]);
    live.handle({ on: true, fps: 2, width: 320 });
    const step = async (ms: number) => {
      await p.clock.advanceAsync(ms);
      await live.settled();
    };
    await step(0);
    await step(500);
    p.capture.scene = 1;
    await step(500);
    live.handle({ on: false, fps: 2, width: 320 });
    await p.clock.advanceAsync(5_000);
    expect(sent.map((s) => [s.envelope.type, s.envelope.payload.width, 'unchanged' in s.envelope.payload, s.bytes > 0])).toEqual([
      ['frame', 320, false, true],
      ['frame', 320, true, false],
      ['frame', 320, false, true],
    ]);
    expect(sent.map((s) => ('seq' in s.envelope.payload ? s.envelope.payload.seq : -1))).toEqual([0, 1, 2]);
    expect(p.capture.calls.every((c) => c.maxWidth === 320)).toBe(true);
    expect(live.streaming).toBe(false);
  });

  it('sends a full frame again after the width changes', async () => {
    const { p, live, sent } = rig();
    live.handle({ on: true, fps: 1, width: 320 });
    await p.clock.advanceAsync(0);
    await live.settled();
    live.handle({ on: true, fps: 1, width: 640 });
    await p.clock.advanceAsync(1_000);
    await live.settled();
    live.stop();
    expect(sent.map((s) => [s.envelope.payload.width, s.bytes > 0])).toEqual([
      [320, true],
      [640, true],
    ]);
  });

  it('answers a screenshot request with one capture at the asked width', async () => {
    const { live, sent } = rig();
    await live.screenshot({ requestId: 'r1', width: 800 });
    expect(sent.map((s) => [s.envelope.type, s.envelope.payload.width])).toEqual([['screenshot', 800]]);
  });
});
