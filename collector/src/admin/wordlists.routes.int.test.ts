import { createEnrolmentTokenResponseSchema, customWordSchema, wordlistsResponseSchema } from '@vigil/shared/console';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TestAgent } from '../agents/testing/test-agent.ts';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const entryAnswer = z.object({ entry: customWordSchema, version: z.string() });

const t = useAdminTestApp();
let tech: SignedIn;
beforeAll(async () => {
  tech = await t.as('technician');
});

const fieldsOf = (body: { error: { details?: { fields?: Array<{ path: string }> } } }) => (body.error.details?.fields ?? []).map((field) => field.path);

describe('word lists', () => {
  it('shows the built-in list, its categories and the version in force', async () => {
    const response = await t.call(await t.as('dsl', { site: 'south' }), 'GET', '/api/wordlists');
    expect(response.statusCode).toBe(200);
    const view = wordlistsResponseSchema.parse(response.json());
    expect(view.version).toBe(t.app.wordlists.current().version);
    expect(view.categories.map((category) => category.id).sort()).toEqual(['bullying', 'self-harm']);
    expect(view.builtin.map((entry) => entry.term).sort()).toEqual(['idiot', 'kms', 'loser']);
    expect(view.builtinAllow).toEqual(['scunthorpe']);
    expect(view.custom).toEqual([]);
  });

  it('adds a custom term: a new version is in force at once, agents get it, and it is audited', async () => {
    const { token } = createEnrolmentTokenResponseSchema.parse((await t.call(tech, 'POST', '/api/enrolment-tokens', { siteId: t.estate.siteId })).json());
    const { agent } = await TestAgent.login(t.agentUrl, { kind: 'enrol', token }, { hostname: 'wordlist-pc' });
    try {
      const before = t.app.wordlists.current().version;
      const response = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: ' numpty ', category: 'bullying' });
      expect(response.statusCode).toBe(201);
      const { entry, version } = entryAnswer.parse(response.json());
      expect(entry).toMatchObject({
        kind: 'term',
        term: 'numpty',
        category: 'bullying',
        severity: 3,
        match: 'phrase',
        enabled: true,
        createdBy: tech.user.username,
      });
      expect(version).not.toBe(before);
      expect(t.app.wordlists.current().version).toBe(version);
      expect(t.app.wordlists.current().terms.map((term) => term.term)).toContain('numpty');
      expect(await t.audited('wordlist.term.add', entry.id)).toMatchObject([
        { actorUserId: tech.user.id, detail: { term: 'numpty', category: 'bullying', severity: 3 } },
      ]);

      // The first wordlist message may be the one sent on connect (the agent had none).
      let pushed = await agent.next('wordlist');
      if (pushed.payload.version !== version) pushed = await agent.next('wordlist');
      expect(pushed.payload.version).toBe(version);
      expect(pushed.payload.terms.map((term) => term.term)).toContain('numpty');

      const view = wordlistsResponseSchema.parse((await t.call(tech, 'GET', '/api/wordlists')).json());
      expect(view.builtin.map((item) => item.term)).not.toContain('numpty');
      expect(view.custom.map((item) => item.id)).toEqual([entry.id]);
    } finally {
      agent.close();
    }
  });

  it('adds an allow-list word with its own audit action', async () => {
    const before = t.app.wordlists.current().version;
    const response = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'allow', term: 'therapist' });
    expect(response.statusCode).toBe(201);
    const { entry, version } = entryAnswer.parse(response.json());
    expect(entry).toMatchObject({ kind: 'allow', term: 'therapist', category: null, severity: null, match: null });
    expect(version).not.toBe(before);
    expect(t.app.wordlists.current().allow).toContain('therapist');
    expect(await t.audited('wordlist.allow.add', entry.id)).toHaveLength(1);
  });

  it('disables and re-enables an entry, each a new version and one audit entry', async () => {
    const { entry, version: withIt } = entryAnswer.parse(
      (await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: 'div', category: 'bullying', severity: 1, match: 'word' })).json(),
    );
    const off = entryAnswer.parse((await t.call(tech, 'PATCH', `/api/wordlists/custom/${entry.id}`, { enabled: false })).json());
    expect(off.entry.enabled).toBe(false);
    expect(off.version).not.toBe(withIt);
    expect(t.app.wordlists.current().terms.map((term) => term.term)).not.toContain('div');
    const offAgain = entryAnswer.parse((await t.call(tech, 'PATCH', `/api/wordlists/custom/${entry.id}`, { enabled: false })).json());
    expect(offAgain.version).toBe(off.version);
    expect(await t.audited('wordlist.entry.disable', entry.id)).toHaveLength(1);

    const on = entryAnswer.parse((await t.call(tech, 'PATCH', `/api/wordlists/custom/${entry.id}`, { enabled: true })).json());
    expect(on.version).toBe(withIt);
    expect(await t.audited('wordlist.entry.enable', entry.id)).toHaveLength(1);
  });

  it('answers 409 for an entry that exists, 400 naming the field for one that would never match, 404 for an unknown id', async () => {
    const duplicate = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: 'numpty', category: 'bullying' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('wordlist-entry-exists');
    expect((await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'allow', term: 'therapist' })).statusCode).toBe(409);

    const version = t.app.wordlists.current().version;
    const category = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: 'flutter', category: 'gambling' });
    expect(category.statusCode).toBe(400);
    expect(fieldsOf(category.json())).toEqual(['category']);
    const unusable = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: '!!!', category: 'bullying' });
    expect(fieldsOf(unusable.json())).toEqual(['term']);
    const shape = await t.call(tech, 'POST', '/api/wordlists/custom', { kind: 'term', term: 'x', category: 'Bad Id', severity: 9 });
    expect(fieldsOf(shape.json()).sort()).toEqual(['category', 'severity']);
    expect(t.app.wordlists.current().version).toBe(version);

    expect((await t.call(tech, 'PATCH', '/api/wordlists/custom/nope', { enabled: true })).json().error.code).toBe('wordlist-entry-not-found');
  });

  it('lets only trust-wide staff change the list, which every site shares', async () => {
    const north = await t.as('technician', { site: 'north' });
    const response = await t.call(north, 'POST', '/api/wordlists/custom', { kind: 'allow', term: 'grape' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('site-forbidden');
    expect(t.app.wordlists.current().allow).not.toContain('grape');
    const [entry] = wordlistsResponseSchema.parse((await t.call(north, 'GET', '/api/wordlists')).json()).custom;
    expect((await t.call(north, 'PATCH', `/api/wordlists/custom/${entry?.id ?? ''}`, { enabled: false })).statusCode).toBe(403);
  });
});
