import { useEffect, useId, useRef, type JSX, type ReactNode } from 'react';

export interface DialogProps {
  /** The dialog's heading, also its accessible name. */
  readonly title: string;
  /** Escape, the Close button, or the parent deciding it is done. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** A wider dialog (the enlarged live view). */
  readonly wide?: boolean;
  readonly testId?: string;
}

/**
 * An accessible modal: the native <dialog> opened with showModal(), so the page behind
 * is inert (focus stays inside, screen readers see only the dialog) and Escape closes it.
 * Render it only while it is open (`{open && <Dialog …/>}`); on unmount focus goes back
 * to whatever had it before, usually the button that opened it.
 */
export function Dialog(props: DialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // Start where the work is: an element marked data-autofocus, else the first field;
    // a dialog without fields starts on Close (never on a button that acts, like Lock).
    const start =
      dialog.querySelector<HTMLElement>('.dialog-body [data-autofocus]') ??
      dialog.querySelector<HTMLElement>('.dialog-body input:not([disabled]), .dialog-body textarea:not([disabled]), .dialog-body select:not([disabled])') ??
      dialog.querySelector<HTMLElement>('.dialog-header button');
    start?.focus();
    // Escape fires `cancel`: let the parent close it, so its state stays the truth.
    const cancel = (event: Event) => {
      event.preventDefault();
      onClose.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      if (previous !== null && previous.isConnected) previous.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={props.wide === true ? 'dialog dialog-wide' : 'dialog'} aria-labelledby={titleId} data-testid={props.testId}>
      <header className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="button button-quiet" onClick={() => onClose.current()}>
          Close
        </button>
      </header>
      <div className="dialog-body">{props.children}</div>
    </dialog>
  );
}
