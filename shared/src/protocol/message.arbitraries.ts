import fc from 'fast-check';
import { MAX_EPOCH_MS, MAX_SCREENSHOT_BYTES } from './primitives.schema.ts';
import { defaultPolicy } from './policy.schema.ts';
import type { Policy } from './policy.schema.ts';
import { sanitizeText } from './text-codec.ts';
import { MAX_ALERT_TERMS, type AgentMessage } from './agent-messages.schema.ts';
import type { CollectorMessage } from './collector-messages.schema.ts';
import type { MessageOf, MessageType } from './encode.ts';

// fast-check arbitraries producing only valid messages, for property tests here and in
// the agent / collector (outbox replay, ingest idempotence).

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const ulidArb = fc
  .tuple(fc.constantFrom(...'01234567'), fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 25, maxLength: 25 }))
  .map(([head, tail]) => head + tail);
export const hex64Arb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
export const epochArb = fc.integer({ min: 0, max: MAX_EPOCH_MS });
const countArb = fc.maxSafeNat();
const pixelsArb = fc.integer({ min: 1, max: 16_384 });
const mimeArb = fc.constantFrom('image/jpeg' as const, 'image/png' as const, 'image/webp' as const);
const categoryArb = fc.stringMatching(/^[a-z][a-z0-9-]{1,39}$/);
const severityArb = fc.integer({ min: 1, max: 5 });

/** Any Unicode text (astral planes included) of `min`..`max` UTF-16 code units. */
export function textArb(max: number, min = 0): fc.Arbitrary<string> {
  return fc
    .oneof(fc.string({ unit: 'binary', minLength: min, maxLength: max }), fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }))
    .map((raw) => sanitizeText(raw, max))
    .filter((text) => text.length >= min);
}

