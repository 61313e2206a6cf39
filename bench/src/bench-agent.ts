// How the socket benchmarks log a fake agent in: open the agent socket, send `hello` with
// the device's credentials, wait for `welcome`. Loads only `ws` and shared, so worker
// threads and child processes can use it.
import { encode, makeEnvelope, type AgentCapability } from '@vigil/shared/protocol';
import WebSocket from 'ws';

export interface BenchAgentCredentials {
  readonly deviceId: string;
  readonly secret: string;
}

export interface BenchAgentLoginOptions {
  readonly capabilities: readonly AgentCapability[];
  /** Sent so the collector can skip pushing a word list the agent already has. */
  readonly wordlistVersion?: string;
  /** ws compresses by default; the real agent does not. */
  readonly perMessageDeflate?: boolean;
}

export interface BenchAgentSession {
  readonly socket: WebSocket;
  /** The word-list version in `welcome` ('' when it names none). */
  readonly wordlistVersion: string;
}

/** Resolves once `welcome` arrives; rejects if the socket fails or closes before. */
export function loginBenchAgent(url: string, agent: BenchAgentCredentials, options: BenchAgentLoginOptions): Promise<BenchAgentSession> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.perMessageDeflate === undefined ? {} : { perMessageDeflate: options.perMessageDeflate });
    const onClose = (code: number, reason: Buffer) => reject(new Error(`closed ${code} ${reason.toString()} during login`));
    socket.once('error', reject);
    socket.once('close', onClose);
    socket.once('open', () => {
      const hello = makeEnvelope('hello', {
        auth: { kind: 'device', deviceId: agent.deviceId, secret: agent.secret },
        agentVersion: 'bench',
        os: { platform: 'linux', release: '6.1', arch: 'x64' },
        hostname: `bench-${agent.deviceId.slice(-6)}`,
        osUser: 'pupil',
        capabilities: [...options.capabilities],
        previousExit: 'clean',
        ...(options.wordlistVersion === undefined ? {} : { wordlistVersion: options.wordlistVersion }),
      });
      socket.send(encode(hello));
    });
    const onWelcome = (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: { wordlistVersion?: string } };
      if (message.type !== 'welcome') return;
      socket.off('message', onWelcome);
      socket.off('close', onClose);
      resolve({ socket, wordlistVersion: message.payload?.wordlistVersion ?? '' });
    };
    socket.on('message', onWelcome);
  });
}
