import { makeEnvelope, type CollectorMessage, type HelloPayload, type WelcomeTls } from '@vigil/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { IngestDevice } from '../ingest/ingest-rows.ts';
import type { AgentSession } from './agent-hub.ts';
import { deviceFacts, helloOsUser } from './device-auth.service.ts';
import type { GatewayContext } from './gateway-context.ts';

/**
 * What the handshake needs of a connection. AgentConnection (agent-connection.ts) is one; it runs the
 * handshake, so the handshake names what it uses rather than importing the connection back.
 */
export interface HandshakeConnection extends AgentSession {
  readonly isOpen: boolean;
  readonly log: FastifyBaseLogger;
  send(message: CollectorMessage): boolean;
  close(frame: { readonly code: number; readonly reason: string }): void;
  identify(device: IngestDevice): void;
  ready(heartbeatSeconds: number): void;
}

/**
 * `hello` → authenticate → `welcome` (+ `wordlist` when the agent's is stale, + `lock`
 * when the device is locked) → registered in the hub. The socket may drop at any
 * await; every step after one checks it is still open. `tls` goes out in every welcome, over
 * TLS too: a plain agent learns where to upgrade to, a pinned one the keys of a rotation.
 */
export async function runHandshake(connection: HandshakeConnection, hello: HelloPayload, ip: string, ctx: GatewayContext, tls?: WelcomeTls): Promise<void> {
  const result = await ctx.auth.authenticateHello(hello, ip);
  if (!result.ok) {
    connection.close(result.close);
    return;
  }
  if (!connection.isOpen) return;
  const { device } = result;
  connection.identify({ ...device, osUser: helloOsUser(hello) });

  const { wordlists, policies, locks } = ctx.services();
  const [policy, lock] = await Promise.all([
    policies.forDevice(device.id),
    locks.forDevice(device.id),
    ctx.presence.connected(device.id, deviceFacts(hello), { ip, previousExit: hello.previousExit, runId: hello.runId }),
  ]);
  if (!connection.isOpen) return;

  const wordlist = wordlists.current();
  connection.send(
    makeEnvelope('welcome', {
      deviceId: device.id,
      ...(result.secret === undefined ? {} : { secret: result.secret }),
      policy,
      wordlistVersion: wordlist.version,
      serverTime: Date.now(),
      ...(tls === undefined ? {} : { tls }),
    }),
  );
  if (hello.wordlistVersion !== wordlist.version) connection.send(makeEnvelope('wordlist', wordlist));
  if (lock !== undefined) connection.send(makeEnvelope('lock', lock));
  connection.ready(policy.heartbeatSeconds);
  ctx.hub.attach(connection);
  // A word list that changed while we were busy was broadcast without this socket.
  const latest = wordlists.current();
  if (latest.version !== wordlist.version) connection.send(makeEnvelope('wordlist', latest));
  connection.log.info(
    { hostname: hello.hostname, agentVersion: hello.agentVersion, enrolled: result.secret !== undefined, previousExit: hello.previousExit },
    'agent connected',
  );
  ctx.hub.publishDeviceEvent({
    kind: 'connected',
    deviceId: device.id,
    receivedAt: Date.now(),
    hostname: hello.hostname,
    osUser: helloOsUser(hello),
    capabilities: hello.capabilities,
    roomId: device.roomId,
  });
  ctx.hub.announceConnected(device.id);
}
