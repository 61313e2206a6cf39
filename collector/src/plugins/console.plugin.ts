import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors/app-error.ts';

export interface ConsoleOptions {
  /** The built console (`collector/console/dist`). */
  readonly consoleDir: string;
}

// Paths that belong to the API and the sockets; never answered with the SPA's HTML.
const reservedPrefixes = ['/api/', '/agent/', '/console/', '/health'];

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil collector</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Vigil collector is running</h1>
<p>The web console has not been built yet. <code>pnpm start</code> builds it before starting
the collector; to build it by hand run <code>pnpm -F @vigil/console build</code> and restart.</p>
<p>Health: <a href="/health">/health</a></p>
</body></html>
`;

/**
 * Serves the React console from its build output at `/`, with a fallback to
 * index.html so deep links (/triage/…) survive a reload. Registered last. Files are
 * indexed at start-up (wildcard off): a rebuilt console needs a collector restart.
 */
const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (app, options) => {
  if (!existsSync(join(options.consoleDir, 'index.html'))) {
    app.log.warn({ consoleDir: options.consoleDir }, 'console not built: serving a placeholder page at /');
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(notBuiltPage));
    return;
  }
  await app.register(fastifyStatic, { root: options.consoleDir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (reservedPrefixes.some((prefix) => path.startsWith(prefix)) || /\.[a-z0-9]+$/i.test(path)) {
      throw new AppError('not-found', 404, `No route for GET ${path}`);
    }
    return reply.sendFile('index.html');
  });
};

export default consolePlugin;
