import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { agentFixtures, collectorFixtures, fixtureTime } from './message.fixtures.ts';
import { agentMessageArb, collectorMessageArb } from './message.arbitraries.ts';
import { MAX_ALERT_TERMS, agentMessageSchema, agentMessageTypes, alertPayloadSchema } from './agent-messages.schema.ts';
import type { AgentMessage } from './agent-messages.schema.ts';
import { collectorMessageSchema, collectorMessageTypes } from './collector-messages.schema.ts';
import { decodeAgentMessage, decodeCollectorMessage } from './decode.ts';
import { encode, makeEnvelope } from './encode.ts';
import { isUlid } from './primitives.schema.ts';
import { utf8Encode } from './text-codec.ts';

describe('every message type round-trips', () => {
  it('has a fixture for every type in each direction', () => {
    expect(Object.keys(agentFixtures).sort()).toEqual([...agentMessageTypes].sort());
    expect(Object.keys(collectorFixtures).sort()).toEqual([...collectorMessageTypes].sort());
  });

  it.each(Object.values(agentFixtures))('agent message $type survives encode → decode, as text and as bytes', (message) => {
    expect(decodeAgentMessage(encode(message))).toEqual({ ok: true, value: message });
    expect(decodeAgentMessage(utf8Encode(encode(message)))).toEqual({ ok: true, value: message });
  });

  it.each(Object.values(collectorFixtures))('collector message $type survives encode → decode, as text and as bytes', (message) => {
    expect(decodeCollectorMessage(encode(message))).toEqual({ ok: true, value: message });
    expect(decodeCollectorMessage(utf8Encode(encode(message)))).toEqual({ ok: true, value: message });
  });

  it('arbitrary valid agent messages round-trip', () => {
    fc.assert(
      fc.property(agentMessageArb, (message) => {
        expect(agentMessageSchema.safeParse(message).success).toBe(true);
        expect(decodeAgentMessage(encode(message))).toEqual({ ok: true, value: message });
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary valid collector messages round-trip', () => {
    fc.assert(
      fc.property(collectorMessageArb, (message) => {
        expect(collectorMessageSchema.safeParse(message).success).toBe(true);
        expect(decodeCollectorMessage(encode(message))).toEqual({ ok: true, value: message });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('alerts carrying every folded term', () => {
  const folded: AgentMessage = makeEnvelope(
    'alert',
    {
      ...agentFixtures.alert.payload,
      term: 'send nudes',
      category: 'grooming',
      severity: 4,
      terms: [
        { term: 'send nudes', category: 'grooming', severity: 4 },
        { term: 'nudes', category: 'sexual-content', severity: 3 },
      ],
    },
    { id: agentFixtures.alert.id, now: () => fixtureTime },
  );

  it('round-trips the optional terms list', () => {
    expect(decodeAgentMessage(encode(folded))).toEqual({ ok: true, value: folded });
  });

  it('an alert without terms (an older agent) still decodes, unchanged', () => {
    const decoded = decodeAgentMessage(encode(agentFixtures.alert));
    expect(decoded).toEqual({ ok: true, value: agentFixtures.alert });
    expect(decoded.ok && decoded.value.type === 'alert' && 'terms' in decoded.value.payload).toBe(false);
  });

  it('an older collector (no terms in its schema) accepts the alert and drops the list', () => {
    const olderSchema = alertPayloadSchema.omit({ terms: true });
    const parsed = olderSchema.safeParse(folded.payload);
    expect(parsed.success).toBe(true);
    expect(parsed.data).not.toHaveProperty('terms');
    expect(parsed.data).toMatchObject({ term: 'send nudes', category: 'grooming', severity: 4 });
  });

  it('refuses a terms list that is empty, too long or holds a bad entry', () => {
    const withTerms = (terms: unknown): string => encode({ ...folded, payload: { ...folded.payload, terms } } as AgentMessage);
    const entry = { term: 'nudes', category: 'sexual-content', severity: 3 };
    expect(decodeAgentMessage(withTerms([])).ok).toBe(false);
    expect(decodeAgentMessage(withTerms(Array.from({ length: MAX_ALERT_TERMS + 1 }, () => entry))).ok).toBe(false);
    expect(decodeAgentMessage(withTerms(Array.from({ length: MAX_ALERT_TERMS }, () => entry))).ok).toBe(true);
    expect(decodeAgentMessage(withTerms([{ ...entry, severity: 9 }])).ok).toBe(false);
    expect(decodeAgentMessage(withTerms([{ ...entry, category: 'Not A Category' }])).ok).toBe(false);
    expect(decodeAgentMessage(withTerms([{ ...entry, term: '' }])).ok).toBe(false);
  });
});

describe('makeEnvelope', () => {
  it('stamps version, a fresh ULID carrying the clock time, and sentAt from the clock', () => {
    const message = makeEnvelope('bye', { reason: 'logout' }, { now: () => fixtureTime });
    expect(message).toMatchObject({ v: 1, type: 'bye', sentAt: fixtureTime, payload: { reason: 'logout' } });
    expect(isUlid(message.id)).toBe(true);
    expect(decodeTime(message.id)).toBe(fixtureTime);
    expect(makeEnvelope('bye', { reason: 'logout' }).id).not.toBe(message.id);
  });

  it('generates distinct, valid ULIDs for messages made in the same millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => makeEnvelope('bye', { reason: 'update' }, { now: () => fixtureTime }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isUlid)).toBe(true);
  });

  it('keeps a given id so an outbox replay carries the same envelope id', () => {
    const { id } = agentFixtures.alert;
    const message: AgentMessage = makeEnvelope('alert', agentFixtures.alert.payload, { id });
    expect(message.id).toBe(id);
    expect(decodeAgentMessage(encode(message))).toEqual({ ok: true, value: message });
  });

  it('builds collector messages the agent decoder accepts', () => {
    const message = makeEnvelope('ack', { ids: [agentFixtures.heartbeat.id] });
    expect(decodeCollectorMessage(encode(message))).toEqual({ ok: true, value: message });
  });
});

describe('hello runId (optional, added after v1)', () => {
  const withRunId = {
    ...agentFixtures.hello,
    payload: { ...agentFixtures.hello.payload, previousExit: 'unclean' as const, runId: '01KDXS0000RVN1D00000000001' },
  };

  it('round-trips the run id', () => {
    expect(decodeAgentMessage(encode(withRunId))).toEqual({ ok: true, value: withRunId });
  });

  it('a hello without one (an older agent) still decodes, unchanged', () => {
    const decoded = decodeAgentMessage(encode(agentFixtures.hello));
    expect(decoded).toEqual({ ok: true, value: agentFixtures.hello });
    expect(decoded.ok && decoded.value.type === 'hello' && 'runId' in decoded.value.payload).toBe(false);
  });

  it('refuses a run id that is not a ULID', () => {
    const bad = { ...withRunId, payload: { ...withRunId.payload, runId: 'run-1' } } as AgentMessage;
    const decoded = decodeAgentMessage(encode(bad));
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.detail).toMatch(/payload\.runId/);
  });
});

describe('heartbeat teacherLockId (optional, added after v1)', () => {
  const beat = (teacherLockId: unknown) =>
    ({ ...agentFixtures.heartbeat, payload: { ...agentFixtures.heartbeat.payload, locked: true, teacherLockId } }) as AgentMessage;

  it('round-trips a lock id and null (no teacher lock on screen)', () => {
    for (const id of ['01KDXS0000L0CK000000000001', null]) expect(decodeAgentMessage(encode(beat(id)))).toEqual({ ok: true, value: beat(id) });
  });

  it('a heartbeat without it (an older agent) still decodes; a bad one is refused', () => {
    expect(decodeAgentMessage(encode(agentFixtures.heartbeat))).toEqual({ ok: true, value: agentFixtures.heartbeat });
    const refused = decodeAgentMessage(encode(beat('')));
    expect(!refused.ok && refused.detail).toMatch(/payload\.teacherLockId/);
  });
});
