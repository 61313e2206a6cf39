import { defaultPolicy } from '@vigil/shared';
import { createEnrolmentTokenResponseSchema, policyResponseSchema } from '@vigil/shared/console';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { TestAgent } from '../agents/testing/test-agent.ts';
import { policies } from '../db/schema/index.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const t = useAdminTestApp();

/**
 * The answer as sent, after checking it against the contract. Not the parsed value: the
 * contract's `policySchema.partial()` fills `idleWarningSeconds: 30` into `overrides` on
 * parse, which would hide whether the server sent only the keys set at that level.
 */
function policyView(response: { json(): unknown }): z.infer<typeof policyResponseSchema> {
  policyResponseSchema.parse(response.json());
  return response.json() as z.infer<typeof policyResponseSchema>;
}

const fieldsOf = (body: { error: { details?: { fields?: Array<{ path: string }> } } }) => (body.error.details?.fields ?? []).map((field) => field.path).sort();

describe('policies', () => {
  it('shows the default before anything is set', async () => {
    const response = await t.call(await t.as('technician'), 'GET', `/api/policies/site/${t.estate.siteId}`);
    expect(response.statusCode).toBe(200);
    expect(policyView(response)).toEqual({ scope: 'site', scopeId: t.estate.siteId, overrides: {}, effective: { ...defaultPolicy } });
  });

  it("replaces a room's overrides: stored as given, audited, in force for its devices and pushed to a connected agent", async () => {
    const tech = await t.as('technician', { site: 'north' });
    const { token } = createEnrolmentTokenResponseSchema.parse(
      (await t.call(tech, 'POST', '/api/enrolment-tokens', { siteId: t.estate.siteId, roomId: t.estate.roomA })).json(),
    );
    const { agent, welcome } = await TestAgent.login(t.agentUrl, { kind: 'enrol', token }, { hostname: 'ict1-pc30' });
    expect(welcome.payload.policy.idleLockMinutes).toBe(0);
    try {
      await t.call(tech, 'PUT', `/api/policies/site/${t.estate.siteId}`, { overrides: { heartbeatSeconds: 45 } });
      const response = await t.call(tech, 'PUT', `/api/policies/room/${t.estate.roomA}`, {
        overrides: { idleLockMinutes: 5, signInTitlePatterns: ['sign in'] },
      });
      expect(response.statusCode).toBe(200);
      const view = policyView(response);
      // Only the keys given: not the defaults the schema would fill in (idleWarningSeconds).
      expect(view.overrides).toEqual({ idleLockMinutes: 5, signInTitlePatterns: ['sign in'] });
      expect(view.effective).toEqual({ ...defaultPolicy, heartbeatSeconds: 45, idleLockMinutes: 5, signInTitlePatterns: ['sign in'] });
      expect((await t.app.policies.forDevice(t.estate.device.a1)).idleLockMinutes).toBe(5);
      expect((await t.app.policies.forDevice(t.estate.device.b1)).idleLockMinutes).toBe(0);
      expect(await t.audited('policy.change', t.estate.roomA)).toMatchObject([
        { actorUserId: tech.user.id, targetType: 'room', detail: { settings: { idleLockMinutes: 5 } } },
      ]);

      let pushed = await agent.next('policy');
      if (pushed.payload.idleLockMinutes !== 5) pushed = await agent.next('policy'); // the site change's push may come first
      expect(pushed.payload).toMatchObject({ idleLockMinutes: 5, heartbeatSeconds: 45 });

      const device = policyView(await t.call(tech, 'GET', `/api/policies/device/${t.estate.device.a1}`));
      expect(device).toMatchObject({ overrides: {}, effective: { idleLockMinutes: 5, heartbeatSeconds: 45 } });
    } finally {
      agent.close();
    }
  });

  it('clears a level with {}', async () => {
    const admin = await t.as('admin');
    await t.call(admin, 'PUT', `/api/policies/device/${t.estate.device.b1}`, { overrides: { captureScreenshots: false } });
    expect((await t.app.policies.forDevice(t.estate.device.b1)).captureScreenshots).toBe(false);
    const cleared = policyView(await t.call(admin, 'PUT', `/api/policies/device/${t.estate.device.b1}`, { overrides: {} }));
    expect(cleared.overrides).toEqual({});
    expect((await t.app.policies.forDevice(t.estate.device.b1)).captureScreenshots).toBe(true);
  });

  it('refuses bad settings naming each field, and stores nothing', async () => {
    const admin = await t.as('admin');
    const rowsBefore = await t.db.select().from(policies);
    const bad = await t.call(admin, 'PUT', `/api/policies/room/${t.estate.roomB}`, { overrides: { idleLockMinutes: -1, colour: 'red' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation-failed');
    expect(fieldsOf(bad.json())).toEqual(['overrides.idleLockMinutes']);
    const unknown = await t.call(admin, 'PUT', `/api/policies/room/${t.estate.roomB}`, { overrides: { colour: 'red' } });
    expect(fieldsOf(unknown.json())).toEqual(['overrides.colour']);
    expect(fieldsOf((await t.call(admin, 'PUT', `/api/policies/room/${t.estate.roomB}`, {})).json())).toEqual(['overrides']);
    expect(fieldsOf((await t.call(admin, 'GET', `/api/policies/building/${t.estate.roomB}`)).json())).toEqual(['scope']);
    // A pattern every agent would run on every title: refused when it could backtrack for ever.
    const catastrophic = await t.call(admin, 'PUT', `/api/policies/room/${t.estate.roomB}`, { overrides: { signInTitlePatterns: ['sign ?in', '(a+)+$'] } });
    expect(catastrophic.statusCode).toBe(400);
    expect(catastrophic.json().error.details.fields).toEqual([
      { path: 'overrides.signInTitlePatterns.1', message: 'pattern may take exponential time: nested quantifier at 4' },
    ]);
    expect(await t.db.select().from(policies)).toEqual(rowsBefore);
  });

  it('answers 404 for an unknown site, room or device', async () => {
    const admin = await t.as('admin');
    expect((await t.call(admin, 'GET', '/api/policies/device/nope')).json().error.code).toBe('device-not-found');
    expect((await t.call(admin, 'PUT', '/api/policies/site/nope', { overrides: {} })).json().error.code).toBe('site-not-found');
    expect((await t.call(admin, 'GET', '/api/policies/room/nope')).statusCode).toBe(404);
  });

  it("keeps site staff off another site's policies", async () => {
    const north = await t.as('dsl', { site: 'north' });
    expect((await t.call(north, 'GET', `/api/policies/site/${t.estate.otherSiteId}`)).statusCode).toBe(403);
    const put = await t.call(north, 'PUT', `/api/policies/device/${t.estate.device.c1}`, { overrides: { idleLockMinutes: 1 } });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.code).toBe('site-forbidden');
    expect((await t.app.policies.forDevice(t.estate.device.c1)).idleLockMinutes).toBe(0);
  });
});
