import { describe, expect, it } from 'vitest';
import { decodeHelperMessage, decodeReplyValue } from './session.protocol.ts';
import { decodeServiceMessage, encodeLine, LineSplitter } from './session.wire.ts';

describe('session protocol codec', () => {
  it('a message survives encode → split → decode, newlines in strings included', () => {
    const line = encodeLine({ t: 'window', win: { app: 'xterm', title: 'two\nlines' } });
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const { lines } = new LineSplitter().push(Buffer.from(line));
    expect(lines).toHaveLength(1);
    expect(decodeHelperMessage(lines[0] ?? '')).toEqual({ ok: true, value: { t: 'window', win: { app: 'xterm', title: 'two\nlines' } } });
  });

  it('lines split anywhere, even inside a multi-byte character, come out whole', () => {
    const bytes = Buffer.from(encodeLine({ t: 'key', k: 'é' }) + encodeLine({ t: 'key', k: '€' }));
    const splitter = new LineSplitter();
    const lines = [...bytes].flatMap((b) => splitter.push(Buffer.from([b])).lines);
    expect(lines.map((l) => decodeHelperMessage(l))).toEqual([
      { ok: true, value: { t: 'key', k: 'é' } },
      { ok: true, value: { t: 'key', k: '€' } },
    ]);
  });

  it('a line longer than the bound is refused instead of buffered', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from('{"t":"key"'))).toEqual({ lines: [], overflow: false });
    expect(splitter.push(Buffer.from('x'))).toEqual({ lines: [], overflow: true });
    expect(new LineSplitter(10).push(Buffer.from('ok\n0123456789ABC\n')).overflow).toBe(true);
  });

  it('bad input is a result with a code, never a throw', () => {
    expect(decodeHelperMessage('not json')).toEqual({ ok: false, code: 'not-json' });
    expect(decodeHelperMessage('{"t":"key","k":""}')).toEqual({ ok: false, code: 'invalid-message' });
    expect(decodeHelperMessage(`{"t":"key","k":"${'a'.repeat(33)}"}`)).toEqual({ ok: false, code: 'invalid-message' });
    expect(decodeHelperMessage('{"t":"shell","cmd":"rm -rf /"}')).toEqual({ ok: false, code: 'invalid-message' });
    expect(decodeServiceMessage('{"t":"request","id":0,"req":{"op":"ping"}}')).toEqual({ ok: false, code: 'invalid-message' });
  });

  it('replies decode by the shape of their request', () => {
    expect(decodeHelperMessage('{"t":"reply","id":3,"ok":false,"error":"no daemon"}')).toEqual({
      ok: true,
      value: { t: 'reply', id: 3, ok: false, error: 'no daemon' },
    });
    expect(decodeReplyValue('idle-seconds', 12.5)).toBe(12.5);
    expect(decodeReplyValue('idle-seconds', -1)).toBeUndefined();
    expect(decodeReplyValue('is-locked', 'yes')).toBeUndefined();
    expect(decodeReplyValue('current-window', null)).toBeNull();
    expect(decodeReplyValue('capture', { base64: 'AAEC', width: 1, height: 1, mime: 'image/jpeg' })).toEqual({
      base64: 'AAEC',
      width: 1,
      height: 1,
      mime: 'image/jpeg',
    });
    expect(decodeReplyValue('capture', { base64: 'not base64!', width: 1, height: 1, mime: 'image/jpeg' })).toBeUndefined();
    expect(decodeReplyValue('capture', { base64: 'AAEC', width: 1, height: 1, mime: 'text/html' })).toBeUndefined();
  });

  it('requests carry only what each operation needs', () => {
    const line = encodeLine({ t: 'request', id: 7, req: { op: 'lock', request: { message: 'Eyes front', reason: 'teacher' } } });
    expect(decodeServiceMessage(line.trim())).toEqual({
      ok: true,
      value: { t: 'request', id: 7, req: { op: 'lock', request: { message: 'Eyes front', reason: 'teacher' } } },
    });
    expect(decodeServiceMessage('{"t":"request","id":1,"req":{"op":"capture","maxWidth":0}}').ok).toBe(false);
  });

  it('the helper checks each request by hand, bounds included, and drops fields it does not know', () => {
    const ok = (req: unknown) => decodeServiceMessage(JSON.stringify({ t: 'request', id: 1, req }));
    expect(ok({ op: 'capture', maxWidth: 320, quality: 60, extra: 'x' })).toEqual({
      ok: true,
      value: { t: 'request', id: 1, req: { op: 'capture', maxWidth: 320, quality: 60 } },
    });
    expect(ok({ op: 'notify', title: 'Hi', body: 'Eyes front', countdownTo: 5, notice: true })).toEqual({
      ok: true,
      value: { t: 'request', id: 1, req: { op: 'notify', title: 'Hi', body: 'Eyes front', countdownTo: 5, notice: true } },
    });
    expect(ok({ op: 'lock' })).toEqual({ ok: true, value: { t: 'request', id: 1, req: { op: 'lock' } } });
    for (const bad of [
      { op: 'shell', cmd: 'id' },
      { op: 'toString' },
      { op: 'capture', maxWidth: 7_681 },
      { op: 'capture', maxWidth: 320, quality: 0 },
      { op: 'notify', title: 'x'.repeat(513), body: '' },
      { op: 'notify', title: 'Hi' },
      { op: 'lock', request: { reason: 'bored' } },
      { op: 'lock', request: { until: -1 } },
      { op: 'lock', request: 'now' },
    ]) {
      expect(ok(bad)).toEqual({ ok: false, code: 'invalid-message' });
    }
    expect(decodeServiceMessage('{"t":"request","id":1.5,"req":{"op":"ping"}}')).toEqual({ ok: false, code: 'invalid-message' });
    expect(decodeServiceMessage('{"t":"reply","id":1,"req":{"op":"ping"}}')).toEqual({ ok: false, code: 'invalid-message' });
    expect(decodeServiceMessage('{')).toEqual({ ok: false, code: 'not-json' });
  });
});
