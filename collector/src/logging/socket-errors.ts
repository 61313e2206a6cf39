import type { FastifyBaseLogger } from 'fastify';
import type { PeerFaultLog } from './peer-fault-log.ts';

/** Errors that only mean the peer went away: not worth more than a debug line. */
const peerGone = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * One 'error' of a WebSocket, told at the level it deserves: what ws itself refuses (bad
 * opcodes, unmasked or oversized frames: ws has already sent its close code) is the peer's
 * fault — a warning without stack, once per address and code, then a count a minute
 * (`faults`); a peer that went away is a debug line; anything else is ours: one error line.
 */
export function reportSocketError(error: Error, at: { ip: string; route: string | undefined }, faults: PeerFaultLog, log: FastifyBaseLogger): void {
  const code = errorCode(error);
  if (code?.startsWith('WS_ERR_') === true) faults.note(at.ip, code, { route: at.route, message: error.message });
  else if (code !== undefined && peerGone.has(code)) log.debug({ err: error }, 'websocket peer went away');
  else log.error({ err: error }, 'websocket handler failed');
}
