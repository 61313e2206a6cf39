import { describe, expect, it } from 'vitest';
import { agentFixtures, collectorFixtures } from './message.fixtures.ts';
import { decodeAgentMessage, decodeCollectorMessage } from './decode.ts';
import type { DecodeErrorCode, DecodeResult } from './decode.ts';
import { encode } from './encode.ts';
import type { ProtocolMessage } from './encode.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A deep copy of `message` with the value at `path` replaced (or removed when `value` is undefined). */
function mutate(message: ProtocolMessage, path: string, value?: Json): string {
  const copy = JSON.parse(encode(message)) as { [key: string]: Json };
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let target: Json = copy;
  for (const key of keys) target = (target as { [key: string]: Json })[key] ?? null;
  const parent = target as { [key: string]: Json };
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return JSON.stringify(copy);
}

const { alert, heartbeat, activity, hello } = agentFixtures;
const { welcome, policy, ack, lock, live } = collectorFixtures;

interface Case {
  name: string;
  input: string | Uint8Array;
  code: DecodeErrorCode;
  /** Prefix of the detail; for bad-payload the offending field path. */
  detail?: string;
  side?: 'agent' | 'collector';
  maxBytes?: number;
}

const cases: Case[] = [
  { name: 'text over the 256 KiB agent limit', input: 'x'.repeat(256 * 1024 + 1), code: 'too-large' },
  { name: 'text under the limit in characters but over it in UTF-8 bytes', input: 'é'.repeat(128 * 1024 + 1), code: 'too-large' },
  { name: 'bytes over the 256 KiB agent limit', input: new Uint8Array(256 * 1024 + 1), code: 'too-large' },
  { name: 'bytes over the 16 MiB collector limit', input: new Uint8Array(16 * 1024 * 1024 + 1), code: 'too-large', side: 'collector' },
  { name: 'a valid message over a configured limit', input: encode(alert), code: 'too-large', maxBytes: 100 },
  { name: 'invalid UTF-8 byte', input: new Uint8Array([0x7b, 0xff, 0x7d]), code: 'bad-utf8' },
  { name: 'overlong UTF-8 encoding', input: new Uint8Array([0xc0, 0xaf]), code: 'bad-utf8' },
  { name: 'UTF-8-encoded surrogate', input: new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), code: 'bad-utf8' },
  { name: 'text with a lone surrogate', input: `{"v":1,"x":"\ud800"}`, code: 'bad-utf8' },
  { name: 'empty input', input: '', code: 'not-json' },
  { name: 'bad JSON', input: '{"v":1,', code: 'not-json' },
  { name: 'JSON with a byte-order mark', input: '\ufeff{}', code: 'not-json' },
  { name: 'JSON bytes with a byte-order mark', input: new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), code: 'not-json' },
  { name: 'JSON array', input: '[1,2]', code: 'bad-envelope' },
  { name: 'JSON null', input: 'null', code: 'bad-envelope' },
  { name: 'JSON string', input: '"hello"', code: 'bad-envelope' },
  { name: 'missing v', input: mutate(heartbeat, 'v'), code: 'bad-envelope', detail: 'v:' },
  { name: 'wrong v', input: mutate(heartbeat, 'v', 2), code: 'bad-version' },
  { name: 'v as a string', input: mutate(heartbeat, 'v', '1'), code: 'bad-version' },
  { name: 'a future version with another envelope shape', input: '{"v":2,"kind":"hello"}', code: 'bad-version' },
  { name: 'missing id', input: mutate(heartbeat, 'id'), code: 'bad-envelope', detail: 'id:' },
  { name: 'lower-case ULID', input: mutate(heartbeat, 'id', heartbeat.id.toLowerCase()), code: 'bad-envelope', detail: 'id:' },
  { name: '25-character ULID', input: mutate(heartbeat, 'id', heartbeat.id.slice(1)), code: 'bad-envelope', detail: 'id:' },
  { name: 'ULID with U (not Crockford)', input: mutate(heartbeat, 'id', `${heartbeat.id.slice(0, 25)}U`), code: 'bad-envelope' },
  { name: 'ULID past the 48-bit time range', input: mutate(heartbeat, 'id', `8${heartbeat.id.slice(1)}`), code: 'bad-envelope' },
  { name: 'ULID with NUL', input: mutate(heartbeat, 'id', `${heartbeat.id.slice(0, 25)}\u0000`), code: 'bad-envelope' },
  { name: 'fractional sentAt', input: mutate(heartbeat, 'sentAt', 1.5), code: 'bad-envelope', detail: 'sentAt:' },
  { name: 'negative sentAt', input: mutate(heartbeat, 'sentAt', -1), code: 'bad-envelope', detail: 'sentAt:' },
  { name: 'sentAt out of range (1e400 parses as Infinity)', input: encode(heartbeat).replace(/"sentAt":\d+/, '"sentAt":1e400'), code: 'bad-envelope' },
  { name: 'missing payload', input: mutate(heartbeat, 'payload'), code: 'bad-envelope', detail: 'payload:' },
  { name: 'type that is not a string', input: mutate(heartbeat, 'type', 7), code: 'bad-envelope', detail: 'type:' },
  { name: 'unknown type', input: mutate(heartbeat, 'type', 'nope'), code: 'unknown-type' },
  { name: 'prototype key as type', input: mutate(heartbeat, 'type', '__proto__'), code: 'unknown-type' },
  { name: 'constructor as type', input: mutate(heartbeat, 'type', 'constructor'), code: 'unknown-type' },
  { name: 'collector type sent by an agent', input: encode(welcome), code: 'unknown-type', detail: 'unknown message type "welcome" (a collector' },
  { name: 'agent type sent by the collector', input: encode(alert), code: 'unknown-type', side: 'collector' },
  { name: 'payload that is not an object', input: mutate(heartbeat, 'payload', 'ok'), code: 'bad-payload', detail: 'payload:' },
  { name: 'missing field', input: mutate(alert, 'payload.term'), code: 'bad-payload', detail: 'payload.term:' },
  { name: 'wrong field type', input: mutate(heartbeat, 'payload.locked', 'no'), code: 'bad-payload', detail: 'payload.locked:' },
  { name: 'negative count', input: mutate(heartbeat, 'payload.outbox.pending', -1), code: 'bad-payload', detail: 'payload.outbox.pending:' },
  { name: 'overlong context', input: mutate(alert, 'payload.context', 'c'.repeat(121)), code: 'bad-payload', detail: 'payload.context:' },
  { name: 'bad ULID in a payload', input: mutate(alert, 'payload.id', 'not-a-ulid'), code: 'bad-payload', detail: 'payload.id:' },
  { name: 'upper-case sha256', input: mutate(alert, 'payload.screenshot.sha256', 'A'.repeat(64)), code: 'bad-payload', detail: 'payload.screenshot.sha256:' },
  { name: 'short sha256', input: mutate(alert, 'payload.screenshot.sha256', 'a'.repeat(63)), code: 'bad-payload', detail: 'payload.screenshot.sha256:' },
  {
    name: 'screenshot over 10 MiB',
    input: mutate(alert, 'payload.screenshot.bytes', 10 * 1024 * 1024 + 1),
    code: 'bad-payload',
    detail: 'payload.screenshot.bytes:',
  },
  { name: 'severity 6', input: mutate(alert, 'payload.severity', 6), code: 'bad-payload', detail: 'payload.severity:' },
  { name: 'bad category id', input: mutate(alert, 'payload.category', 'Self Harm'), code: 'bad-payload', detail: 'payload.category:' },
  { name: 'unknown alert source', input: mutate(alert, 'payload.source', 'clipboard'), code: 'bad-payload', detail: 'payload.source:' },
  { name: 'NUL in context', input: mutate(alert, 'payload.context', 'a\u0000b'), code: 'bad-payload', detail: 'payload.context:' },
  {
    name: 'escaped lone surrogate in a title',
    input: encode(alert).replace('"windowTitle":"', '"windowTitle":"\\ud800'),
    code: 'bad-payload',
    detail: 'payload.windowTitle:',
  },
  { name: 'activity ending before it starts', input: mutate(activity, 'payload.end', activity.payload.start - 1), code: 'bad-payload', detail: 'payload.end:' },
  {
    name: 'enrolment token too short',
    input: mutate(hello, 'payload.auth', { kind: 'enrol', token: 'short' }),
    code: 'bad-payload',
    detail: 'payload.auth.token:',
  },
  { name: 'device id that is not a UUID', input: mutate(hello, 'payload.auth.deviceId', 'device-7'), code: 'bad-payload', detail: 'payload.auth.deviceId:' },
  { name: 'unknown capability', input: mutate(hello, 'payload.capabilities', ['telepathy']), code: 'bad-payload', detail: 'payload.capabilities.0:' },
  {
    name: 'invalid regex in signInTitlePatterns',
    input: mutate(policy, 'payload.signInTitlePatterns', ['ok', 'sign(in']),
    code: 'bad-payload',
    detail: 'payload.signInTitlePatterns.1:',
    side: 'collector',
  },
  {
    name: 'invalid regex in the welcome policy',
    input: mutate(welcome, 'payload.policy.signInTitlePatterns', ['[']),
    code: 'bad-payload',
    detail: 'payload.policy.signInTitlePatterns.0:',
    side: 'collector',
  },
  {
    name: 'heartbeat every second',
    input: mutate(policy, 'payload.heartbeatSeconds', 1),
    code: 'bad-payload',
    detail: 'payload.heartbeatSeconds:',
    side: 'collector',
  },
  { name: 'empty ack', input: mutate(ack, 'payload.ids', []), code: 'bad-payload', detail: 'payload.ids:', side: 'collector' },
  {
    name: 'ack of 1001 ids',
    input: mutate(
      ack,
      'payload.ids',
      Array.from({ length: 1001 }, () => ack.id),
    ),
    code: 'bad-payload',
    detail: 'payload.ids:',
    side: 'collector',
  },
  { name: 'lock id with NUL', input: mutate(lock, 'payload.lockId', 'lock\u00001'), code: 'bad-payload', detail: 'payload.lockId:', side: 'collector' },
  { name: 'live at 20 fps', input: mutate(live, 'payload.fps', 20), code: 'bad-payload', detail: 'payload.fps:', side: 'collector' },
];