function tokenArb(min: number, max: number): fc.Arbitrary<string> {
  const printable = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
  return fc.string({ unit: printable, minLength: min, maxLength: max });
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const titlePatternArb = fc.oneof(fc.constantFrom(...defaultPolicy.signInTitlePatterns), textArb(60, 1).map(escapeRegex));

export const policyArb: fc.Arbitrary<Policy> = fc.record(
  {
    idleLockMinutes: fc.integer({ min: 0, max: 240 }),
    idleWarningSeconds: fc.integer({ min: 0, max: 300 }),
    aupText: textArb(20_000),
    aupVersion: textArb(64, 1),
    showAupOnLogin: fc.boolean(),
    signInTitlePatterns: fc.array(titlePatternArb, { maxLength: 10 }),
    captureScreenshots: fc.boolean(),
    noCaptureCategories: fc.array(categoryArb, { maxLength: 5 }),
    alertCooldownSeconds: fc.integer({ min: 0, max: 86_400 }),
    heartbeatSeconds: fc.integer({ min: 5, max: 300 }),
  },
  {
    requiredKeys: [
      'idleLockMinutes',
      'idleWarningSeconds',
      'aupText',
      'aupVersion',
      'showAupOnLogin',
      'signInTitlePatterns',
      'captureScreenshots',
      'noCaptureCategories',
      'alertCooldownSeconds',
      'heartbeatSeconds',
    ],
  },
);

function envelopeArb<T extends MessageType>(type: T, payload: fc.Arbitrary<MessageOf<T>['payload']>) {
  return fc.record({ v: fc.constant(1 as const), id: ulidArb, type: fc.constant(type), sentAt: epochArb, payload });
}

const spanArb = fc.tuple(epochArb, epochArb).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

export const agentMessageArb: fc.Arbitrary<AgentMessage> = fc.oneof(
  envelopeArb(
    'hello',
    fc.record(
      {
        auth: fc.oneof(
          fc.record({ kind: fc.constant('enrol' as const), token: tokenArb(16, 128) }),
          fc.record({ kind: fc.constant('device' as const), deviceId: ulidArb, secret: tokenArb(32, 128) }),
        ),
        agentVersion: textArb(64, 1),
        os: fc.record({ platform: textArb(64, 1), release: textArb(128), arch: textArb(32, 1) }),
        hostname: textArb(255, 1),
        osUser: textArb(256),
        capabilities: fc.uniqueArray(fc.constantFrom('keyboard', 'window', 'url', 'screenshot', 'lock', 'live', 'idle', 'message' as const)),
        wordlistVersion: hex64Arb,
        previousExit: fc.constantFrom('clean' as const, 'unclean' as const, 'first-run' as const),
        runId: ulidArb,
      },
      { requiredKeys: ['auth', 'agentVersion', 'os', 'hostname', 'osUser', 'capabilities', 'previousExit'] },
    ),
  ),
  envelopeArb(
    'heartbeat',
    fc.record(
      {
        uptimeSeconds: countArb,
        locked: fc.boolean(),
        idleSeconds: countArb,
        keyboard: fc.constantFrom('ok' as const, 'paused' as const, 'unavailable' as const),
        outbox: fc.record({ pending: countArb, bytes: countArb, droppedActivity: countArb, droppedAlerts: countArb }),
        teacherLockId: fc.option(ulidArb, { nil: null }),
        degraded: fc.record({ reason: fc.constantFrom('ENOSPC', 'EDQUOT', 'EIO'), since: epochArb, heldInMemory: countArb }),
      },
      { requiredKeys: ['uptimeSeconds', 'locked', 'idleSeconds', 'keyboard', 'outbox'] },
    ),
  ),
  envelopeArb(
    'activity',
    fc
      .tuple(
        spanArb,
        fc.record(
          {
            id: ulidArb,
            app: textArb(256),
            title: textArb(1024),
            url: textArb(2048),
            osUser: textArb(256),
          },
          { requiredKeys: ['id', 'app', 'title', 'osUser'] },
        ),
      )
      .map(([[start, end], span]) => ({ ...span, start, end })),
  ),
  envelopeArb(
    'alert',
    fc.record(
      {
        id: ulidArb,
        ts: epochArb,
        source: fc.constantFrom('typed' as const, 'title' as const, 'url' as const),
        term: textArb(200, 1),
        category: categoryArb,
        severity: severityArb,
        terms: fc.array(fc.record({ term: textArb(200, 1), category: categoryArb, severity: severityArb }), { minLength: 1, maxLength: MAX_ALERT_TERMS }),
        context: textArb(120),
        windowTitle: textArb(1024),
        app: textArb(256),
        url: textArb(2048),
        osUser: textArb(256),
        screenshot: fc.record({
          sha256: hex64Arb,
          width: pixelsArb,
          height: pixelsArb,
          mime: mimeArb,
          bytes: fc.integer({ min: 1, max: MAX_SCREENSHOT_BYTES }),
        }),
      },
      { requiredKeys: ['id', 'ts', 'source', 'term', 'category', 'severity', 'context', 'windowTitle', 'app', 'osUser'] },
    ),
  ),
  envelopeArb(
    'lock-state',
    fc.record(
      {
        id: ulidArb,
        locked: fc.boolean(),
        reason: fc.constantFrom('idle' as const, 'teacher' as const, 'os' as const, 'startup' as const),
        at: epochArb,
        lockId: tokenArb(1, 64),
        message: textArb(500),
      },
      { requiredKeys: ['id', 'locked', 'reason', 'at'] },
    ),
  ),
  envelopeArb('idle-state', fc.record({ id: ulidArb, idle: fc.boolean(), at: epochArb, idleSeconds: countArb })),
  envelopeArb(
    'message-shown',
    fc.record({
      id: ulidArb,
      messageId: ulidArb,
      via: fc.constantFrom('notification' as const, 'window' as const, 'none' as const),
      at: epochArb,
    }),
  ),
  envelopeArb(
    'frame',
    fc.record(
      {
        seq: countArb,
        width: pixelsArb,
        height: pixelsArb,
        mime: mimeArb,
        unchanged: fc.boolean(),
      },
      { requiredKeys: ['seq', 'width', 'height', 'mime'] },
    ),
  ),
  envelopeArb(
    'screenshot',
    fc.record(
      {
        sha256: hex64Arb,
        width: pixelsArb,
        height: pixelsArb,
        mime: mimeArb,
        alertId: ulidArb,
      },
      { requiredKeys: ['sha256', 'width', 'height', 'mime'] },
    ),
  ),
  envelopeArb('bye', fc.record({ reason: fc.constantFrom('shutdown' as const, 'restart' as const, 'update' as const, 'logout' as const) })),
);

export const collectorMessageArb: fc.Arbitrary<CollectorMessage> = fc.oneof(
  envelopeArb(
    'welcome',
    fc.record(
      {
        deviceId: ulidArb,
        secret: tokenArb(32, 128),
        policy: policyArb,
        wordlistVersion: hex64Arb,
        serverTime: epochArb,
      },
      { requiredKeys: ['deviceId', 'policy', 'wordlistVersion', 'serverTime'] },
    ),
  ),
  envelopeArb('ack', fc.record({ ids: fc.array(ulidArb, { minLength: 1, maxLength: 50 }) })),
  envelopeArb('policy', policyArb),
  envelopeArb(
    'wordlist',
    fc.record({
      version: hex64Arb,
      categories: fc.array(fc.record({ id: categoryArb, label: textArb(80, 1), severity: severityArb, restricted: fc.boolean() }), { maxLength: 5 }),
      terms: fc.array(
        fc.record({
          term: textArb(200, 1),
          category: categoryArb,
          severity: severityArb,
          match: fc.constantFrom('word' as const, 'phrase' as const, 'substring' as const),
        }),
        { maxLength: 20 },
      ),
      allow: fc.array(textArb(200, 1), { maxLength: 5 }),
    }),
  ),
  envelopeArb(
    'lock',
    fc.record(
      {
        on: fc.boolean(),
        lockId: tokenArb(1, 64),
        message: textArb(500),
        until: epochArb,
        by: textArb(200),
      },
      { requiredKeys: ['on', 'lockId'] },
    ),
  ),
  envelopeArb(
    'message',
    fc.record({ id: ulidArb, text: textArb(2000, 1), from: textArb(200), reportShown: fc.boolean() }, { requiredKeys: ['id', 'text', 'from'] }),
  ),
  envelopeArb(
    'live',
    fc.record({
      on: fc.boolean(),
      fps: fc.double({ min: 0.1, max: 10, noNaN: true }),
      width: fc.integer({ min: 64, max: 1920 }),
    }),
  ),
  envelopeArb('screenshot-request', fc.record({ requestId: tokenArb(1, 64), width: fc.integer({ min: 64, max: 3840 }) })),
  envelopeArb('error', fc.record({ code: tokenArb(1, 64), message: textArb(500) })),
);
