// A real HTTP server on loopback that receives webhook POSTs and answers each with the
// status `respond` picks (e.g. 500 first, then 200), keeping every request.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  readonly body: string;
  readonly receivedAt: number;
  /** The status it was answered with. */
  readonly status: number;
}

export interface TestWebhookReceiver {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly received: ReceivedWebhook[];
  /** The most requests that were open at once. */
  readonly maxConcurrent: () => number;
  close(): Promise<void>;
}

/** `respond(n)`: the status for the n-th request (0-based) to `path`; `delayMs`: hold each answer that long. */
export async function startWebhookReceiver(
  respond: (index: number, path: string) => number = () => 200,
  options: { delayMs?: number } = {},
): Promise<TestWebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer((request, response) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const status = respond(received.filter((one) => one.path === path).length, path);
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now(), status });
      setTimeout(() => {
        open -= 1;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failed');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    maxConcurrent: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
