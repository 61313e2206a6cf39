import type { WebhookKind } from '@vigil/shared/console';
import { DeliveryError } from './email-sender.ts';
import { signatureHeader, signatureHeaderValue } from './webhook-signature.ts';

export interface WebhookConfig {
  readonly name: string;
  readonly kind: WebhookKind;
  /** The full URL (a Teams or Slack URL is a credential: never put it in an error). */
  readonly url: string;
  readonly secret: string | null;
}

const timeoutMs = 10_000;

function networkProblem(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return `network error (${cause.code})`;
  if (cause instanceof Error && cause.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  return 'network error';
}

/**
 * POSTs `body` (JSON) to the webhook. With a secret, signs it (`X-Vigil-Signature`,
 * webhook-signature.ts); `X-Vigil-Delivery` is the same on every retry of one message,
 * so a receiver can drop duplicates. Any 2xx is success; redirects are not followed.
 */
export async function postWebhook(config: WebhookConfig, body: string, deliveryId: string, now: Date = new Date()): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Vigil-Notifications/1', 'x-vigil-delivery': deliveryId };
  if (config.secret !== null) headers[signatureHeader] = signatureHeaderValue(config.secret, body, now);
  let response: Response;
  try {
    response = await fetch(config.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DeliveryError(networkProblem(error), { cause: error });
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new DeliveryError(`HTTP ${response.status} from ${new URL(config.url).host}`);
  return `HTTP ${response.status}`;
}
