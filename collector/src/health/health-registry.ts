export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthCheckResult {
  readonly status: HealthStatus;
  /** One line for operators, e.g. the word-list file that failed to load. */
  readonly detail?: string;
}

export type HealthCheck = () => HealthCheckResult | Promise<HealthCheckResult>;

/**
 * Checks that feature plugins contribute to GET /health (e.g. `wordlists`: degraded
 * while a broken file keeps the last good list in force). A check that throws or
 * takes longer than `timeoutMs` counts as down.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    if (this.#checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.#checks.set(name, check);
  }

  async run(timeoutMs: number): Promise<Record<string, HealthCheckResult>> {
    const entries = await Promise.all([...this.#checks].map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
    return Object.fromEntries(entries);
  }
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
