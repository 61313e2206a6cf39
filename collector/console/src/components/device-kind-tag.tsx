import type { JSX } from 'react';
import { deviceKindLabel, type DeviceKindFacts } from './device-kind.ts';

/** The kind-of-computer badge (live tiles, device dialog, devices table): an inline icon and the label as text. */
export function DeviceKindTag(props: { readonly device: DeviceKindFacts; readonly testId?: string }): JSX.Element {
  const { device } = props;
  return (
    <span className={`device-kind device-kind-${device.agentKind}`} data-testid={props.testId}>
      <svg className="device-kind-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
        {device.agentKind === 'browser' ? (
          // A browser window: frame and tab bar.
          <path d="M1.5 2.5h13v11h-13zM1.5 5.5h13" fill="none" stroke="currentColor" strokeWidth="1.5" />
        ) : (
          // A monitor on a stand.
          <path d="M1.5 2.5h13v8h-13zM8 10.5v3M5 13.5h6" fill="none" stroke="currentColor" strokeWidth="1.5" />
        )}
      </svg>{' '}
      {deviceKindLabel(device)}
    </span>
  );
}
