import type { JSX } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { SHORTCUTS } from './keyboard-shortcuts.ts';

/** The visible on/off switch for single-key shortcuts (WCAG 2.1.4) and a way to the help. */
export function ShortcutsToggle(props: { readonly enabled: boolean; readonly onChange: (enabled: boolean) => void; readonly onHelp: () => void }): JSX.Element {
  return (
    <div className="shortcuts-toggle">
      <label className="check-label">
        <input type="checkbox" checked={props.enabled} onChange={(event) => props.onChange(event.target.checked)} data-testid="shortcuts-toggle" />
        Keyboard shortcuts {props.enabled ? 'on' : 'off'}
      </label>
      <button type="button" className="button button-quiet button-small" onClick={props.onHelp}>
        Shortcut help
      </button>
    </div>
  );
}

export function ShortcutsHelp(props: { readonly enabled: boolean; readonly onClose: () => void }): JSX.Element {
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose} testId="shortcuts-help">
      <p>
        Shortcuts are {props.enabled ? 'on' : 'off'}. They never act while you are typing in a field or working in a dialog. Turn them on or off with the
        “Keyboard shortcuts” switch at the top of the page.
      </p>
      <table className="data-table">
        <caption className="visually-hidden">Triage keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={props.onClose} data-autofocus>
          Done
        </button>
      </div>
    </Dialog>
  );
}
