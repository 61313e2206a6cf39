import type { FastifyPluginAsync } from 'fastify';
import type { AgentInstallResponse } from '@vigil/shared/console';
import { AppError } from '../errors/app-error.ts';
import { downloadsDir, listPackages, openPackage } from './downloads.service.ts';

/** The agents' address as PUBLIC_URL names this collector: its TLS port when TLS is on, else PUBLIC_URL's own. */
export function agentUrlFor(publicUrl: string | undefined, tlsPort: number | undefined): string | null {
  if (publicUrl === undefined) return null;
  const url = new URL(publicUrl);
  if (tlsPort !== undefined) return `wss://${url.hostname.includes(':') ? `[${url.hostname.replace(/^\[|\]$/g, '')}]` : url.hostname}:${tlsPort}`;
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
}

/** GET /downloads/:file (public: the packages), GET /api/agent-install (the enrolment page's facts). */
const downloadsPlugin: FastifyPluginAsync = async (app) => {
  const dir = downloadsDir(app.config.dataDir);

  app.get('/api/agent-install', async (): Promise<AgentInstallResponse> => {
    const publicUrl = app.config.publicUrl;
    return { publicUrl: publicUrl ?? null, agentUrl: agentUrlFor(publicUrl, app.agentTls?.port), packages: await listPackages(dir) };
  });

  app.get<{ Params: { file: string } }>('/downloads/:file', async (request, reply) => {
    const found = await openPackage(dir, request.params.file);
    if (found === undefined) throw new AppError('download-not-found', 404, 'No such package in the downloads folder');
    return reply
      .type('application/octet-stream')
      .header('content-length', String(found.bytes))
      .header('content-disposition', `attachment; filename="${request.params.file}"`)
      .header('x-content-type-options', 'nosniff')
      .send(found.handle.createReadStream());
  });
};

export default downloadsPlugin;
