import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiFailure, describeError, failureFromResponse, onSignedOut, setCsrfToken, withQuery } from './client.ts';

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

function stubFetch(respond: (call: Call) => Response | Promise<Response>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  });
  return calls;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('withQuery', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(withQuery('/api/alerts', { status: 'open', q: undefined, user: '', room: null, severity: 3, mine: false })).toBe(
      '/api/alerts?status=open&severity=3&mine=false',
    );
    expect(withQuery('/api/audit', { actor: 'a&b c' })).toBe('/api/audit?actor=a%26b+c');
  });

  it('returns the bare path when nothing is left', () => {
    expect(withQuery('/api/x', { a: undefined })).toBe('/api/x');
    expect(withQuery('/api/x')).toBe('/api/x');
  });
});

describe('failureFromResponse', () => {
  it('reads code, message and the contract fields', () => {
    const failure = failureFromResponse('POST', '/api/users', 400, {
      error: { code: 'validation-failed', message: 'Bad', fields: [{ path: 'username', message: 'too short' }] },
    });
    expect(failure).toMatchObject({ status: 400, code: 'validation-failed', message: 'Bad' });
    expect(failure.fields).toEqual([{ path: 'username', message: 'too short' }]);
    expect(describeError(failure)).toBe('Bad (username: too short)');
  });

  it('reads fields and extras the collector puts under details', () => {
    const failure = failureFromResponse('POST', '/api/auth/login', 423, {
      error: { code: 'account-locked', message: 'Locked', details: { until: '2030-01-01T10:00:00.000Z', fields: [{ path: 'password', message: 'x' }] } },
    });
    expect(failure.details['until']).toBe('2030-01-01T10:00:00.000Z');
    expect(failure.fields).toEqual([{ path: 'password', message: 'x' }]);
  });

  it('names the request when the body is not the error format', () => {
    const failure = failureFromResponse('GET', '/api/rooms', 502, '<html>bad gateway</html>');
    expect(failure.code).toBe('http-502');
    expect(failure.message).toBe('GET /api/rooms failed with HTTP 502');
  });
});

describe('api requests', () => {
  beforeEach(() => setCsrfToken(undefined));
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(undefined);
  });

  it('sends the CSRF token on state changes only', async () => {
    const calls = stubFetch(() => json(200, { ok: true }));
    setCsrfToken('csrf-123');
    await api.get('/api/rooms');
    await api.post('/api/rooms/1/lock', { minutes: 5 });
    const getHeaders = calls[0]?.init.headers as Record<string, string>;
    const postHeaders = calls[1]?.init.headers as Record<string, string>;
    expect(getHeaders['x-csrf-token']).toBeUndefined();
    expect(postHeaders['x-csrf-token']).toBe('csrf-123');
    expect(postHeaders['content-type']).toBe('application/json');
    expect(calls[1]?.init.body).toBe('{"minutes":5}');
  });

  it('answers undefined for 204', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(api.post('/api/auth/logout')).resolves.toBeUndefined();
  });

  it('turns a network failure into ApiFailure "network"', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await api.get('/api/rooms').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiFailure);
    expect(error).toMatchObject({ status: 0, code: 'network' });
  });

  it('tells listeners when the session ended, not when a password was wrong', async () => {
    let signedOut = 0;
    const stop = onSignedOut(() => {
      signedOut += 1;
    });
    try {
      stubFetch((call) =>
        call.url === '/api/auth/login'
          ? json(401, { error: { code: 'invalid-credentials', message: 'Wrong user name or password' } })
          : json(401, { error: { code: 'session-expired', message: 'Expired' } }),
      );
      await expect(api.post('/api/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({ code: 'invalid-credentials' });
      expect(signedOut).toBe(0);
      await expect(api.get('/api/rooms')).rejects.toMatchObject({ code: 'session-expired', status: 401 });
      expect(signedOut).toBe(1);
    } finally {
      stop();
    }
  });
});
