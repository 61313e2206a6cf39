import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { agentFixtures, collectorFixtures, fixtureTime } from './message.fixtures.ts';
import { agentMessageArb, collectorMessageArb } from './message.arbitraries.ts';
import { agentMessageSchema, agentMessageTypes } from './agent-messages.schema.ts';
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
