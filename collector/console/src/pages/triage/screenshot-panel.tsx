import { useState, type JSX } from 'react';
import type { AlertDetailResponse } from '@vigil/shared/console';
import { formatDateTime } from '../../format.ts';
import { cacheBusted } from './alert-format.ts';
import { RevealDialog } from './reveal-dialog.tsx';

export interface ScreenshotPanelProps {
  readonly detail: AlertDetailResponse;
  /** Bumped after a reveal so the browser fetches the unblurred image. */
  readonly imageStamp: number | undefined;
  readonly onReveal: (reason: string) => Promise<void>;
  /** Reload the alert (the screenshot may arrive after the alert). */
  readonly onCheckAgain: () => void;
}

/**
 * The capture taken with the alert. The server blurs restricted categories until a DSL
 * reveals them, so the unblurred bytes never reach a browser that may not see them; this
 * panel only says so and offers the DSL the reveal.
 */
export function ScreenshotPanel(props: ScreenshotPanelProps): JSX.Element {
  const { alert, screenshot, canReveal } = props.detail;
  const [revealing, setRevealing] = useState(false);
  const [failed, setFailed] = useState<string | undefined>();

  if (screenshot === null) {
    return <p data-testid="screenshot-none">No screenshot was taken for this alert.</p>;
  }
  if (!screenshot.available) {
    return (
      <div data-testid="screenshot-pending">
        <p>The screenshot has not arrived from the computer yet.</p>
        <button type="button" className="button button-secondary" onClick={props.onCheckAgain}>
          Check again
        </button>
      </div>
    );
  }

  const src = props.imageStamp === undefined ? screenshot.url : cacheBusted(screenshot.url, props.imageStamp);
  return (
    <figure className="screenshot" data-testid="screenshot">
      {screenshot.blurred && (
        <p className="tag tag-restricted screenshot-label" data-testid="screenshot-blurred">
          Blurred — restricted category
        </p>
      )}
      {failed === src ? (
        <p className="banner banner-error" role="alert">
          The screenshot could not be loaded.
        </p>
      ) : (
        <img
          src={src}
          width={screenshot.width}
          height={screenshot.height}
          alt={`Screenshot of ${alert.hostname} at ${formatDateTime(alert.ts)}${screenshot.blurred ? ' (blurred)' : ''}`}
          onError={() => setFailed(src)}
          data-testid="screenshot-image"
          data-blurred={screenshot.blurred ? 'true' : 'false'}
        />
      )}
      <figcaption>
        {screenshot.blurred
          ? canReveal
            ? 'Restricted category: blurred until you reveal it with a reason.'
            : 'Restricted category: only the Designated Safeguarding Lead can reveal it.'
          : 'Every view of this screenshot is recorded in the audit log.'}
      </figcaption>
      {screenshot.blurred && canReveal && (
        <div className="button-row">
          <button type="button" className="button button-danger" onClick={() => setRevealing(true)} data-testid="reveal-button">
            Reveal
          </button>
        </div>
      )}
      {revealing && <RevealDialog onReveal={props.onReveal} onClose={() => setRevealing(false)} />}
    </figure>
  );
}
