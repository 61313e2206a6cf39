import type { CollectorConfig } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import type { TlsMaterial } from './tls-material.ts';

/**
 * Said once at start: where agents connect, the key they pin, and how a PC joins. The pin is
 * public (it is a hash of the public key), so it is safe in logs.
 */
export function announceTls(log: Logger, config: CollectorConfig, tls: TlsMaterial | undefined, shownHost: string): void {
  const host = config.publicUrl === undefined ? shownHost : new URL(config.publicUrl).hostname;
  const steps = 'To monitor a PC: pnpm vigil admin create-room --name "ICT 1", then pnpm vigil admin create-token --room "ICT 1", then on the PC: ';
  if (tls === undefined) {
    log.warn(
      'TLS=off: this collector serves no TLS itself; enrolment tokens carry no key pin. Put a TLS proxy in front and give agents its pin (--pin), or --insecure',
    );
    log.info(`${steps}pnpm agent -- --collector wss://<proxy host> --pin <proxy key pin> --enrol-token <token>`);
    return;
  }
  const agentUrl = `wss://${host}:${tls.port}`;
  log.info(
    { agentUrl, pin: tls.pin, nextPins: tls.pins.slice(1), certificate: tls.source, caCertFile: tls.caCertFile, names: tls.names },
    `agents connect to ${agentUrl} and pin this collector's key: ${tls.pin}`,
  );
  log.info(`${steps}pnpm agent -- --collector ${agentUrl} --enrol-token <token>   (the token carries the pin)`);
}
