import { useEffect, useState } from 'react';

type Health = { status: string; database: string; version?: string } | { error: string };

// The console shell: the sign-in, live view and triage pages arrive with the console issue.
export function App() {
  const [health, setHealth] = useState<Health | undefined>();

  useEffect(() => {
    let stopped = false;
    const load = () =>
      fetch('/health')
        .then((r) => r.json() as Promise<Health>)
        .catch((err: unknown) => ({ error: String(err) }))
        .then((h) => { if (!stopped) setHealth(h); });
    void load();
    const timer = setInterval(load, 10_000);
    return () => { stopped = true; clearInterval(timer); };
  }, []);

  return (
    <main className="shell">
      <header>
        <h1>Vigil</h1>
        <p>Safeguarding monitor console</p>
      </header>
      <section aria-live="polite" className="card">
        <h2>Collector</h2>
        {health === undefined && <p>Checking…</p>}
        {health !== undefined && 'error' in health && <p className="bad">Unreachable: {health.error}</p>}
        {health !== undefined && 'status' in health && (
          <dl>
            <dt>Status</dt><dd>{health.status}</dd>
            <dt>Database</dt><dd>{health.database}</dd>
            {health.version && (<><dt>Version</dt><dd>{health.version}</dd></>)}
          </dl>
        )}
      </section>
      <p className="notice">Monitoring is always disclosed to the people at each computer.</p>
    </main>
  );
}
