import { MAX_SCREENSHOT_BYTES } from '@vigil/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { assertSha256 } from './blob-store.ts';
import { createBlobStore } from './disk-blob-store.ts';
import { ScreenshotService, type ScreenshotMime } from './screenshot.service.ts';

const imageTypes = ['image/jpeg', 'image/png', 'image/webp'] as const satisfies readonly ScreenshotMime[];

const querySchema = z.object({
  width: z.coerce.number().int().min(1).max(16_384),
  height: z.coerce.number().int().min(1).max(16_384),
});

function mimeOf(contentType: string | undefined): ScreenshotMime | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return imageTypes.find((candidate) => candidate === type);
}

/**
 * Evidence intake over HTTP, for agents that prefer it to the socket's binary frames:
 *
 *   PUT /agent/v1/screenshots/<sha256>?width=320&height=180
 *   Authorization: Bearer <deviceId>.<secret>
 *   Content-Type: image/jpeg | image/png | image/webp
 *   <the image bytes>
 *
 * 201 `{sha256, created: true}` when new, 200 when already stored; 401 / 429 as for the
 * socket (one failure count); 422 `sha256-mismatch` when the bytes hash to something else.
 */
const evidencePlugin: FastifyPluginAsync = async (app) => {
  const screenshots = new ScreenshotService({
    blobs: createBlobStore(app.config.dataDir),
    db: app.database.db,
    log: app.log.child({ module: 'evidence' }),
  });

  // Encapsulated: raw image bodies are accepted by this plugin's routes only.
  app.addContentTypeParser([...imageTypes], { parseAs: 'buffer', bodyLimit: MAX_SCREENSHOT_BYTES }, (_request, body, done) => {
    done(null, body);
  });

  app.put<{ Params: { sha256: string }; Querystring: Record<string, string> }>(
    '/agent/v1/screenshots/:sha256',
    { bodyLimit: MAX_SCREENSHOT_BYTES },
    async (request, reply) => {
      const auth = await app.agentAuth.authenticateBearer(request.headers.authorization, request.ip);
      if (!auth.ok) throw new AppError(auth.code, auth.status, 'Device authentication failed');
      const { sha256 } = request.params;
      assertSha256(sha256);
      const mime = mimeOf(request.headers['content-type']);
      if (mime === undefined) throw new AppError('unsupported-media-type', 415, `Content-Type must be one of ${imageTypes.join(', ')}`);
      const query = querySchema.safeParse(request.query);
      if (!query.success) throw new AppError('validation-failed', 400, 'width and height query parameters (pixels) are required');
      const bytes = request.body;
      if (!(bytes instanceof Buffer) || bytes.byteLength === 0) throw new AppError('validation-failed', 400, 'The image bytes are missing');
      const stored = await screenshots.store({ deviceId: auth.device.id, sha256, mime, ...query.data, bytes });
      return reply.status(stored.created ? 201 : 200).send({ sha256, created: stored.created });
    },
  );
};

export default evidencePlugin;
