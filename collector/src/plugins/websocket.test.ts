import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { hostnameOf } from '../agents/agent-gateway.plugin.ts';
import { registerWebsocket } from './websocket.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** An app with one routed WebSocket route (/routed) and one claimed path (/claimed), listening on loopback. */
async function server(): Promise<{ url: string; seen: string[] }> {
  const app = Fastify();
  apps.push(app);
  await registerWebsocket(app, { maxPayload: 1024 });
  const seen: string[] = [];
  app.addHook('onRequest', async (request) => {
    seen.push(`hook ${request.url}`);
  });
  app.get('/routed', { websocket: true }, (socket) => socket.send('routed'));
  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  app.claimUpgrade('/claimed', (request, socket, head) => {
    seen.push(`claimed ${request.url ?? ''} from ${request.socket.remoteAddress ?? ''} for ${hostnameOf(request.headers.host)}`);
    wss.handleUpgrade(request, socket, head, (ws) => ws.send('claimed'));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`, seen };
}

async function firstMessage(url: string): Promise<string> {
  const ws = new WebSocket(url);
  const [data] = (await once(ws, 'message')) as [Buffer];
  ws.close();
  return data.toString();
}

describe('claimUpgrade (plugins/websocket.ts)', () => {
  it('a claimed path is served by its handler, past Fastify hooks; other upgrades still go through the router', async () => {
    const { url, seen } = await server();
    expect(await firstMessage(`${url}/claimed?v=1`)).toBe('claimed');
    expect(await firstMessage(`${url}/routed`)).toBe('routed');
    expect(seen).toEqual(['claimed /claimed?v=1 from 127.0.0.1 for 127.0.0.1', 'hook /routed']);
  });

  it('claims only the exact path, and only once', async () => {
    const { url, seen } = await server();
    const refused = new WebSocket(`${url}/claimed/more`);
    const [, response] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(404);
    expect(seen).toEqual(['hook /claimed/more']);
    const app = apps[0];
    expect(() => app?.claimUpgrade('/claimed', () => undefined)).toThrow('upgrades to /claimed are already claimed');
  });

  it('reads the host a client named as Fastify does', () => {
    expect(hostnameOf('collector.school.lan:8443')).toBe('collector.school.lan');
    expect(hostnameOf('[::1]:8080')).toBe('[::1]');
    expect(hostnameOf('10.0.0.5')).toBe('10.0.0.5');
    expect(hostnameOf(undefined)).toBe('');
  });
});