function decode(testCase: Case): DecodeResult<unknown> {
  const options = testCase.maxBytes === undefined ? {} : { maxBytes: testCase.maxBytes };
  return testCase.side === 'collector' ? decodeCollectorMessage(testCase.input, options) : decodeAgentMessage(testCase.input, options);
}

describe('malformed messages get stable error codes', () => {
  it.each(cases)('$name → $code', (testCase) => {
    const result = decode(testCase);
    expect(result).toMatchObject({ ok: false, code: testCase.code });
    if (!result.ok && testCase.detail !== undefined) expect(result.detail.startsWith(testCase.detail)).toBe(true);
  });

  it('counts the size limit in bytes, accepting a message of exactly maxBytes', () => {
    const text = encode(heartbeat);
    expect(decodeAgentMessage(text, { maxBytes: text.length }).ok).toBe(true);
    expect(decodeAgentMessage(text, { maxBytes: text.length - 1 })).toMatchObject({ code: 'too-large' });
  });

  it('keeps details short even when the input is huge', () => {
    const result = decodeAgentMessage(`{"v":1,${'x'.repeat(100_000)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail.length).toBeLessThanOrEqual(200);
  });

  it('ignores unknown fields, so a newer peer can add optional ones', () => {
    const withExtra = mutate(heartbeat, 'payload.battery', 80);
    expect(decodeAgentMessage(withExtra)).toEqual({ ok: true, value: heartbeat });
  });

  it('fills idleWarningSeconds with its default of 30 when a policy omits it', () => {
    const result = decodeCollectorMessage(mutate(policy, 'payload.idleWarningSeconds'));
    expect(result.ok && result.value.type === 'policy' && result.value.payload.idleWarningSeconds).toBe(30);
  });
});
