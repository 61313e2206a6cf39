import { MIN_REASON_VISIBLE, revealRequestSchema, visibleLength, type AlertDetailResponse } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { assertRole } from '../auth/authorization.ts';
import { AppError } from '../errors/app-error.ts';
import { findScreenshot } from '../evidence/screenshots.repository.ts';
import { alertDetail, isBlurredFor } from './alert-detail.ts';
import { blurScreenshot } from './screenshot-blur.ts';
import { REVEAL_MINUTES, revealAction } from './screenshot-reveal.repository.ts';
import { alertIdOf, alertInReach, callerOf, type TriageRoutesOptions } from './triage-context.ts';

/**
 * The capture itself: GET /api/alerts/:alertId/screenshot (audited `screenshot.view`,
 * blurred here, on the server, whenever the user may not see it) and
 * POST /api/alerts/:alertId/reveal (dsl only, audited `screenshot.reveal` with the reason):
 * for REVEAL_MINUTES the DSL gets the capture unblurred and the alert's text in clear.
 */
export const alertScreenshotRoutes: FastifyPluginAsync<TriageRoutesOptions> = async (app, { db, catalog, blobs }) => {
  app.get('/api/alerts/:alertId/screenshot', async (request, reply) => {
    const caller = await callerOf(db, request);
    const alert = await alertInReach(db, caller, alertIdOf(request));
    const sha256 = alert.screenshotSha256;
    if (sha256 === null) throw new AppError('screenshot-none', 404, 'This alert has no screenshot');
    const stored = await findScreenshot(db, sha256);
    const original = stored === undefined ? undefined : await blobs.get(sha256);
    if (stored === undefined || original === undefined) throw new AppError('screenshot-pending', 404, 'The screenshot has not arrived from the PC yet');
    const blurred = await isBlurredFor(db, caller.user, alert, catalog());
    let image: { bytes: Uint8Array; mime: string };
    if (blurred) {
      try {
        image = await blurScreenshot(original);
      } catch (error) {
        // Never fall back to the original: an unreadable image is served as nothing.
        request.log.error({ err: error, alertId: alert.id, sha256 }, 'screenshot could not be blurred');
        throw new AppError('screenshot-unreadable', 422, 'The screenshot could not be prepared for viewing');
      }
    } else {
      image = { bytes: original, mime: stored.mime };
    }
    await appendAudit(db, {
      actorUserId: caller.user.id,
      actorLabel: caller.user.username,
      action: 'screenshot.view',
      targetType: 'alert',
      targetId: alert.id,
      detail: { sha256, blurred },
      ip: caller.ip,
    });
    return reply
      .header('content-type', image.mime)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .send(Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength));
  });

  app.post('/api/alerts/:alertId/reveal', async (request): Promise<AlertDetailResponse> => {
    // The access table already lets only a DSL in; checked again where it matters most.
    assertRole(request, 'dsl');
    const caller = await callerOf(db, request);
    const { reason } = decodeBody(revealRequestSchema, request.body);
    const trimmed = reason.trim();
    // Visible characters: eleven zero-width spaces are not a reason.
    if (visibleLength(trimmed) < MIN_REASON_VISIBLE) {
      throw new AppError('validation-failed', 400, 'Give a reason for revealing the alert', {
        fields: [{ path: 'reason', message: `at least ${MIN_REASON_VISIBLE} visible characters` }],
      });
    }
    const alert = await alertInReach(db, caller, alertIdOf(request));
    // Only a restricted alert has anything to reveal; one without a capture still has its text.
    if (!catalog().facts(alert.category).restricted)
      throw new AppError('reveal-not-needed', 409, 'This alert is not in a restricted category: nothing is hidden');
    await appendAudit(db, {
      actorUserId: caller.user.id,
      actorLabel: caller.user.username,
      action: revealAction,
      targetType: 'alert',
      targetId: alert.id,
      detail: { reason: trimmed, sha256: alert.screenshotSha256, category: alert.category, minutes: REVEAL_MINUTES },
      ip: caller.ip,
    });
    return alertDetail(db, caller.user, alert, catalog());
  });
};
