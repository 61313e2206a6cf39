import { createEnrolmentTokenResponseSchema, enrolmentTokenRowSchema, enrolmentTokensResponseSchema } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { helloMessage, TestAgent } from '../agents/testing/test-agent.ts';
import { devices, enrolmentTokens } from '../db/schema/index.ts';
import { hashSecret } from '../security/secrets.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const t = useAdminTestApp();

const dayMs = 24 * 60 * 60_000;

describe('enrolment tokens', () => {
  it('creates a token, shown once, that really enrols an agent into the room', async () => {
    const tech = await t.as('technician', { site: 'north' });
    const before = Date.now();
    const response = await t.call(tech, 'POST', '/api/enrolment-tokens', {
      siteId: t.estate.siteId,
      roomId: t.estate.roomB,
      label: 'Spring refresh',
      uses: 2,
      days: 3,
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { token, row } = createEnrolmentTokenResponseSchema.parse(response.json());
    expect(token).toMatch(/^vigil-enrol-/);
    expect(row).toMatchObject({ siteId: t.estate.siteId, roomId: t.estate.roomB, label: 'Spring refresh', usesLeft: 2, revokedAt: null });
    expect(Date.parse(row.expiresAt) - before).toBeGreaterThanOrEqual(3 * dayMs - 1_000);
    expect(Date.parse(row.expiresAt) - before).toBeLessThanOrEqual(3 * dayMs + 60_000);
    const [stored] = await t.db.select().from(enrolmentTokens).where(eq(enrolmentTokens.id, row.id));
    expect(stored?.tokenHash).toBe(hashSecret(token));
    expect(stored?.createdBy).toBe(tech.user.id);
    expect(await t.audited('enrolment-token.create', row.id)).toMatchObject([
      { actorUserId: tech.user.id, detail: { siteId: t.estate.siteId, roomId: t.estate.roomB, uses: 2 } },
    ]);
    expect(JSON.stringify(await t.audited('enrolment-token.create', row.id))).not.toContain(token);

    const { agent, welcome } = await TestAgent.login(t.agentUrl, { kind: 'enrol', token }, { hostname: 'ict2-pc09' });
    agent.close();
    const [device] = await t.db.select().from(devices).where(eq(devices.id, welcome.payload.deviceId));
    expect(device).toMatchObject({ hostname: 'ict2-pc09', siteId: t.estate.siteId, roomId: t.estate.roomB, enrolmentTokenId: row.id });

    const listed = enrolmentTokensResponseSchema.parse((await t.call(tech, 'GET', '/api/enrolment-tokens')).json());
    expect(listed.tokens.find((candidate) => candidate.id === row.id)?.usesLeft).toBe(1);
    const body = JSON.stringify(listed);
    expect(body).not.toContain(token);
    expect(body).not.toContain(hashSecret(token));
  });

  it('defaults to 30 uses for 7 days, site-wide when no room is given', async () => {
    const response = await t.call(await t.as('dsl'), 'POST', '/api/enrolment-tokens', { siteId: t.estate.otherSiteId });
    expect(response.statusCode).toBe(201);
    const { row } = createEnrolmentTokenResponseSchema.parse(response.json());
    expect(row).toMatchObject({ siteId: t.estate.otherSiteId, roomId: null, label: null, usesLeft: 30 });
    expect(Date.parse(row.expiresAt) - Date.parse(row.createdAt)).toBeGreaterThan(7 * dayMs - 60_000);
  });

  it('revokes a token (audited once); an agent can no longer enrol with it', async () => {
    const tech = await t.as('technician');
    const { token, row } = createEnrolmentTokenResponseSchema.parse((await t.call(tech, 'POST', '/api/enrolment-tokens', { siteId: t.estate.siteId })).json());
    const revoked = await t.call(tech, 'POST', `/api/enrolment-tokens/${row.id}/revoke`, {});
    expect(revoked.statusCode).toBe(200);
    const revokedRow = z.object({ row: enrolmentTokenRowSchema }).parse(revoked.json()).row;
    expect(revokedRow.revokedAt).not.toBeNull();
    const again = z.object({ row: enrolmentTokenRowSchema }).parse((await t.call(tech, 'POST', `/api/enrolment-tokens/${row.id}/revoke`, {})).json()).row;
    expect(again.revokedAt).toBe(revokedRow.revokedAt);
    expect(await t.audited('enrolment-token.revoke', row.id)).toHaveLength(1);

    const agent = await TestAgent.connect(t.agentUrl);
    agent.send(helloMessage({ kind: 'enrol', token }));
    expect(await agent.closed).toMatchObject({ code: 4401, reason: 'enrol-token-invalid' });
  });

  it("keeps site staff to their site's tokens", async () => {
    const admin = await t.as('admin');
    const southToken = createEnrolmentTokenResponseSchema.parse(
      (await t.call(admin, 'POST', '/api/enrolment-tokens', { siteId: t.estate.otherSiteId })).json(),
    ).row;
    const north = await t.as('technician', { site: 'north' });
    const listed = enrolmentTokensResponseSchema.parse((await t.call(north, 'GET', '/api/enrolment-tokens')).json());
    expect(listed.tokens.length).toBeGreaterThan(0);
    expect(listed.tokens.every((token) => token.siteId === t.estate.siteId)).toBe(true);
    expect((await t.call(north, 'POST', '/api/enrolment-tokens', { siteId: t.estate.otherSiteId })).statusCode).toBe(403);
    const revoke = await t.call(north, 'POST', `/api/enrolment-tokens/${southToken.id}/revoke`, {});
    expect(revoke.statusCode).toBe(403);
    const [stored] = await t.db.select().from(enrolmentTokens).where(eq(enrolmentTokens.id, southToken.id));
    expect(stored?.revokedAt).toBeNull();
  });

  it('refuses bad input: a room of another site (400 roomId), out-of-range uses (400), unknown site (404)', async () => {
    const admin = await t.as('admin');
    const otherRoom = await t.call(admin, 'POST', '/api/enrolment-tokens', { siteId: t.estate.otherSiteId, roomId: t.estate.roomA });
    expect(otherRoom.statusCode).toBe(400);
    expect(otherRoom.json().error.details.fields).toEqual([{ path: 'roomId', message: 'the room is not on this site' }]);
    const uses = await t.call(admin, 'POST', '/api/enrolment-tokens', { siteId: t.estate.siteId, uses: 0, days: 91 });
    expect(uses.statusCode).toBe(400);
    expect(
      uses
        .json()
        .error.details.fields.map((field: { path: string }) => field.path)
        .sort(),
    ).toEqual(['days', 'uses']);
    expect((await t.call(admin, 'POST', '/api/enrolment-tokens', { siteId: 'nope' })).json().error.code).toBe('site-not-found');
  });
});
