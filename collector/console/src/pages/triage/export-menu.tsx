import { useState, type JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { failureFromResponse } from '../../api/client.ts';

// Incident export (collector/src/exports, DSL only): plain download links for one alert,
// and a POST (with the session's CSRF token) for a selection, saved through a blob URL.

const FORMATS: readonly { readonly format: 'pdf' | 'json' | 'csv' | 'zip'; readonly label: string }[] = [
  { format: 'pdf', label: 'PDF record' },
  { format: 'json', label: 'JSON (CPOMS / MyConcern fields)' },
  { format: 'csv', label: 'CSV (one row)' },
  { format: 'zip', label: 'Evidence bundle (zip)' },
];

export function exportHref(alertId: string, format: string): string {
  return `/api/alerts/${encodeURIComponent(alertId)}/export.${format}`;
}

/** The alert page's "Export" card: shown to the DSL only (the collector refuses everyone else). */
export function ExportMenu(props: { readonly alert: AlertSummary }): JSX.Element {
  const { alert } = props;
  // A restricted alert is exported only after this DSL revealed it (409 `reveal-required`).
  const needsReveal = alert.withheld;
  return (
    <div data-testid="export-menu">
      <p className="field-help">
        For the school&apos;s safeguarding record (CPOMS, MyConcern or the paper log). Every export is recorded in the audit log and in this alert&apos;s
        history.
        {alert.restricted && ' Screenshots that may be indecent are never exported: the record holds their hash and the alert is put under legal hold.'}
      </p>
      {needsReveal ? (
        <p className="field-help" data-testid="export-needs-reveal">
          Restricted alert: reveal it first (with a reason). The export is the record that leaves the building.
        </p>
      ) : (
        <ul className="button-row" aria-label="Export formats">
          {FORMATS.map((item) => (
            <li key={item.format}>
              <a className="button button-secondary" href={exportHref(alert.id, item.format)} download data-testid={`export-${item.format}`}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The file name in a `Content-Disposition: attachment; filename="…"` header. */
function attachmentName(header: string | null, fallback: string): string {
  const match = header === null ? null : /filename="([^"]+)"/.exec(header);
  return match?.[1] ?? fallback;
}

/** POST /api/exports for the ticked alerts, saved as the zip the collector names. */
export async function downloadSelection(ids: readonly string[], csrfToken: string): Promise<string> {
  const response = await fetch('/api/exports', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/zip', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ ids }),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw failureFromResponse('POST', '/api/exports', response.status, body);
  }
  const name = attachmentName(response.headers.get('content-disposition'), 'vigil-incidents.zip');
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // After the click has handed the blob to the download.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return name;
}

/** "Export selected" in the queue's bulk bar (DSL only). */
export function ExportSelectedButton(props: {
  readonly ids: readonly string[];
  readonly csrfToken: string;
  readonly onDone: (message: string) => void;
  readonly onError: (error: unknown) => void;
}): JSX.Element {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const name = await downloadSelection(props.ids, props.csrfToken);
      props.onDone(`Exported ${props.ids.length} incident${props.ids.length === 1 ? '' : 's'} as ${name}.`);
    } catch (error) {
      props.onError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button button-secondary" disabled={busy || props.ids.length === 0} onClick={() => void run()} data-testid="bulk-export">
      {busy ? 'Exporting…' : 'Export selected (zip)'}
    </button>
  );
}
