import { defaultPolicy } from './policy.schema.ts';
import type { MessageOf, MessageType } from './encode.ts';
import type { AgentMessageType } from './agent-messages.schema.ts';
import type { CollectorMessageType } from './collector-messages.schema.ts';

// One valid message per type, for tests on both sides of the socket. Values sit at
// interesting but legal points (full-length context, optional fields present).

export const fixtureTime = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const sha = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const wordlistVersion = '0f'.repeat(32);

function envelope<T extends MessageType>(type: T, id: string, payload: MessageOf<T>['payload']) {
  return { v: 1 as const, id, type, sentAt: fixtureTime, payload };
}

export const agentFixtures = {
  hello: envelope('hello', '01KDXS0000HE110000000000A1', {
    auth: { kind: 'device', deviceId: '01JD8Z6V4K3M2N1P0Q9R8S7T6V', secret: 's'.repeat(43) },
    agentVersion: '0.1.0',
    os: { platform: 'linux', release: '6.1.0-18-amd64', arch: 'x64' },
    hostname: 'ict-suite-07',
    osUser: 'pupil.jones',
    capabilities: ['keyboard', 'window', 'screenshot', 'lock', 'live', 'idle', 'message'],
    wordlistVersion,
    previousExit: 'clean',
  }),
  heartbeat: envelope('heartbeat', '01KDXS0000HEARTBEAT000000B', {
    uptimeSeconds: 3600,
    locked: false,
    idleSeconds: 12,
    keyboard: 'ok',
    outbox: { pending: 3, bytes: 4096, droppedActivity: 0, droppedAlerts: 0 },
  }),
  activity: envelope('activity', '01KDXS0000ACT1V1TY0000000C', {
    id: '01KDXS0000SPAN000000000001',
    app: 'firefox',
    title: 'Photosynthesis — Wikipedia — Mozilla Firefox',
    url: 'https://en.wikipedia.org/wiki/Photosynthesis',
    osUser: 'pupil.jones',
    start: fixtureTime - 60_000,
    end: fixtureTime,
  }),
  alert: envelope('alert', '01KDXS0000A1ERT00000000000', {
    id: '01KDXS0000H1T0000000000001',
    ts: fixtureTime,
    source: 'typed',
    term: 'example term',
    category: 'self-harm',
    severity: 4,
    context: `${'x'.repeat(100)} example term [redacted]`.slice(0, 120),
    windowTitle: 'Untitled document — Google Docs',
    app: 'chrome',
    url: 'https://docs.google.com/document/d/1',
    osUser: 'pupil.jones',
    screenshot: { sha256: sha, width: 320, height: 180, mime: 'image/jpeg', bytes: 6_144 },
  }),
  'lock-state': envelope('lock-state', '01KDXS000010CKSTATE0000000', {
    id: '01KDXS000010CK000000000001',
    locked: true,
    reason: 'teacher',
    at: fixtureTime,
    lockId: '01KDXS000010CKCMD000000001',
    message: 'Eyes on the board, please.',
  }),
  'idle-state': envelope('idle-state', '01KDXS00001D1E000000000000', {
    id: '01KDXS00001D1E000000000001',
    idle: true,
    at: fixtureTime,
    idleSeconds: 300,
  }),
  'message-shown': envelope('message-shown', '01KDXS0000MSGSH0WN00000000', {
    id: '01KDXS0000MSGSH0WN00000001',
    messageId: '01KDXS0000MSG0000000000001',
    via: 'window',
    at: fixtureTime,
  }),
  frame: envelope('frame', '01KDXS0000FRAME00000000000', { seq: 42, width: 320, height: 180, mime: 'image/webp' }),
  screenshot: envelope('screenshot', '01KDXS0000SCREENSH0T00000D', {
    sha256: sha,
    width: 320,
    height: 180,
    mime: 'image/jpeg',
    alertId: '01KDXS0000H1T0000000000001',
  }),
  bye: envelope('bye', '01KDXS0000BYE0000000000000', { reason: 'shutdown' }),
} satisfies { [T in AgentMessageType]: MessageOf<T> };

export const collectorFixtures = {
  welcome: envelope('welcome', '01KDXS0000WE1C0ME000000000', {
    deviceId: '01JD8Z6V4K3M2N1P0Q9R8S7T6V',
    secret: 'k'.repeat(43),
    policy: { ...defaultPolicy, idleLockMinutes: 10 },
    wordlistVersion,
    serverTime: fixtureTime,
  }),
  ack: envelope('ack', '01KDXS0000ACK0000000000000', { ids: ['01KDXS0000A1ERT00000000000', '01KDXS0000ACT1V1TY0000000C'] }),
  policy: envelope('policy', '01KDXS0000P011CY0000000000', { ...defaultPolicy, noCaptureCategories: ['nudity'] }),
  wordlist: envelope('wordlist', '01KDXS0000W0RD11ST00000000', {
    version: wordlistVersion,
    categories: [{ id: 'self-harm', label: 'Self-harm', severity: 4, restricted: false }],
    terms: [{ term: 'example term', category: 'self-harm', severity: 4, match: 'phrase' }],
    allow: ['scunthorpe'],
  }),
  lock: envelope('lock', '01KDXS000010CK000000000000', {
    on: true,
    lockId: '01KDXS000010CKCMD000000001',
    message: 'Eyes on the board, please.',
    until: fixtureTime + 600_000,
    by: 'Ms Patel',
  }),
  message: envelope('message', '01KDXS0000MESSAGE000000000', {
    id: '01KDXS0000MSG0000000000001',
    text: 'Five minutes left — please save your work.',
    from: 'Ms Patel',
    reportShown: true,
  }),
  live: envelope('live', '01KDXS00001111E00000000000', { on: true, fps: 1, width: 320 }),
  'screenshot-request': envelope('screenshot-request', '01KDXS0000SCRREQ0000000000', {
    requestId: 'req-7',
    width: 1280,
  }),
  error: envelope('error', '01KDXS0000ERR0R00000000000', { code: 'rate-limited', message: 'Slow down.' }),
} satisfies { [T in CollectorMessageType]: MessageOf<T> };
