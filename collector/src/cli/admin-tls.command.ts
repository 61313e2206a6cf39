// `vigil admin tls-pin | tls-next-key`: the collector's key pin (what tokens carry and agents
// check), and a next key to rotate to. Same environment as the collector (DATA_DIR, TLS_*).
import { stat } from 'node:fs/promises';
import { pino } from 'pino';
import { loadConfig } from '../config/config.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { newPrivateKeyPem } from '../tls/certificate-issuer.ts';
import { TlsSetupError } from '../tls/tls-error.ts';
import { loadTlsMaterial, pinOfFile } from '../tls/tls-material.ts';
import { spkiPin } from '../tls/tls-pin.ts';
import { tlsFiles } from '../tls/tls-store.ts';
import { writeFile } from 'node:fs/promises';
import { createPrivateKey } from 'node:crypto';
import { CliError, CliUsageError, text, type Subcommand } from './admin-cli.ts';

function cliConfig() {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new CliError(loaded.message);
  return loaded.config;
}

const cliLog = (): Logger =>
  createLogger(process.env.LOG_LEVEL === undefined || process.env.LOG_LEVEL === '' ? 'warn' : cliConfig().logLevel, pino.destination(2));

/**
 * The pin a new enrolment token carries: the collector's key (made now if the collector never
 * started — the collector then finds and uses the same files), or undefined with TLS=off.
 */
export async function collectorPin(log: Logger): Promise<string | undefined> {
  try {
    return (await loadTlsMaterial(cliConfig(), log))?.pin;
  } catch (error) {
    if (error instanceof TlsSetupError) throw new CliError(`${error.message} (the token needs the collector's key pin)`);
    throw error;
  }
}

export const tlsSubcommands: Record<string, Subcommand> = {
  'tls-pin': {
    synopsis: 'tls-pin [--file <key-or-certificate.pem>]',
    summary: "the collector's key pin (what enrolment tokens carry), or the pin of a key / certificate file",
    help: 'Prints the pin of the key in use, then any announced next pins, one a line. Agents accept --pin <pin>.',
    options: { file: { type: 'string' } },
    run: async (values) => {
      const file = text(values, 'file');
      if (file !== undefined) {
        console.log(
          await pinOfFile(file, '--file').catch((error: unknown) => Promise.reject(new CliUsageError(error instanceof Error ? error.message : String(error)))),
        );
        return 0;
      }
      const material = await loadTlsMaterial(cliConfig(), cliLog());
      if (material === undefined)
        throw new CliError("TLS=off: this collector has no key of its own (pin the reverse proxy's key: tls-pin --file <its certificate>)");
      for (const pin of material.pins) console.log(pin);
      console.error(`${material.source} key; ${material.pins.length - 1} next pin(s) announced; agents: wss://<host>:${material.port}`);
      return 0;
    },
  },
  'tls-next-key': {
    synopsis: 'tls-next-key',
    summary: 'make the key to rotate to (DATA_DIR/tls/next.key) and print its pin',
    help: [
      'Self-issued TLS only. Restart the collector: every agent that connects learns the new pin.',
      'When all have connected (see list-devices), move next.key over server.key, delete',
      'server.crt and restart: the collector issues a certificate for the new key.',
    ].join('\n'),
    run: async () => {
      const config = cliConfig();
      if (config.tls.mode === 'off' || config.tls.certFile !== undefined)
        throw new CliError('tls-next-key is for the self-issued key; with TLS_CERT_FILE set TLS_NEXT_KEY_FILE or TLS_NEXT_PIN');
      await loadTlsMaterial(config, cliLog());
      const path = tlsFiles(config.dataDir).nextKey;
      if ((await stat(path).catch(() => undefined)) !== undefined) {
        console.log(await pinOfFile(path, path));
        console.error(`${path} already exists (its pin above); rotate to it or delete it first`);
        return 0;
      }
      const pem = newPrivateKeyPem();
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
      console.log(spkiPin(createPrivateKey(pem)));
      console.error(`wrote ${path}; restart the collector to announce this pin to agents`);
      return 0;
    },
  },
};
