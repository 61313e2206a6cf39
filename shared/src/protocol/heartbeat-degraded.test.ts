import { describe, expect, it } from 'vitest';
import { agentFixtures } from './message.fixtures.ts';
import { heartbeatPayloadSchema, type AgentMessage } from './agent-messages.schema.ts';
import { decodeAgentMessage } from './decode.ts';
import { encode } from './encode.ts';

// `degraded` (optional, added after v1): the agent's state folder refuses writes (full disk).
describe('heartbeat degraded', () => {
  const beat = (degraded: unknown) => ({ ...agentFixtures.heartbeat, payload: { ...agentFixtures.heartbeat.payload, degraded } }) as AgentMessage;
  const ok = { reason: 'ENOSPC', since: 1_760_000_000_000, heldInMemory: 12 };

  it('round-trips the reason, since and the records held in memory', () => {
    expect(decodeAgentMessage(encode(beat(ok)))).toEqual({ ok: true, value: beat(ok) });
  });

  it('a heartbeat without it (an older agent) still decodes, and an older collector strips it', () => {
    expect(decodeAgentMessage(encode(agentFixtures.heartbeat))).toEqual({ ok: true, value: agentFixtures.heartbeat });
    const older = heartbeatPayloadSchema.omit({ degraded: true });
    const stripped = older.parse({ ...agentFixtures.heartbeat.payload, degraded: ok });
    expect('degraded' in stripped).toBe(false);
  });

  it('refuses a malformed one', () => {
    for (const bad of [{ ...ok, reason: '' }, { ...ok, heldInMemory: -1 }, { reason: 'ENOSPC' }, 'ENOSPC']) {
      const refused = decodeAgentMessage(encode(beat(bad)));
      expect(!refused.ok && refused.detail).toMatch(/payload\.degraded/);
    }
  });
});
